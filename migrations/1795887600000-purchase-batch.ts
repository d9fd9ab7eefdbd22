import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * coalition_record_purchases for issue #6: one set-based call for purchases at any number of
 * partners, so the server can also gather concurrent single purchases into one transaction (one
 * commit, one round trip) besides serving recordPurchases. Also faster: the in-batch duplicate
 * checks compared every item with every earlier one (O(n²): a quarter of a 1,000-item call) and
 * now number duplicates with a window function; each new entry's JSON comes from the INSERT's
 * RETURNING; each posted item's answer carries the member as the single purchase's does. An
 * inactive partner is refused, as the single purchase refuses it.
 */
export class PurchaseBatch1795887600000 implements MigrationInterface {
  name = 'PurchaseBatch1795887600000';

  async up(q: QueryRunner): Promise<void> {
    // A signature change; the new body is in sql/functions/30-earning.sql.
    await q.query('DROP FUNCTION IF EXISTS coalition_record_purchases(text, bigint, jsonb, text)');
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION IF EXISTS coalition_record_purchases(jsonb)');
  }
}
