import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * One set-based posting routine (issue 15): ledger_post_credits (sql/functions/10-ledger.sql)
 * takes any number of credit lines of this type, so the single credit and the purchase batch post
 * the same way and only the ledger module writes the ledger's tables. ledger_money now answers
 * the settlement item it wrote (a return type change: dropped here, recreated by the file).
 */
export class LedgerPost1795918000000 implements MigrationInterface {
  name = 'LedgerPost1795918000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TYPE ledger_credit_line AS (
        member_id          bigint,
        points             bigint,
        kind               text,
        source_kind        text,
        source_id          bigint,
        source_role        text,
        funding_partner_id bigint,
        expires_at         timestamptz,
        partner_id         bigint,
        contract_id        bigint,
        principal          text,
        reason             text,
        reference          text
      )`);
    await q.query(`DROP FUNCTION IF EXISTS ledger_money(bigint, bigint, text, bigint, numeric, text)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION IF EXISTS ledger_post_credits(ledger_credit_line[])`);
    await q.query(`DROP TYPE ledger_credit_line`);
  }
}
