import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Function bodies leave the versioned migrations (issue 15): sql/functions/<module>.sql holds
 * every function and trigger as CREATE OR REPLACE, applied after the migrations whenever a file's
 * checksum differs from the one recorded here (src/database/sql-functions.ts). Versioned
 * migrations keep tables, indexes, constraints, and DROP FUNCTION for signature changes.
 */
export class SqlFunctions1795917000000 implements MigrationInterface {
  name = 'SqlFunctions1795917000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE schema_functions (
        name       text        PRIMARY KEY,
        checksum   text        NOT NULL,
        applied_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE schema_functions`);
  }
}
