import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Issue #11: a member's balance, its debt and its held points stay within ±100,000,000 points, so
 * every read of a member and every sum of the liability report fits JSON's safe integers (2^53 − 1
 * is 90 million members at the cap). The ledger functions update `members` in the same statement
 * that moves the points, so a purchase, grant or transfer that would cross it fails whole and
 * changes nothing; the server maps this constraint's name to POINTS_LIMIT_EXCEEDED. Validating
 * refuses to migrate a database that already holds a balance beyond it.
 */
export class PointsLimits1795891200000 implements MigrationInterface {
  name = 'PointsLimits1795891200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE members ADD CONSTRAINT members_points_within_limit
        CHECK (points_balance BETWEEN -100000000 AND 100000000 AND points_held <= 100000000)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE members DROP CONSTRAINT members_points_within_limit`);
  }
}
