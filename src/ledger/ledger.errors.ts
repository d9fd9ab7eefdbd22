import { GraphQLError } from 'graphql';
import { QueryFailedError } from 'typeorm';
import { BusinessError } from '../common/user-error';

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

const BUSINESS_REFUSAL = 'CL001';
/** Serialization failure and deadlock: safe to run again, the transaction left no trace. */
const RETRYABLE = new Set(['40001', '40P01']);

interface PgError {
  code?: string;
  message: string;
  detail?: string;
}

function pgError(err: unknown): PgError | null {
  const driverError = err instanceof QueryFailedError ? (err.driverError as PgError) : null;
  return driverError && typeof driverError.code === 'string' ? driverError : null;
}

export function isRetryable(err: unknown): boolean {
  const pg = pgError(err);
  return pg !== null && RETRYABLE.has(pg.code!);
}

/** A refusal raised by a ledger function as a BusinessError; anything else unchanged. */
export function toBusinessError(err: unknown): unknown {
  const pg = pgError(err);
  return pg?.code === BUSINESS_REFUSAL ? new BusinessError(pg.message, pg.detail ?? pg.message) : err;
}

/** Retries ran out: nothing was applied, and the same request with the same key is safe to send again. */
export function ledgerBusy(): GraphQLError {
  return new GraphQLError('The ledger is busy; nothing was applied. Retry with the same idempotency key.', {
    extensions: { code: 'LEDGER_BUSY', http: { status: 503, headers: new Map([['retry-after', '1']]) } },
  });
}
