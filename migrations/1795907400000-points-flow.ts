import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The operator's earn/burn chart (Query.pointsFlow) reads ledger entries by time range. Entries
 * are appended in time order, so a BRIN index on created_at finds a range's blocks at almost no
 * cost to the write path (a B-tree would be one more index updated by every purchase).
 */
export class PointsFlow1795907400000 implements MigrationInterface {
  name = 'PointsFlow1795907400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE INDEX ledger_entries_created_brin ON ledger_entries USING brin (created_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX ledger_entries_created_brin`);
  }
}
