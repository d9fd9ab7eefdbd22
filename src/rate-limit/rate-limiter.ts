import Redis from 'ioredis';
import { Pool } from 'pg';
import type { Logger } from 'pino';
import { RateLimiterAbstract, RateLimiterMemory, RateLimiterPostgres, RateLimiterRedis } from 'rate-limiter-flexible';
import { redactedUrl } from '../server/logger';

/** How long start waits for Redis before serving with the in-memory fallback. */
const REDIS_READY_TIMEOUT_MS = 2000;

export interface RateLimitStore {
  databaseUrl: string;
  /** null: counters live in PostgreSQL. */
  redisUrl: string | null;
  redisPrefix: string;
}

/**
 * The per-caller limiter, shared by every server process of a deployment: counters live in Redis
 * when REDIS_URL is set, else in the rate_limits table (migration 1795916000000). Either way, if
 * the store cannot answer, each process falls back to counting on its own rather than refusing.
 */
export async function createRateLimiter(
  store: RateLimitStore,
  perSecond: number,
  log: Logger,
): Promise<{ limiter: RateLimiterAbstract; close(): Promise<void> }> {
  const common = commonOptions(perSecond);
  return store.redisUrl ? redisLimiter(store.redisUrl, store.redisPrefix, common, log) : postgresLimiter(store.databaseUrl, common, log);
}

function commonOptions(perSecond: number) {
  return {
    points: perSecond,
    duration: 1,
    // A caller already over its budget is refused from memory for the rest of the second.
    inMemoryBlockOnConsumed: perSecond + 1,
    inMemoryBlockDuration: 1,
    insuranceLimiter: new RateLimiterMemory({ points: perSecond, duration: 1 }),
  };
}

type CommonOptions = ReturnType<typeof commonOptions>;

async function redisLimiter(url: string, prefix: string, common: CommonOptions, log: Logger) {
  // No offline queue: while Redis is away a check fails at once and the insurance limiter answers,
  // instead of the request waiting for a reconnect.
  const client = new Redis(url, { enableOfflineQueue: false, connectionName: `${prefix}:rate-limits` });
  client.on('error', (err) => log.warn({ err }, 'rate-limit Redis unavailable'));
  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), REDIS_READY_TIMEOUT_MS);
    client.once('ready', () => {
      clearTimeout(timer);
      resolve(true);
    });
  });
  if (!ready) log.warn({ redis: redactedUrl(url) }, 'rate-limit Redis not reachable yet: each process counts on its own until it is');
  const limiter = new RateLimiterRedis({ ...common, storeClient: client, keyPrefix: `${prefix}:rate`, rejectIfRedisNotReady: true });
  return {
    limiter,
    close: async () => {
      // quit() waits for replies in flight; with no connection there is nothing to wait for.
      if (client.status === 'ready') await client.quit();
      else client.disconnect();
    },
  };
}

async function postgresLimiter(databaseUrl: string, common: CommonOptions, log: Logger) {
  // Its own small pool skips waiting for fsync on these writes (the table is unlogged anyway), so a
  // limit check is one cheap round trip.
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
    ...common,
    storeClient: pool,
    storeType: 'pool',
    tableName: 'rate_limits',
    tableCreated: true,
    clearExpiredByTimeout: true,
  });
  return { limiter, close: () => pool.end() };
}
