import { GraphQLError } from 'graphql';

/** Codes the ledger's SQL functions refuse with (SQLSTATE CL001, message = code, detail = text). */
export const LedgerErrorCode = {
  INSUFFICIENT_POINTS: 'INSUFFICIENT_POINTS',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  UNKNOWN_MEMBER: 'UNKNOWN_MEMBER',
  UNKNOWN_HOLD: 'UNKNOWN_HOLD',
  HOLD_NOT_PENDING: 'HOLD_NOT_PENDING',
  HOLD_EXPIRED: 'HOLD_EXPIRED',
  UNKNOWN_ENTRY: 'UNKNOWN_ENTRY',
  REVERSAL_EXCEEDS_ORIGINAL: 'REVERSAL_EXCEEDS_ORIGINAL',
  INVALID_POINTS: 'INVALID_POINTS',
} as const;

/** Retries ran out: nothing was applied, and the same request with the same key is safe to send again. */
export function ledgerBusy(): GraphQLError {
  return new GraphQLError('The ledger is busy; nothing was applied. Retry with the same idempotency key.', {
    extensions: { code: 'LEDGER_BUSY', http: { status: 503, headers: new Map([['retry-after', '1']]) } },
  });
}
