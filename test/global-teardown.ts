import { rmSync } from 'node:fs';
import { withClient } from '../src/database/pg-admin';

export default async function globalTeardown(): Promise<void> {
  const baseUrl = process.env.COALITION_TEST_BASE_URL!;
  const runId = process.env.COALITION_TEST_RUN!;
  await withClient(baseUrl, async (client) => {
    // The template, and databases left by a test file that crashed before its afterAll.
    const { rows } = await client.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1`, [
      `coalition_test_${runId}_%`,
    ]);
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  });
  const embedded = (globalThis as { coalitionEmbedded?: { stop(): Promise<void>; dataDir: string } }).coalitionEmbedded;
  if (embedded) {
    await embedded.stop();
    rmSync(embedded.dataDir, { recursive: true, force: true });
  }
}
