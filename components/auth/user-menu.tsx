import { signOutAction } from '@/lib/actions/auth';
import { ROLE_LABELS, type SessionUser } from '@/lib/auth/permissions';

export function UserMenu({ user }: { user: SessionUser }) {
  return (
    <div className="flex items-center gap-2 text-sm">
      <span className="hidden text-right leading-tight md:block" data-testid="signed-in-user">
        <span className="block font-medium text-slate-900">{user.displayName}</span>
        <span className="block text-xs text-slate-500">{ROLE_LABELS[user.role]}</span>
      </span>
      <form action={signOutAction}>
        <button
          type="submit"
          className="rounded-md px-2 py-1.5 whitespace-nowrap text-slate-700 hover:bg-slate-100 focus-visible:outline-2 focus-visible:outline-indigo-600"
          title={`Signed in as ${user.displayName} (${ROLE_LABELS[user.role]})`}
        >
          Sign out
        </button>
      </form>
    </div>
  );
}
