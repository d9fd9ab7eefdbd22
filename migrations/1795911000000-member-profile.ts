import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Member profile and marketing consent (issue #13): the personal data a member gives, and whether
 * it agreed to be contacted — when and through which channel, so a consent can be shown later.
 * erased_at marks a member whose personal data was erased (GDPR); the ledger keeps its rows.
 */
export class MemberProfile1795911000000 implements MigrationInterface {
  name = 'MemberProfile1795911000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE members
        ADD COLUMN first_name               text CHECK (length(first_name) BETWEEN 1 AND 100),
        ADD COLUMN last_name                text CHECK (length(last_name) BETWEEN 1 AND 100),
        ADD COLUMN email                    text CHECK (length(email) BETWEEN 3 AND 254),
        ADD COLUMN language                 text CHECK (language ~ '^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$'),
        ADD COLUMN marketing_consent        boolean NOT NULL DEFAULT false,
        ADD COLUMN marketing_consent_at     timestamptz,
        ADD COLUMN marketing_consent_source text CHECK (length(marketing_consent_source) BETWEEN 1 AND 100),
        ADD COLUMN erased_at                timestamptz,
        ADD CONSTRAINT members_consent_recorded CHECK (NOT marketing_consent OR (marketing_consent_at IS NOT NULL AND marketing_consent_source IS NOT NULL))`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`
      ALTER TABLE members DROP CONSTRAINT members_consent_recorded,
        DROP COLUMN first_name, DROP COLUMN last_name, DROP COLUMN email, DROP COLUMN language,
        DROP COLUMN marketing_consent, DROP COLUMN marketing_consent_at, DROP COLUMN marketing_consent_source, DROP COLUMN erased_at`);
  }
}
