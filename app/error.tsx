'use client';

import { ErrorNotice } from '@/components/layout/error-notice';

export default function ErrorPage(props: { error: unknown; retry: () => void }) {
  return <ErrorNotice {...props} />;
}
