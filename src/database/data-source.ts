import { DataSource } from 'typeorm';
import { migrations } from '../../migrations';
import { entities } from './entities';
import { toBusinessError } from './postgres-errors';

/** TypeORM serves reads, administration and migrations; value-moving writes are single SQL calls. */
export function createDataSource(url: string, options: { poolSize?: number } = {}): DataSource {
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
      application_name: 'coalition',
    },
  });
}

/** Applies pending migrations; returns the names applied. */
export async function migrate(dataSource: DataSource): Promise<string[]> {
  const applied = await dataSource.runMigrations({ transaction: 'each' });
  return applied.map((m) => m.name);
}

/**
 * Runs one SQL statement and returns its rows, whatever the command (TypeORM's plain `query`
 * returns `[rows, count]` for UPDATE and DELETE); a refusal raised in SQL becomes a BusinessError. Value-moving writes go through here as a single
 * round trip.
 */
export async function queryRows<T>(dataSource: DataSource, sql: string, params: unknown[] = []): Promise<T[]> {
  const runner = dataSource.createQueryRunner();
  try {
    return (await runner.query(sql, params, true)).records as T[];
  } catch (err) {
    throw toBusinessError(err);
  } finally {
    await runner.release();
  }
}
