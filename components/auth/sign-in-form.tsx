'use client';

import { useActionState } from 'react';
import { signInAction, type SignInState } from '@/lib/actions/auth';
import { ErrorBanner } from '@/components/ui/alert';
import { Button } from '@/components/ui/button';
import { controlA11y, controlClass, Field } from '@/components/ui/field';

export function SignInForm({ next }: { next: string }) {
  const [state, action, pending] = useActionState<SignInState, FormData>(signInAction, {});
  const fields = state.error?.fields ?? {};
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="next" value={next} />
      {state.error && !state.error.fields && <ErrorBanner>{state.error.message}</ErrorBanner>}
      <Field id="username" label="Username" error={fields.username}>
        <input
          {...controlA11y('username', fields.username)}
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          defaultValue={state.username}
          className={controlClass}
        />
      </Field>
      <Field id="password" label="Password" error={fields.password}>
        <input
          {...controlA11y('password', fields.password)}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className={controlClass}
        />
      </Field>
      <Button type="submit" pending={pending} className="w-full">
        Sign in
      </Button>
    </form>
  );
}
