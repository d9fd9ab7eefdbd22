import { useCallback, useRef, useState } from 'react';
import type { OperationResult } from 'urql';
import { newIdempotencyKey } from '../client';

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
    async <T>(request: unknown, perform: (idempotencyKey: string) => Promise<OperationResult<T>>): Promise<OperationResult<T> | null> => {
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
