import { createDataSource, migrate, schemaPending } from '../src/database/data-source';
import { withClient } from '../src/database/pg-admin';
import { sqlFunctionFiles } from '../src/database/sql-functions';
import { SQL_ERROR_CODES } from '../src/ledger/ledger.errors';
import { migrations } from '../migrations';
import { startTestApp } from './support/test-app';
import { createTestDatabase } from './support/test-database';

/** Every function and trigger as PostgreSQL prints it: what a fresh and an upgraded database must share. */
const DEFINITIONS = `
  SELECT (SELECT string_agg(pg_get_functiondef(p.oid), E'\\n' ORDER BY p.proname, pg_get_function_identity_arguments(p.oid))
            FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace) AS functions,
         (SELECT string_agg(pg_get_triggerdef(t.oid), E'\\n' ORDER BY t.tgrelid::regclass::text, t.tgname)
            FROM pg_trigger t WHERE NOT t.tgisinternal) AS triggers`;

const definitions = (url: string) => withClient(url, async (c) => (await c.query(DEFINITIONS)).rows[0]);

describe('sql/functions, the repeatable step', () => {
  it('applies every file after the versioned migrations on a new database, then nothing until a file changes', async () => {
    const database = await createTestDatabase({ empty: true });
    const dataSource = createDataSource(database.url, { poolSize: 1 });
    await dataSource.initialize();
    try {
      const files = sqlFunctionFiles().map((f) => `sql/functions/${f.name}`);
      expect(await migrate(dataSource)).toEqual([...migrations.map((m) => new m().name), ...files]);
      expect(await schemaPending(dataSource)).toBe(false);
      expect(await migrate(dataSource)).toEqual([]);

      // A file whose text differs from what was applied (here: its recorded checksum) is pending
      // and applied again, alone.
      await dataSource.query(`UPDATE schema_functions SET checksum = 'stale' WHERE name = '30-earning.sql'`);
      expect(await schemaPending(dataSource)).toBe(true);
      expect(await migrate(dataSource)).toEqual(['sql/functions/30-earning.sql']);
      expect(await schemaPending(dataSource)).toBe(false);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });

  it('brings a database migrated before the step to the state of a new one', async () => {
    const fresh = await createTestDatabase();
    const deployed = await createTestDatabase();
    try {
      // As the old code left it: no checksum table nor its migration, and bodies that differ
      // from the files (an old earn function, a trigger function gone, a trigger missing).
      await withClient(deployed.url, async (c) => {
        await c.query(`DROP TABLE schema_functions`);
        await c.query(`DELETE FROM schema_migrations WHERE name = 'SqlFunctions1795917000000'`);
        await c.query(
          `CREATE OR REPLACE FUNCTION coalition_expiry(p_at timestamptz) RETURNS timestamptz LANGUAGE sql STABLE AS 'SELECT p_at'`,
        );
        await c.query(`DROP TRIGGER partners_category_rules ON partners`);
        await c.query(`DROP TRIGGER members_balance_matches ON members`);
      });
      expect(await definitions(deployed.url)).not.toEqual(await definitions(fresh.url));
      const dataSource = createDataSource(deployed.url, { poolSize: 1 });
      await dataSource.initialize();
      try {
        expect(await schemaPending(dataSource)).toBe(true);
        expect(await migrate(dataSource)).toEqual([
          'SqlFunctions1795917000000',
          ...sqlFunctionFiles().map((f) => `sql/functions/${f.name}`),
        ]);
      } finally {
        await dataSource.destroy();
      }
      expect(await definitions(deployed.url)).toEqual(await definitions(fresh.url));
    } finally {
      await fresh.drop();
      await deployed.drop();
    }
  });

  it('/ready answers 503 while a function file is not applied', async () => {
    const t = await startTestApp();
    try {
      await t.app.dataSource.query(`UPDATE schema_functions SET checksum = 'stale' WHERE name = '10-ledger.sql'`);
      const pending = await fetch(`${t.app.url}/ready`);
      expect([pending.status, await pending.json()]).toEqual([503, { status: 'migrations pending' }]);
      expect(await migrate(t.app.dataSource)).toEqual(['sql/functions/10-ledger.sql']);
      expect((await fetch(`${t.app.url}/ready`)).status).toBe(200);
    } finally {
      await t.stop();
    }
  });
});

describe('sql/functions, read as text', () => {
  const files = sqlFunctionFiles();

  it('raise exactly the codes SQL_ERROR_CODES lists (ledger_refuse, or an answer\'s "error")', () => {
    const raised = new Set(
      files.flatMap((f) => [...f.sql.matchAll(/ledger_refuse\('([A-Z_]+)'|'error', '([A-Z_]+)'/g)].map((m) => m[1] ?? m[2])),
    );
    expect([...raised].sort()).toEqual([...SQL_ERROR_CODES].sort());
  });

  it("write the ledger's tables and member balances only in the ledger module", () => {
    const ledgerWrite =
      /\b(?:INSERT INTO|UPDATE|DELETE FROM)\s+(?:ledger_\w+|point_lots|lot_consumptions|point_holds|settlement_items)\b|\bpoints_(?:balance|held)\s*=/gi;
    const writers = files
      .filter((f) => f.name !== '10-ledger.sql')
      .flatMap((f) => [...f.sql.matchAll(ledgerWrite)].map((m) => `${f.name}: ${m[0]}`));
    expect(writers).toEqual([]);
    // The pattern does find the ledger's own writes.
    expect(files.find((f) => f.name === '10-ledger.sql')!.sql.match(ledgerWrite)!.length).toBeGreaterThan(10);
  });
});
