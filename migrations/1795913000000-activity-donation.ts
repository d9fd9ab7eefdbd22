import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Activity earning and donations (issue #13).
 *  - activity_rules: points for a customer action (a review, an app check-in …) identified by a
 *    code, in a window, capped per member per calendar period, funded by a partner or the operator;
 *    activity_credits records each credit so the cap is counted from the rows, under the member lock.
 *  - donations: points a member gives to a charity partner; the charity receives the points'
 *    redemption value on its statement's DONATION line.
 */
export class ActivityDonation1795913000000 implements MigrationInterface {
  name = 'ActivityDonation1795913000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE settlement_items DROP CONSTRAINT settlement_items_kind_check`);
    await q.query(`ALTER TABLE settlement_items ADD CONSTRAINT settlement_items_kind_check CHECK (kind IN
      ('ISSUANCE', 'PROMOTION', 'SPONSORSHIP', 'REDEMPTION', 'GIFT_CARD', 'MILES', 'BREAKAGE', 'ADJUSTMENT', 'DONATION'))`);
    await q.query(`
      CREATE TABLE activity_rules (
        id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        code              text        NOT NULL UNIQUE CHECK (code ~ '^[A-Z][A-Z0-9_]{1,39}$'),
        name              text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        points            bigint      NOT NULL CHECK (points > 0),
        cap_count         integer     CHECK (cap_count > 0),
        cap_period        text        CHECK (cap_period IN ('DAY', 'WEEK', 'MONTH')),
        starts_at         timestamptz NOT NULL,
        ends_at           timestamptz,
        funder_partner_id bigint      REFERENCES partners (id),
        -- A partner's own rule (only it reports it); NULL: an operator rule, which every partner may report.
        owner_partner_id  bigint      REFERENCES partners (id),
        active            boolean     NOT NULL DEFAULT true,
        created_at        timestamptz NOT NULL DEFAULT now(),
        CHECK ((cap_count IS NULL) = (cap_period IS NULL)),
        CHECK (ends_at IS NULL OR ends_at > starts_at)
      )`);
    await q.query(`
      CREATE TABLE activity_credits (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        rule_id     bigint      NOT NULL REFERENCES activity_rules (id),
        member_id   bigint      NOT NULL REFERENCES members (id),
        entry_id    bigint      NOT NULL REFERENCES ledger_entries (id),
        reported_by bigint      REFERENCES partners (id),
        created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX activity_credits_cap_idx ON activity_credits (member_id, rule_id, created_at)`);
    await q.query(`
      CREATE TABLE donations (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        member_id  bigint      NOT NULL REFERENCES members (id),
        charity_id bigint      NOT NULL REFERENCES partners (id),
        points     bigint      NOT NULL CHECK (points > 0),
        value      numeric     NOT NULL CHECK (value >= 0),
        currency   char(3)     NOT NULL REFERENCES currency_digits (code),
        entry_id   bigint      NOT NULL REFERENCES ledger_entries (id),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX donations_member_idx ON donations (member_id, id)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION coalition_donate(text, text, bytea, text, bigint, bigint, text)`);
    await q.query(`DROP FUNCTION coalition_record_activity(text, text, bytea, text, text, bigint, text, text)`);
    await q.query(`DROP TABLE donations, activity_credits, activity_rules`);
    await q.query(`ALTER TABLE settlement_items DROP CONSTRAINT settlement_items_kind_check`);
    await q.query(`ALTER TABLE settlement_items ADD CONSTRAINT settlement_items_kind_check CHECK (kind IN
      ('ISSUANCE', 'PROMOTION', 'SPONSORSHIP', 'REDEMPTION', 'GIFT_CARD', 'MILES', 'BREAKAGE', 'ADJUSTMENT'))`);
  }
}
