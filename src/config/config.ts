import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * Configuration comes from the environment only and is validated once, at start, so a bad value
 * stops the server with a message naming the variable instead of failing on the first request.
 */
export interface Config {
  env: 'production' | 'development' | 'test';
  port: number;
  host: string;
  /** null: start the embedded PostgreSQL in `dataDir`. */
  databaseUrl: string | null;
  dataDir: string;
  /** Read-only GraphQL queries go to these streaming replicas when they are current enough (src/replica). */
  replicas: { urls: string[]; maxLagMs: number };
  operatorKey: string;
  memberJwt: { secret: string | null; publicKeyPem: string | null; issuer: string | null; audience: string | null };
  logLevel: string;
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Run the scheduled jobs (expiry, holds, birthdays, tier review, settlement close) in this process. */
  jobs: boolean;
  settlementCadence: 'daily' | 'monthly' | 'off';
  /** Value-moving mutations a second per caller. */
  rateLimitPerSecond: number;
  /** null: rate-limit counters live in PostgreSQL. */
  redisUrl: string | null;
  /** Start of every Redis key this deployment writes, so deployments (and test runs) sharing a Redis stay apart. */
  redisPrefix: string;
  webhooks: WebhookConfig;
  /** Server processes `npm start` runs (node:cluster workers sharing the port); 1: this process serves. */
  webConcurrency: number;
}

export interface WebhookConfig {
  /** Run the delivery worker in this process (any number of processes may). */
  deliver: boolean;
  /** One attempt's limit, connect to last byte. */
  timeoutMs: number;
  /** Delay before each retry (jittered ±20 %); after the last one fails the delivery is FAILED. */
  retryDelaysMs: number[];
  /** How often an idle worker looks for due deliveries. */
  pollMs: number;
  /** Production: https only and never a private, loopback or link-local address. */
  strict: boolean;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const MIN_SECRET_LENGTH = 32;

/** About a day of retries after the first attempt: the first within 10 s, then growing. */
const DEFAULT_RETRY_SCHEDULE = '5s,1m,5m,30m,2h,5h,10h,10h';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "5s,1m" → [5000, 60000]; null when any part is not a whole number with ms, s, m or h. */
export function parseDurations(value: string): number[] | null {
  const parts = value.split(',').map((part) => /^\s*([0-9]{1,7})(ms|s|m|h)\s*$/.exec(part));
  if (parts.some((m) => m === null)) return null;
  return parts.map((m) => Number(m![1]) * UNIT_MS[m![2]]);
}

const schema = z.object({
  NODE_ENV: z
    .enum(['production', 'development', 'test'], {
      error: 'NODE_ENV must be one of production, development, test',
    })
    .default('development'),
  PORT: z.coerce
    .number({ error: 'PORT must be a whole number' })
    .int('PORT must be a whole number')
    .min(0, 'PORT must be between 0 and 65535')
    .max(65535, 'PORT must be between 0 and 65535')
    .default(4000),
  HOST: z.string().min(1, 'HOST must not be empty').default('0.0.0.0'),
  DATABASE_URL: z
    .string()
    .refine(isPostgresUrl, 'DATABASE_URL must be a postgres:// or postgresql:// URL, e.g. postgres://user:pass@127.0.0.1:5432/coalition')
    .optional(),
  DATABASE_REPLICA_URLS: z
    .string()
    .refine(
      (v) => v.split(',').every((url) => isPostgresUrl(url.trim())),
      'DATABASE_REPLICA_URLS must be postgres:// URLs separated by commas',
    )
    .optional(),
  DATABASE_REPLICA_MAX_LAG_MS: z.coerce
    .number({ error: 'DATABASE_REPLICA_MAX_LAG_MS must be a whole number' })
    .int('DATABASE_REPLICA_MAX_LAG_MS must be a whole number')
    .min(0, 'DATABASE_REPLICA_MAX_LAG_MS must not be negative')
    .default(5000),
  COALITION_DATA_DIR: z.string().min(1, 'COALITION_DATA_DIR must not be empty').default('.coalition-data'),
  COALITION_OPERATOR_KEY: z
    .string()
    .min(MIN_SECRET_LENGTH, `COALITION_OPERATOR_KEY must be at least ${MIN_SECRET_LENGTH} characters`)
    .optional(),
  COALITION_MEMBER_JWT_SECRET: z
    .string()
    .min(MIN_SECRET_LENGTH, `COALITION_MEMBER_JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters (HS256 needs 256 bits)`)
    .optional(),
  COALITION_MEMBER_JWT_PUBLIC_KEY: z
    .string()
    .refine(
      (v) => v.includes('BEGIN PUBLIC KEY'),
      'COALITION_MEMBER_JWT_PUBLIC_KEY must be a PEM SPKI public key (-----BEGIN PUBLIC KEY-----)',
    )
    .optional(),
  COALITION_MEMBER_JWT_ISSUER: z.string().min(1).optional(),
  COALITION_MEMBER_JWT_AUDIENCE: z.string().min(1).optional(),
  LOG_LEVEL: z
    .enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'], {
      error: 'LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent',
    })
    .default('info'),
  COALITION_MAX_BODY_BYTES: z.coerce
    .number({ error: 'COALITION_MAX_BODY_BYTES must be a whole number' })
    .int('COALITION_MAX_BODY_BYTES must be a whole number')
    .min(1024, 'COALITION_MAX_BODY_BYTES must be at least 1024')
    .default(1_048_576),
  COALITION_JOBS: z.enum(['on', 'off'], { error: 'COALITION_JOBS must be on or off' }).default('on'),
  COALITION_SETTLEMENT_CADENCE: z
    .enum(['daily', 'monthly', 'off'], { error: 'COALITION_SETTLEMENT_CADENCE must be daily, monthly or off' })
    .default('monthly'),
  COALITION_RATE_LIMIT: z.coerce
    .number({ error: 'COALITION_RATE_LIMIT must be a whole number' })
    .int('COALITION_RATE_LIMIT must be a whole number')
    .min(1, 'COALITION_RATE_LIMIT must be at least 1')
    .default(1000),
  REDIS_URL: z
    .string()
    .refine(isRedisUrl, 'REDIS_URL must be a redis:// or rediss:// URL with a host, e.g. redis://127.0.0.1:6379')
    .optional(),
  COALITION_REDIS_PREFIX: z
    .string()
    .regex(/^[A-Za-z0-9_.-]{1,64}$/, 'COALITION_REDIS_PREFIX must be 1 to 64 letters, digits, dots, dashes or underscores')
    .default('coalition'),
  WEB_CONCURRENCY: z.coerce
    .number({ error: 'WEB_CONCURRENCY must be a whole number' })
    .int('WEB_CONCURRENCY must be a whole number')
    .min(1, 'WEB_CONCURRENCY must be between 1 and 64')
    .max(64, 'WEB_CONCURRENCY must be between 1 and 64')
    .default(1),
  COALITION_WEBHOOKS: z.enum(['on', 'off'], { error: 'COALITION_WEBHOOKS must be on or off' }).default('on'),
  COALITION_WEBHOOK_TIMEOUT: z
    .string()
    .refine((v) => parseDurations(v)?.length === 1, 'COALITION_WEBHOOK_TIMEOUT must be one duration such as 10s or 500ms')
    .default('10s'),
  COALITION_WEBHOOK_RETRY_SCHEDULE: z
    .string()
    .refine((v) => parseDurations(v) !== null, 'COALITION_WEBHOOK_RETRY_SCHEDULE must be durations separated by commas, e.g. 5s,1m,5m')
    .default(DEFAULT_RETRY_SCHEDULE),
  COALITION_WEBHOOK_POLL: z
    .string()
    .refine((v) => parseDurations(v)?.length === 1, 'COALITION_WEBHOOK_POLL must be one duration such as 500ms')
    .default('500ms'),
});

function isRedisUrl(value: string): boolean {
  try {
    const url = new URL(value);
    return (url.protocol === 'redis:' || url.protocol === 'rediss:') && url.hostname !== '';
  } catch {
    return false;
  }
}

function isPostgresUrl(value: string): boolean {
  try {
    const url = new URL(value);
    const isPostgres = url.protocol === 'postgres:' || url.protocol === 'postgresql:';
    return isPostgres && (url.hostname !== '' || url.searchParams.has('host'));
  } catch {
    return false;
  }
}

/**
 * Reads the configuration. Outside production, missing secrets are generated once and kept in the
 * data folder so that `npm start` works with no setup and keys survive restarts; in production they
 * are required.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = schema.safeParse(stripEmpty(env));
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => issue.message));
  }
  const e = parsed.data;
  const dataDir = path.resolve(e.COALITION_DATA_DIR);
  const problems: string[] = [];
  if (e.NODE_ENV === 'production') {
    if (!e.COALITION_OPERATOR_KEY) problems.push('COALITION_OPERATOR_KEY is required in production');
    if (!e.COALITION_MEMBER_JWT_SECRET && !e.COALITION_MEMBER_JWT_PUBLIC_KEY) {
      problems.push('COALITION_MEMBER_JWT_SECRET or COALITION_MEMBER_JWT_PUBLIC_KEY is required in production');
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const needsDataDir =
    !e.DATABASE_URL || !e.COALITION_OPERATOR_KEY || (!e.COALITION_MEMBER_JWT_SECRET && !e.COALITION_MEMBER_JWT_PUBLIC_KEY);
  if (needsDataDir) ensureWritableDir(dataDir);

  return {
    env: e.NODE_ENV,
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL ?? null,
    dataDir,
    replicas: {
      urls: e.DATABASE_REPLICA_URLS?.split(',').map((url) => url.trim()) ?? [],
      maxLagMs: e.DATABASE_REPLICA_MAX_LAG_MS,
    },
    operatorKey: e.COALITION_OPERATOR_KEY ?? persistedSecret(dataDir, 'operator-key'),
    memberJwt: {
      secret: e.COALITION_MEMBER_JWT_SECRET ?? (e.COALITION_MEMBER_JWT_PUBLIC_KEY ? null : persistedSecret(dataDir, 'member-jwt-secret')),
      publicKeyPem: e.COALITION_MEMBER_JWT_PUBLIC_KEY ?? null,
      issuer: e.COALITION_MEMBER_JWT_ISSUER ?? null,
      audience: e.COALITION_MEMBER_JWT_AUDIENCE ?? null,
    },
    logLevel: e.LOG_LEVEL,
    maxBodyBytes: e.COALITION_MAX_BODY_BYTES,
    jobs: e.COALITION_JOBS === 'on',
    settlementCadence: e.COALITION_SETTLEMENT_CADENCE,
    rateLimitPerSecond: e.COALITION_RATE_LIMIT,
    redisUrl: e.REDIS_URL ?? null,
    redisPrefix: e.COALITION_REDIS_PREFIX,
    webhooks: {
      deliver: e.COALITION_WEBHOOKS === 'on',
      timeoutMs: parseDurations(e.COALITION_WEBHOOK_TIMEOUT)![0],
      retryDelaysMs: parseDurations(e.COALITION_WEBHOOK_RETRY_SCHEDULE)!,
      pollMs: parseDurations(e.COALITION_WEBHOOK_POLL)![0],
      strict: e.NODE_ENV === 'production',
    },
    webConcurrency: e.WEB_CONCURRENCY,
  };
}

/** An unset variable and one set to the empty string mean the same: use the default. */
function stripEmpty(env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(Object.entries(env).filter((kv): kv is [string, string] => kv[1] !== undefined && kv[1] !== ''));
}

function ensureWritableDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    const probe = path.join(dir, '.write-probe');
    writeFileSync(probe, '');
  } catch (err) {
    throw new ConfigError([`COALITION_DATA_DIR (${dir}) is not a writable folder: ${(err as Error).message}`]);
  }
}

function persistedSecret(dataDir: string, name: string): string {
  const file = path.join(dataDir, name);
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const secret = randomBytes(32).toString('base64url');
  writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}
