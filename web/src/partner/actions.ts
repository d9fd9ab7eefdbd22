import { useRef } from 'react';
import type { CombinedError, OperationResult } from 'urql';
import { newIdempotencyKey } from '../client';
import type { UserErrorShape } from '../ui/kit';

/**
 * Idempotency keys for the value-moving actions of a page, one per action (a scope such as
 * "purchase" or "confirm:<transfer id>"). A key is created when its action starts and kept until
 * the server has answered it: a retry after a failed request (network, LEDGER_BUSY, a rate limit)
 * sends the same key again, so the server applies the action at most once even when the first
 * request did reach it. Once an answer came (done, or userErrors: nothing changed), the next
 * submit is a new action with a new key.
 */
export function useIdempotencyKeys() {
  const keys = useRef(new Map<string, string>());
  return {
    /** The key of the action in flight or to retry in this scope; a new one if none is. */
    keyFor(scope: string): string {
      let key = keys.current.get(scope);
      if (!key) {
        key = newIdempotencyKey();
        keys.current.set(scope, key);
      }
      return key;
    },
    /** True when the next submit in this scope retries an action that got no answer. */
    pending(scope: string): boolean {
      return keys.current.has(scope);
    },
    /** The server answered: the action is over. */
    settle(scope: string): void {
      keys.current.delete(scope);
    },
  };
}

export type IdempotencyKeys = ReturnType<typeof useIdempotencyKeys>;

/** What one action at the till ended with, for the page to show. */
export type Outcome<T> =
  | { kind: 'done'; value: T }
  | { kind: 'refused'; userErrors: readonly UserErrorShape[] }
  | { kind: 'failed'; error: CombinedError | Error; retrying: boolean };

/**
 * Sends one value-moving mutation with the scope's idempotency key and sorts the answer out: a
 * payload with userErrors is a refusal (the key is spent), a payload without is done (spent too), a
 * request that failed as a whole keeps its key for the retry.
 */
export async function runKeyed<TData, TPayload extends { userErrors: readonly UserErrorShape[] }>(
  keys: IdempotencyKeys,
  scope: string,
  send: (idempotencyKey: string) => Promise<OperationResult<TData>>,
  payloadOf: (data: TData) => TPayload,
): Promise<Outcome<TPayload>> {
  const idempotencyKey = keys.keyFor(scope);
  let result: OperationResult<TData>;
  try {
    result = await send(idempotencyKey);
  } catch (error) {
    return { kind: 'failed', error: error as Error, retrying: true };
  }
  return outcomeOf(result, payloadOf, () => keys.settle(scope));
}

/** The same sorting for actions that carry no key (enrolment, vouchers, webhook settings). */
export async function run<TData, TPayload extends { userErrors: readonly UserErrorShape[] }>(
  send: () => Promise<OperationResult<TData>>,
  payloadOf: (data: TData) => TPayload,
): Promise<Outcome<TPayload>> {
  let result: OperationResult<TData>;
  try {
    result = await send();
  } catch (error) {
    return { kind: 'failed', error: error as Error, retrying: false };
  }
  return outcomeOf(result, payloadOf, () => undefined);
}

function outcomeOf<TData, TPayload extends { userErrors: readonly UserErrorShape[] }>(
  result: OperationResult<TData>,
  payloadOf: (data: TData) => TPayload,
  settle: () => void,
): Outcome<TPayload> {
  if (result.error || !result.data) {
    return { kind: 'failed', error: result.error ?? new Error('The server sent no answer'), retrying: true };
  }
  settle();
  const payload = payloadOf(result.data);
  if (payload.userErrors.length > 0) return { kind: 'refused', userErrors: payload.userErrors };
  return { kind: 'done', value: payload };
}
