import { randomBytes } from 'node:crypto';
import path from 'node:path';
import 'reflect-metadata';
import { createDataSource, migrate } from '../src/database/data-source';
import { startEmbeddedDatabase } from '../src/database/embedded-database';
import { databaseUrl, withClient } from '../src/database/pg-admin';

/**
 * Real PostgreSQL for the whole suite: DATABASE_URL when set, else an embedded server started
 * here. The real migrations build a template database once; each test file clones it.
 */
export default async function globalSetup(): Promise<void> {
  // A run id keeps concurrent runs against one server (a developer's and CI's) apart.
  const runId = randomBytes(4).toString('hex');
  const template = `coalition_test_${runId}_template`;
  let baseUrl = process.env.DATABASE_URL;
  if (!baseUrl) {
    const dataDir = path.join(__dirname, '..', '.coalition-data', `test-${process.pid}`);
    const embedded = await startEmbeddedDatabase(dataDir, (m) => process.stderr.write(`${m}\n`));
    (globalThis as { coalitionEmbedded?: { stop(): Promise<void>; dataDir: string } }).coalitionEmbedded = { stop: embedded.stop, dataDir };
    baseUrl = embedded.url;
  }
  await withClient(baseUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    await client.query(`CREATE DATABASE ${template} TEMPLATE template0`);
  });
  const dataSource = createDataSource(databaseUrl(baseUrl, template), { poolSize: 1 });
  await dataSource.initialize();
  try {
    await migrate(dataSource);
  } finally {
    await dataSource.destroy();
  }
  process.env.COALITION_TEST_BASE_URL = baseUrl;
  process.env.COALITION_TEST_TEMPLATE = template;
  process.env.COALITION_TEST_RUN = runId;
}
