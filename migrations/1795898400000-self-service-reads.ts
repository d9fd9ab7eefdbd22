import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Indexes for the self-service reads of issue #11, one per paging order (keyset, never OFFSET):
 * a partner's purchases newest first and their returns, an airline's transfers oldest first
 * (and, for its PENDING ones, from the pending holds to their transfers), a partner's statements
 * newest period first, and the operator's card-number prefix lookup in byte order ("C"), which
 * the default-collation unique index cannot serve for ranges on every server.
 */
const INDEXES = [
  'purchases_partner_idx ON purchases (partner_id, id)',
  'purchase_returns_purchase_idx ON purchase_returns (purchase_id)',
  'miles_transfers_airline_idx ON miles_transfers (airline_id, id)',
  'miles_transfers_hold_idx ON miles_transfers (hold_id) WHERE hold_id IS NOT NULL',
  `point_holds_pending_partner_idx ON point_holds (partner_id) WHERE status = 'PENDING'`,
  'settlement_statements_partner_idx ON settlement_statements (partner_id, period_id, currency)',
  'members_card_number_c_idx ON members ((card_number COLLATE "C"))',
];

export class SelfServiceReads1795898400000 implements MigrationInterface {
  name = 'SelfServiceReads1795898400000';

  async up(q: QueryRunner): Promise<void> {
    for (const index of INDEXES) await q.query(`CREATE INDEX ${index}`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const index of [...INDEXES].reverse()) await q.query(`DROP INDEX ${index.split(' ')[0]}`);
  }
}
