import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Privacy (issue #13): a history of marketing-consent changes (what a regulator asks to see), the
 * reason an operator erased a member, and erasure itself as one SQL call (sql/functions/85-privacy.sql).
 *
 * Erasure blanks personal data in place and deletes no row that money or points hang on: the
 * ledger, lots, holds, purchases and settlement keep their rows, so every invariant, the sealed
 * hash chain (which covers no personal column) and the partner-events audit still hold. The card
 * number stays: it is the member's pseudonymous key, already inside sealed entries (referral
 * reasons) and in the partners' own event records, so replacing it would break the seals.
 */
export class MemberPrivacy1795914000000 implements MigrationInterface {
  name = 'MemberPrivacy1795914000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE member_consent_history (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        member_id   bigint      NOT NULL REFERENCES members (id),
        granted     boolean     NOT NULL,
        source      text        CHECK (length(source) BETWEEN 1 AND 100),
        principal   text        NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK (NOT granted OR source IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX member_consent_history_member_idx ON member_consent_history (member_id, id)`);
    await q.query(`ALTER TABLE members ADD COLUMN erasure_reason text CHECK (length(erasure_reason) BETWEEN 3 AND 500),
                     ADD CONSTRAINT members_erasure_reasoned CHECK ((erased_at IS NULL) = (erasure_reason IS NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION coalition_erase_member(text, text)`);
    for (const table of ['redemptions', 'miles_transfers']) await q.query(`DROP TRIGGER ${table}_erased_no_spend ON ${table}`);
    await q.query(`DROP FUNCTION members_erased_no_spend()`);
    await q.query(`ALTER TABLE members DROP CONSTRAINT members_erasure_reasoned, DROP COLUMN erasure_reason`);
    await q.query(`DROP TABLE member_consent_history`);
  }
}
