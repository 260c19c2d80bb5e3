import type { Metadata } from 'next';
import { redirect } from 'next/navigation';
import { SignInForm } from '@/components/auth/sign-in-form';
import { currentUser } from '@/lib/auth/current-user';
import { demoPasswordFile } from '@/lib/auth/demo-users';
import { safeNextPath } from '@/lib/auth/session-cookie';

export const metadata: Metadata = { title: 'Sign in' };

export default async function SignInPage({ searchParams }: { searchParams: Promise<{ next?: string | string[] }> }) {
  const { next } = await searchParams;
  const target = safeNextPath(next);
  // Already signed in: nothing to do here.
  if (await currentUser()) redirect(target);
  // Where the password is, as this server was started.
  const where = process.env.LEDGERLINE_DEMO_PASSWORD ? (
    <>
      is the one <code>LEDGERLINE_DEMO_PASSWORD</code> sets.
    </>
  ) : (
    <>
      was printed when the app first started and is kept in <code>{demoPasswordFile()}</code>.
    </>
  );
  return (
    <div className="mx-auto mt-8 max-w-sm rounded-xl border border-slate-200 bg-white p-6 shadow-sm sm:mt-16">
      <h1 className="text-xl font-semibold tracking-tight text-slate-900">Sign in to Ledgerline</h1>
      <p className="mt-1 mb-6 text-sm text-slate-600">
        Demo accounts: <strong>clerk</strong>, <strong>operator</strong> and <strong>viewer</strong>. Their password{' '}
        {where}
      </p>
      <SignInForm next={target} />
    </div>
  );
}
