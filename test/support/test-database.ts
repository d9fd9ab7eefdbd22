import { randomBytes } from 'node:crypto';
import { databaseUrl, withClient } from '../../src/database/pg-admin';

/** Set by global-setup: the server to use and the migrated template each test database is cloned from. */
export function testDatabaseEnv(): { baseUrl: string; template: string; runId: string } {
  const baseUrl = process.env.COALITION_TEST_BASE_URL;
  const template = process.env.COALITION_TEST_TEMPLATE;
  const runId = process.env.COALITION_TEST_RUN;
  if (!baseUrl || !template || !runId) throw new Error('run the tests through jest (global-setup prepares the database)');
  return { baseUrl, template, runId };
}

/** A fresh database for one test file: a clone of the migrated template, or empty. */
export async function createTestDatabase(opts: { empty?: boolean } = {}): Promise<{ url: string; drop(): Promise<void> }> {
  const { baseUrl, template, runId } = testDatabaseEnv();
  const name = `coalition_test_${runId}_${randomBytes(6).toString('hex')}`;
  await withClient(baseUrl, async (client) => {
    // Concurrent clones of one template can collide on its lock; a short retry settles it.
    for (let attempt = 1; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE ${name} TEMPLATE ${opts.empty ? 'template0' : template}`);
        return;
      } catch (err) {
        if (attempt >= 10 || !/being accessed by other users/.test((err as Error).message)) throw err;
        await new Promise((r) => setTimeout(r, 100 * attempt));
      }
    }
  });
  return {
    url: databaseUrl(baseUrl, name),
    drop: () => withClient(baseUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`)).then(() => undefined),
  };
}
