import { GraphQLError } from 'graphql';

/** Retries ran out: nothing was applied, and the same request with the same key is safe to send again. */
export function ledgerBusy(): GraphQLError {
  return new GraphQLError('The ledger is busy; nothing was applied. Retry with the same idempotency key.', {
    extensions: { code: 'LEDGER_BUSY', http: { status: 503, headers: new Map([['retry-after', '1']]) } },
  });
}
