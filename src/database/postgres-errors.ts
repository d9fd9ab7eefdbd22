import { DatabaseError } from 'pg';
import { QueryFailedError } from 'typeorm';
import { BusinessError, CommonErrorCode } from '../common/user-error';
import { sqlRefusal } from '../ledger/ledger.errors';

/**
 * SQLSTATE CL001 is how the SQL functions and triggers refuse a request for a business reason
 * (see ledger_refuse): the message is the userError code, the detail the human text.
 */
const BUSINESS_REFUSAL = 'CL001';
/** Serialization failure and deadlock: safe to run again, the transaction left no trace. */
const RETRYABLE = new Set(['40001', '40P01']);

interface PgError {
  code?: string;
  message: string;
  detail?: string;
  constraint?: string;
}

/**
 * Text PostgreSQL cannot store: NUL in a text parameter is 22021 (invalid byte sequence), \u0000 in
 * JSON is 22P05 (unsupported Unicode escape). Inputs are checked before (requireText); this is the
 * backstop for any text that reaches SQL unchecked, so it is the caller's fault, never a 500.
 */
const UNSTORABLE_TEXT = new Set(['22021', '22P05']);
const CHECK_VIOLATION = '23514';
/** The CHECK that caps member balances and holds (migration 1795891200000). */
const POINTS_LIMIT = 'members_points_within_limit';

/** The PostgreSQL error behind `err`, whether `pg` raised it directly or TypeORM wrapped it. */
function pgError(err: unknown): PgError | null {
  const driverError = err instanceof QueryFailedError ? (err.driverError as PgError) : err instanceof DatabaseError ? err : null;
  return driverError && typeof driverError.code === 'string' ? driverError : null;
}

/** The SQLSTATE of a database error, else null. */
export function sqlState(err: unknown): string | null {
  return pgError(err)?.code ?? null;
}

/** The connection died under the call (a killed backend, a restarting server): the outcome is unknown. */
const CONNECTION_LOST = new Set(['57P01', '57P02', '57P03', '08000', '08003', '08006']);

export function isRetryable(err: unknown): boolean {
  const pg = pgError(err);
  return pg !== null && RETRYABLE.has(pg.code!);
}

/**
 * A lost connection: safe to retry only for calls that are idempotent (a keyed ledger call replays
 * its first result if it did commit).
 */
export function isConnectionLost(err: unknown): boolean {
  const pg = pgError(err);
  if (pg && CONNECTION_LOST.has(pg.code!)) return true;
  const message = err instanceof Error ? err.message : '';
  return /Connection terminated|ECONNRESET|ECONNREFUSED|the database system is (shutting down|starting up)/i.test(message);
}

/** A refusal raised in SQL, text SQL cannot store, or a balance over its cap, as a BusinessError; anything else unchanged. */
export function toBusinessError(err: unknown): unknown {
  const pg = pgError(err);
  if (pg?.code === BUSINESS_REFUSAL) return sqlRefusal(pg.message, pg.detail ?? pg.message);
  if (pg && UNSTORABLE_TEXT.has(pg.code!)) {
    return new BusinessError(CommonErrorCode.INVALID_INPUT, 'Text must not contain NUL or other characters that cannot be stored');
  }
  if (pg?.code === CHECK_VIOLATION && pg.constraint === POINTS_LIMIT) {
    return new BusinessError(CommonErrorCode.POINTS_LIMIT_EXCEEDED, 'A member may hold at most 100,000,000 points; nothing was changed');
  }
  return err;
}
