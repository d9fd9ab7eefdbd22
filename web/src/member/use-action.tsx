import { useCallback, useRef, useState } from 'react';
import type { OperationResult } from 'urql';
import { newIdempotencyKey } from '../client';
import { Notice, UserErrors, type UserErrorShape } from '../ui/kit';

/**
 * One value-moving action (a redemption, a transfer, a survey answer) that runs once at a time
 * and carries one idempotency key:
 *
 * - while it runs, further calls are ignored (a ref, not state, so a second click that arrives
 *   before React re-renders is ignored too), and `busy` disables the button;
 * - the key is made on the first try and sent again when the same request is retried after an
 *   answer that may not have been applied (no answer, a network failure, a busy ledger), so a
 *   retry can never redeem twice;
 * - once the server has answered (done, or refused with userErrors), the next action gets a new key;
 *   a different request (other points, another airline) always gets a new key.
 */
export function useAction() {
  const running = useRef(false);
  const pending = useRef<{ key: string; request: string } | null>(null);
  const [busy, setBusy] = useState(false);

  const run = useCallback(
    async <T,>(request: unknown, perform: (idempotencyKey: string) => Promise<OperationResult<T>>): Promise<OperationResult<T> | null> => {
      if (running.current) return null;
      running.current = true;
      setBusy(true);
      const fingerprint = JSON.stringify(request);
      if (pending.current?.request !== fingerprint) pending.current = { key: newIdempotencyKey(), request: fingerprint };
      try {
        const result = await perform(pending.current.key);
        if (result.data && !result.error) pending.current = null;
        return result;
      } finally {
        running.current = false;
        setBusy(false);
      }
    },
    [],
  );

  return { busy, run };
}

export interface ActionOutcome {
  /** The request failed as a whole: nothing was moved. */
  failure: string | null;
  errors: readonly UserErrorShape[];
  done: string | null;
}

/**
 * useAction plus what the member sees afterwards: a failed request, the payload's refusals, or
 * the success note `describe` writes (null: no success). `submit` resolves to whether it succeeded.
 */
export function useActionOutcome() {
  const { busy, run } = useAction();
  const [outcome, setOutcome] = useState<ActionOutcome>({ failure: null, errors: [], done: null });
  const submit = async <T, P extends { userErrors: readonly UserErrorShape[] }>(
    request: unknown,
    perform: (idempotencyKey: string) => Promise<OperationResult<T>>,
    payloadOf: (data: T) => P | null | undefined,
    describe: (payload: P) => string | null,
  ): Promise<boolean> => {
    const result = await run(request, perform);
    if (!result) return false;
    const payload = result.data ? payloadOf(result.data) : null;
    const done = payload ? describe(payload) : null;
    setOutcome({
      failure: result.error ? result.error.message.replace(/^\[(GraphQL|Network)\] /, '') : null,
      errors: payload?.userErrors ?? [],
      done,
    });
    return done !== null;
  };
  return { busy, submit, outcome };
}

export function ActionOutcomeNote({ outcome }: { outcome: ActionOutcome }) {
  return (
    <>
      {outcome.failure && (
        <p className="error" role="alert">
          {outcome.failure} — nothing was moved; try again.
        </p>
      )}
      <UserErrors errors={outcome.errors} />
      {outcome.done && <Notice>{outcome.done}</Notice>}
    </>
  );
}
