import 'reflect-metadata';
import { ConfigError, loadConfig } from '../config/config';
import { createLogger } from '../server/logger';
import { createDataSource, migrate } from './data-source';
import { startEmbeddedDatabase } from './embedded-database';

/** `npm run migrate`: applies pending migrations to DATABASE_URL, else to the embedded database. */
async function main(): Promise<void> {
  const config = loadConfig();
  const log = createLogger(config.logLevel);
  const embedded = config.databaseUrl ? null : await startEmbeddedDatabase(config.dataDir, (m) => log.warn(m));
  const dataSource = createDataSource(config.databaseUrl ?? embedded!.url, { poolSize: 1 });
  try {
    await dataSource.initialize();
    const applied = await migrate(dataSource);
    log.info({ applied }, applied.length > 0 ? 'migrations applied' : 'schema already current');
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}

main().catch((err) => {
  process.stderr.write(
    err instanceof ConfigError ? `${err.message}\n` : `Migration failed: ${err instanceof Error ? err.stack : String(err)}\n`,
  );
  process.exit(1);
});
