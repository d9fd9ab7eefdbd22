import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tamper evidence: the journal is sealed in blocks, each a SHA-256 over its entries and their
 * postings chained to the previous block's hash. Sealing runs beside the write path (no lock on
 * it); `npm run verify-ledger` recomputes the chain.
 */
export class LedgerSeals1795884000000 implements MigrationInterface {
  name = 'LedgerSeals1795884000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger_seals (
        block          bigint      PRIMARY KEY,
        first_entry_id bigint      NOT NULL,
        last_entry_id  bigint      NOT NULL,
        entries        integer     NOT NULL CHECK (entries > 0),
        prev_hash      bytea       NOT NULL,
        hash           bytea       NOT NULL,
        sealed_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK (first_entry_id <= last_entry_id)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION ledger_seal(interval)`);
    await q.query(`DROP FUNCTION ledger_block_hash(bytea, bigint, bigint)`);
    await q.query(`DROP TABLE ledger_seals`);
  }
}
