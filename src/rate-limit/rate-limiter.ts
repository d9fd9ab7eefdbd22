import { Pool } from 'pg';
import type { Logger } from 'pino';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres } from 'rate-limiter-flexible';

/**
 * The per-caller limiter, shared by every server process on the database: counters live in the
 * rate_limits table (migration 1795916000000). Its own small pool skips waiting for fsync on
 * these writes (the table is unlogged anyway), so a limit check is one cheap round trip; if the
 * database cannot answer, each process falls back to counting on its own rather than refusing.
 */
export function createRateLimiter(
  databaseUrl: string,
  perSecond: number,
  log: Logger,
): { limiter: RateLimiterAbstract; close(): Promise<void> } {
  const pool = new Pool({
    connectionString: databaseUrl,
    max: 4,
    application_name: 'coalition-rate-limits',
    options: '-c synchronous_commit=off',
  });
  // An idle connection the server closes (restart, terminated backend) is replaced on next use;
  // unheard, pg's pool would raise it as an uncaught error.
  pool.on('error', (err) => log.warn({ err }, 'rate-limit connection lost'));
  const limiter = new RateLimiterPostgres({
    storeClient: pool,
    storeType: 'pool',
    tableName: 'rate_limits',
    tableCreated: true,
    clearExpiredByTimeout: true,
    points: perSecond,
    duration: 1,
    // A caller already over its budget is refused from memory for the rest of the second.
    inMemoryBlockOnConsumed: perSecond + 1,
    inMemoryBlockDuration: 1,
    insuranceLimiter: new RateLimiterMemory({ points: perSecond, duration: 1 }),
  });
  return { limiter, close: () => pool.end() };
}
