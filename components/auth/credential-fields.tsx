import { controlA11y, controlClass, Field } from '@/components/ui/field';

/**
 * The username and password fields of a sign-in, with their errors under them.
 * `idPrefix` keeps ids unique where two sign-ins can be on one page (the
 * session-ended dialog over a page).
 */
export function CredentialFields({
  idPrefix = '',
  errors,
  username,
}: {
  idPrefix?: string;
  errors: { username?: string; password?: string };
  username?: string;
}) {
  const userId = `${idPrefix}username`;
  const passwordId = `${idPrefix}password`;
  return (
    <>
      <Field id={userId} label="Username" error={errors.username}>
        <input
          {...controlA11y(userId, errors.username)}
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          defaultValue={username}
          className={controlClass}
        />
      </Field>
      <Field id={passwordId} label="Password" error={errors.password}>
        <input
          {...controlA11y(passwordId, errors.password)}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          className={controlClass}
        />
      </Field>
    </>
  );
}
