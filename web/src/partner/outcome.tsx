import type { ReactNode } from 'react';
import { ErrorNote, Notice, UserErrors } from '../ui/kit';
import type { Outcome } from './actions';

/**
 * What an action ended with: done (a notice), refused (its userErrors: nothing changed) or failed as
 * a request (the error, and for keyed actions that a retry sends the same idempotency key).
 */
export function OutcomeNote<T>({ outcome, done }: { outcome: Outcome<T> | null; done: (value: T) => ReactNode }) {
  if (!outcome) return null;
  if (outcome.kind === 'done') return <Notice>{done(outcome.value)}</Notice>;
  if (outcome.kind === 'refused') return <UserErrors errors={outcome.userErrors} />;
  return (
    <>
      <ErrorNote error={outcome.error} />
      {outcome.retrying && (
        <p className="muted">
          The answer did not arrive, so it may or may not have been applied. Submit again to retry: the retry carries the same idempotency
          key, so the server applies it at most once.
        </p>
      )}
    </>
  );
}
