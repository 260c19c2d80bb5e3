import type { Metadata } from 'next';
import { ProjectionsPage } from '@/components/projections/projections-page';
import { requireUser } from '@/lib/auth/current-user';

export const metadata: Metadata = { title: 'Projections' };

// A shell: the page fetches in the browser and refetches on live pushes;
// rendering it only checks the session. Everyone signed in may look.
export default async function Page() {
  await requireUser();
  return <ProjectionsPage />;
}
