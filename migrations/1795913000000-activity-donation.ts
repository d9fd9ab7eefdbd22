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
    for (const fn of FUNCTIONS) await q.query(fn);
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

/** Points below this are refused: a donation worth less than a coin costs the charity more to book than it brings. */
export const DONATION_MINIMUM_POINTS = 100;

const FUNCTIONS = [
  // A partner reports an activity of one of its own rules or of an operator rule (p_reporter NULL:
  // the operator, any rule). The cap is counted after the member lock, so concurrent reports for
  // one member serialize and cannot exceed it. The credit is a BONUS lot funded by the rule's funder
  // (PROMOTION line at its issuance price), shown at the reporting partner.
  `CREATE FUNCTION coalition_record_activity(
     p_scope text, p_key text, p_fingerprint bytea, p_code text, p_card text, p_reporter bigint, p_reference text, p_principal text)
   RETURNS jsonb LANGUAGE plpgsql AS $$
   DECLARE v_replay jsonb; r activity_rules; v_member bigint; v_since timestamptz; v_count bigint; v_credit jsonb;
   BEGIN
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     SELECT * INTO r FROM activity_rules
      WHERE code = p_code AND (p_reporter IS NULL OR owner_partner_id IS NULL OR owner_partner_id = p_reporter);
     IF NOT FOUND THEN PERFORM ledger_refuse('UNKNOWN_ACTIVITY', format('No activity "%s" this caller may report', p_code)); END IF;
     IF NOT r.active OR now() < r.starts_at OR coalesce(now() >= r.ends_at, false) THEN
       PERFORM ledger_refuse('ACTIVITY_NOT_ACTIVE', format('Activity "%s" does not earn points now', p_code));
     END IF;
     v_member := coalition_member_by_card(p_card);
     PERFORM ledger_lock_member(v_member);
     IF r.cap_count IS NOT NULL THEN
       -- The current calendar day, ISO week or month in the coalition's time zone.
       SELECT date_trunc(lower(r.cap_period), now() AT TIME ZONE time_zone) AT TIME ZONE time_zone INTO v_since FROM coalition_settings;
       SELECT count(*) INTO v_count FROM activity_credits WHERE member_id = v_member AND rule_id = r.id AND created_at >= v_since;
       IF v_count >= r.cap_count THEN
         PERFORM ledger_refuse('ACTIVITY_CAP_REACHED',
           format('Activity "%s" earns at most %s times per %s', p_code, r.cap_count, lower(r.cap_period)));
       END IF;
     END IF;
     v_credit := coalition_bonus(v_member, r.points, r.funder_partner_id, coalesce(p_reporter, r.funder_partner_id), p_principal,
       r.name, p_reference);
     INSERT INTO activity_credits (rule_id, member_id, entry_id, reported_by)
     VALUES (r.id, v_member, (v_credit->>'entryId')::bigint, p_reporter);
     RETURN ledger_remember(p_scope, p_key, p_fingerprint, v_credit || jsonb_build_object('memberId', v_member::text));
   END $$`,

  // A member gives points to a charity partner: a REDEEM debit towards the charity, and a DONATION
  // settlement item paying the charity the points' redemption value of its contract in force.
  `CREATE FUNCTION coalition_donate(
     p_scope text, p_key text, p_fingerprint bytea, p_card text, p_charity bigint, p_points bigint, p_principal text)
   RETURNS jsonb LANGUAGE plpgsql AS $$
   DECLARE v_replay jsonb; c partners; k partner_contracts; v_member bigint; v_debit jsonb; v_donation bigint;
   BEGIN
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     SELECT * INTO c FROM partners WHERE id = p_charity AND category = 'charity' AND active;
     IF NOT FOUND THEN PERFORM ledger_refuse('NOT_A_CHARITY', 'No such charity partner'); END IF;
     IF p_points < ${DONATION_MINIMUM_POINTS} THEN
       PERFORM ledger_refuse('BELOW_MINIMUM', format('A donation is at least %s points', ${DONATION_MINIMUM_POINTS}));
     END IF;
     v_member := coalition_member_by_card(p_card);
     PERFORM ledger_lock_member(v_member);
     k := partner_contract_at(c.id, now());
     v_debit := ledger_post_debit(v_member, p_points, 'REDEEM', 'PARTNER', c.id, 'REDEEMED', c.id, k.id, p_principal,
       format('Donation to %s', c.name), NULL);
     PERFORM ledger_money((v_debit->>'entryId')::bigint, c.id, 'DONATION', p_points, k.redemption_value_per_point, 'donation');
     INSERT INTO donations (member_id, charity_id, points, value, currency, entry_id)
     VALUES (v_member, c.id, p_points, p_points * k.redemption_value_per_point, c.currency, (v_debit->>'entryId')::bigint)
     RETURNING id INTO v_donation;
     RETURN ledger_remember(p_scope, p_key, p_fingerprint, jsonb_build_object('donationId', v_donation::text,
       'entryId', v_debit->>'entryId', 'memberId', v_member::text, 'balance', v_debit->'balance'));
   END $$`,
];
