import { createHash } from 'node:crypto';
import type { Pool } from 'pg';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { migrations } from '../../migrations';
import { entities } from './entities';
import { withClient } from './pg-admin';
import { toBusinessError } from './postgres-errors';
import { applySqlFunctions, pendingSqlFunctionFiles } from './sql-functions';

/** TypeORM serves reads, administration and migrations; value-moving writes are single SQL calls. */
export function createDataSource(url: string, options: { poolSize?: number; replica?: boolean } = {}): DataSource {
  return new DataSource({
    type: 'postgres',
    url,
    entities,
    migrations,
    migrationsTableName: 'schema_migrations',
    migrationsTransactionMode: 'each',
    synchronize: false,
    logging: false,
    poolSize: options.poolSize ?? 20,
    extra: {
      // Timestamps are stored and compared in UTC, whatever the server's default zone.
      options: '-c timezone=UTC',
      application_name: options.replica ? 'coalition-replica' : 'coalition',
      // A dead replica must cost a read little before it falls back to the primary.
      ...(options.replica ? { connectionTimeoutMillis: 1000 } : {}),
    },
  });
}

/** Any number of servers may start at once on one database: they migrate one at a time. */
const MIGRATION_LOCK = 7_953_201_311;

/**
 * Applies pending migrations, then the sql/functions files whose checksum changed (every file
 * after a migration ran: it may have dropped or rebuilt what a file creates); returns the names
 * applied. A session advisory lock serialises processes starting together (the others wait,
 * then find nothing pending): without it two servers on a new database both create the first
 * tables and one dies on a duplicate key.
 */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  // On a connection of its own, outside the pool, which may have a single connection.
  return withClient(String((dataSource.options as { url: string }).url), async (lock) => {
    await lock.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    const files = await applySqlFunctions(async (sql, params) => (await lock.query(sql, params)).rows, { all: applied.length > 0 });
    return [...applied.map((m) => m.name), ...files];
  });
}

/** What /ready waits for: a versioned migration not run, or a function file changed since applied. */
export async function schemaPending(dataSource: DataSource): Promise<boolean> {
  return (await dataSource.showMigrations()) || (await pendingSqlFunctionFiles((sql, params) => dataSource.query(sql, params))).length > 0;
}

/**
 * Runs one SQL statement on the data source's connection pool and returns its rows; a refusal
 * raised in SQL becomes a BusinessError. Value-moving writes and hot reads go through here as a
 * single round trip, straight to `pg` (no query runner per call).
 */
export async function queryRows<T>(dataSource: DataSource, sql: string, params: unknown[] = []): Promise<T[]> {
  const pool = (dataSource.driver as PostgresDriver).master as Pool;
  try {
    return (await pool.query({ name: statementName(sql), text: sql, values: params })).rows as T[];
  } catch (err) {
    throw toBusinessError(err);
  }
}

const statementNames = new Map<string, string>();

/**
 * Every statement sent through queryRows is prepared once per connection under a name derived from
 * its text, so PostgreSQL parses and plans it once, not at every call. Statement texts here are
 * static (values go in parameters), so the set of names stays small.
 */
function statementName(sql: string): string {
  let name = statementNames.get(sql);
  if (!name) {
    name = 'q' + createHash('sha1').update(sql).digest('hex').slice(0, 20);
    statementNames.set(sql, name);
  }
  return name;
}

/** A timestamptz column as `pg` returns it (Date) or as to_jsonb writes it (ISO text). */
export function rowTimestamp(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}
