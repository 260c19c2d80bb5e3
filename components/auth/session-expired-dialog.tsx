'use client';

import { useRouter } from 'next/navigation';
import { useEffect, useRef, useState, useTransition, type FormEvent } from 'react';
import { signInAgainAction } from '@/lib/actions/auth';
import type { ActionError } from '@/lib/actions/result';
import { reportSignedInAgain } from '@/lib/client/session-state';
import { CredentialFields } from './credential-fields';
import { useSessionEnded } from './use-session-ended';
import { ErrorBanner } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';

/**
 * Opens when the server says the session has ended (signed out in another
 * tab, expired, revoked): it says so, and signs in again right here, so the
 * page and everything typed into it stay as they are. A modal <dialog>, so
 * focus stays in it and the page behind cannot be used until then.
 */
export function SessionExpiredDialog() {
  const ended = useSessionEnded();
  const dialog = useRef<HTMLDialogElement>(null);
  const router = useRouter();
  const [error, setError] = useState<ActionError | null>(null);
  const [pending, startTransition] = useTransition();

  useEffect(() => {
    const element = dialog.current;
    if (!element) return;
    if (ended && !element.open) element.showModal();
    if (!ended && element.open) element.close();
  }, [ended]);

  // Signed in in another tab (the link below): noticed when the user comes back to this one.
  useEffect(() => {
    if (!ended) return;
    const check = () => {
      if (document.visibilityState !== 'visible') return;
      void fetch('/api/auth/me', { cache: 'no-store' }).then((res) => {
        if (!res.ok) return;
        reportSignedInAgain();
        router.refresh();
      });
    };
    document.addEventListener('visibilitychange', check);
    window.addEventListener('focus', check);
    return () => {
      document.removeEventListener('visibilitychange', check);
      window.removeEventListener('focus', check);
    };
  }, [ended, router]);

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const input = { username: String(form.get('username') ?? ''), password: String(form.get('password') ?? '') };
    startTransition(async () => {
      const result = await signInAgainAction(input).catch((): Awaited<ReturnType<typeof signInAgainAction>> => ({
        ok: false,
        error: { code: 'INTERNAL', message: 'The server could not be reached. Check your connection and try again.' },
      }));
      if (!result.ok) {
        setError(result.error);
        return;
      }
      setError(null);
      reportSignedInAgain();
      // Server-rendered parts (the header's name) follow the new session; client state stays.
      router.refresh();
    });
  }

  const fields = error?.fields ?? {};
  return (
    <dialog
      ref={dialog}
      aria-labelledby="session-ended-title"
      aria-describedby="session-ended-text"
      // Escape would leave the page unusable behind a session that is gone: the dialog stays until signed in.
      onCancel={(event) => event.preventDefault()}
      className="m-auto w-[min(24rem,calc(100%-2rem))] rounded-xl border border-slate-200 bg-white p-6 text-slate-900 shadow-xl backdrop:bg-black/50"
    >
      <h2 id="session-ended-title" className="text-lg font-semibold">
        Your session has ended
      </h2>
      <p id="session-ended-text" className="mt-1 mb-4 text-sm text-slate-600">
        You were signed out (in another tab, or the session expired). Sign in again to carry on: this page and what you
        typed into it stay as they are; send it again afterwards.
      </p>
      {ended && (
        <form onSubmit={submit} className="space-y-4" noValidate>
          {error && !error.fields && <ErrorBanner>{error.message}</ErrorBanner>}
          <CredentialFields idPrefix="session-" errors={fields} />
          <Button type="submit" pending={pending} className="w-full">
            Sign in again
          </Button>
          <p className="text-center text-sm">
            <a
              href="/sign-in"
              target="_blank"
              rel="noopener"
              className="text-indigo-700 underline underline-offset-2 hover:text-indigo-900"
            >
              Or open the sign-in page in a new tab
            </a>
          </p>
        </form>
      )}
    </dialog>
  );
}
