import 'reflect-metadata';
import { ConfigError, loadConfig } from '../src/config/config';
import { createDataSource } from '../src/database/data-source';
import { startEmbeddedDatabase } from '../src/database/embedded-database';
import { verifyLedger } from '../src/ledger/ledger-verify';

/** `npm run verify-ledger`: recomputes the seal chain and every invariant; exits 1 on any mismatch. */
async function main(): Promise<void> {
  const config = loadConfig();
  const embedded = config.databaseUrl ? null : await startEmbeddedDatabase(config.dataDir, (m) => process.stderr.write(`${m}\n`));
  const dataSource = createDataSource(config.databaseUrl ?? embedded!.url, { poolSize: 1 });
  try {
    await dataSource.initialize();
    const violations = await verifyLedger(dataSource);
    const [{ blocks, entries }] = await dataSource.query(
      `SELECT count(*) AS blocks, coalesce(sum(entries), 0) AS entries FROM ledger_seals`,
    );
    if (violations.length === 0) {
      console.log(`ledger verified: ${blocks} sealed blocks (${entries} entries), every invariant holds`);
    } else {
      for (const v of violations) console.error(`VIOLATION ${v.check}: ${JSON.stringify(v.rows)}`);
      process.exitCode = 1;
    }
  } finally {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
  }
}

main().catch((err) => {
  process.stderr.write(
    err instanceof ConfigError ? `${err.message}\n` : `verify-ledger failed: ${err instanceof Error ? err.stack : String(err)}\n`,
  );
  process.exit(2);
});
