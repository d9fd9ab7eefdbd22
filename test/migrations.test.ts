import { createDataSource, migrate } from '../src/database/data-source';
import { migrations } from '../migrations';
import { sqlFunctionFiles } from '../src/database/sql-functions';
import { createTestDatabase } from './support/test-database';

describe('migrations', () => {
  it('apply to an empty database, revert completely, and apply again', async () => {
    const database = await createTestDatabase({ empty: true });
    const dataSource = createDataSource(database.url, { poolSize: 1 });
    await dataSource.initialize();
    const tables = async () =>
      (
        await dataSource.query(
          `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' AND table_name <> 'schema_migrations' ORDER BY 1`,
        )
      ).map((r: { table_name: string }) => r.table_name);
    const everything = migrations.length + sqlFunctionFiles().length;
    try {
      expect(await migrate(dataSource)).toHaveLength(everything);
      expect(await tables()).toEqual(expect.arrayContaining(['members', 'partner_api_keys', 'partner_contracts', 'partners']));
      expect(await dataSource.showMigrations()).toBe(false);

      for (let i = 0; i < migrations.length; i++) await dataSource.undoLastMigration();
      expect(await tables()).toEqual([]);

      expect(await migrate(dataSource)).toHaveLength(everything);
      expect(await migrate(dataSource)).toEqual([]);
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });
});
