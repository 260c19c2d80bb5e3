'use client';

import { useActionState } from 'react';
import { signInAction, type SignInState } from '@/lib/actions/auth';
import { ErrorBanner } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { CredentialFields } from './credential-fields';

export function SignInForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {});
  const fields = state.error?.fields ?? {};
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="next" value={next} />
      {state.error && !state.error.fields && <ErrorBanner>{state.error.message}</ErrorBanner>}
      <CredentialFields errors={fields} username={state.username} />
      <Button type="submit" pending={pending} className="w-full">
        Sign in
      </Button>
    </form>
  );
}
