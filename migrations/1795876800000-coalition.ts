import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The coalition's rules on top of the ledger: categories and competitors, effective-dated
 * contracts, purchases and returns, promotions, tiers, stamp cards, rewards, vouchers, gift cards,
 * airline miles, surveys and the settings they share.
 */
export class Coalition1795876800000 implements MigrationInterface {
  name = 'Coalition1795876800000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE coalition_settings (
        id                        boolean PRIMARY KEY DEFAULT true CHECK (id),
        time_zone                 text    NOT NULL DEFAULT 'UTC',
        expiry_months             integer NOT NULL DEFAULT 36 CHECK (expiry_months BETWEEN 1 AND 240),
        birthday_bonus_points     bigint  NOT NULL DEFAULT 0 CHECK (birthday_bonus_points >= 0),
        referral_bonus_points     bigint  NOT NULL DEFAULT 0 CHECK (referral_bonus_points >= 0),
        tier_window_days          integer NOT NULL DEFAULT 365 CHECK (tier_window_days BETWEEN 1 AND 3660),
        gift_card_validity_months integer NOT NULL DEFAULT 24 CHECK (gift_card_validity_months BETWEEN 1 AND 240),
        miles_hold_minutes        integer NOT NULL DEFAULT 4320 CHECK (miles_hold_minutes BETWEEN 1 AND 525600),
        gift_card_attempts_per_minute integer NOT NULL DEFAULT 10 CHECK (gift_card_attempts_per_minute >= 1)
      )`);
    await q.query(`INSERT INTO coalition_settings DEFAULT VALUES`);

    // Categories and competitors.
    await q.query(`
      CREATE TABLE partner_categories (
        code      text    PRIMARY KEY CHECK (code ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
        exclusive boolean NOT NULL DEFAULT false
      )`);
    await q.query(`INSERT INTO partner_categories (code) SELECT DISTINCT category FROM partners`);
    await q.query(`ALTER TABLE partners ADD COLUMN active boolean NOT NULL DEFAULT true`);
    await q.query(`ALTER TABLE partners ADD CONSTRAINT partners_category_fk FOREIGN KEY (category) REFERENCES partner_categories (code)`);
    await q.query(`
      CREATE TABLE competitor_pairs (
        partner_a  bigint      NOT NULL REFERENCES partners (id),
        partner_b  bigint      NOT NULL REFERENCES partners (id),
        created_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (partner_a, partner_b),
        CHECK (partner_a < partner_b)
      )`);

    // Purchases carry the partner's reference so a return can find them; purchase_credits lists
    // every credit the purchase earned (base, multiplier bonus, fixed bonuses) for proportional returns.
    await q.query(`
      CREATE TABLE purchases (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        partner_id     bigint      NOT NULL REFERENCES partners (id),
        member_id      bigint      NOT NULL REFERENCES members (id),
        reference      text        NOT NULL CHECK (length(reference) BETWEEN 1 AND 200),
        amount_minor   bigint      NOT NULL CHECK (amount_minor > 0),
        currency       char(3)     NOT NULL,
        returned_minor bigint      NOT NULL DEFAULT 0 CHECK (returned_minor BETWEEN 0 AND amount_minor),
        contract_id    bigint      NOT NULL REFERENCES partner_contracts (id),
        points         bigint      NOT NULL DEFAULT 0 CHECK (points >= 0),
        earn_entry_id  bigint      REFERENCES ledger_entries (id),
        created_at     timestamptz NOT NULL DEFAULT clock_timestamp(),
        UNIQUE (partner_id, reference)
      )`);
    await q.query(`CREATE INDEX purchases_member_idx ON purchases (member_id)`);
    await q.query(`
      CREATE TABLE purchase_credits (
        purchase_id bigint NOT NULL REFERENCES purchases (id),
        entry_id    bigint NOT NULL REFERENCES ledger_entries (id),
        PRIMARY KEY (purchase_id, entry_id)
      )`);
    await q.query(`
      CREATE TABLE purchase_returns (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        purchase_id  bigint      NOT NULL REFERENCES purchases (id),
        amount_minor bigint      NOT NULL CHECK (amount_minor > 0),
        points       bigint      NOT NULL CHECK (points >= 0),
        created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);

    await q.query(`
      CREATE TABLE promotions (
        id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name              text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        kind              text        NOT NULL CHECK (kind IN ('MULTIPLIER', 'FIXED_BONUS')),
        multiplier        numeric     CHECK (multiplier > 1 AND multiplier <= 100),
        bonus_points      bigint      CHECK (bonus_points > 0),
        partner_id        bigint      REFERENCES partners (id),
        category          text        REFERENCES partner_categories (code),
        funder_partner_id bigint      REFERENCES partners (id),
        min_amount_minor  bigint      NOT NULL DEFAULT 0 CHECK (min_amount_minor >= 0),
        starts_at         timestamptz NOT NULL,
        ends_at           timestamptz NOT NULL,
        created_at        timestamptz NOT NULL DEFAULT now(),
        CHECK (ends_at > starts_at),
        CHECK ((kind = 'MULTIPLIER') = (multiplier IS NOT NULL)),
        CHECK ((kind = 'FIXED_BONUS') = (bonus_points IS NOT NULL)),
        CHECK (partner_id IS NULL OR category IS NULL)
      )`);
    await q.query(`CREATE INDEX promotions_window_idx ON promotions (ends_at, starts_at)`);

    await q.query(`
      CREATE TABLE tiers (
        id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name                  text        NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 100),
        min_qualifying_points bigint      NOT NULL UNIQUE CHECK (min_qualifying_points >= 0),
        earn_multiplier       numeric     NOT NULL DEFAULT 1 CHECK (earn_multiplier >= 1 AND earn_multiplier <= 100),
        created_at            timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE members ADD COLUMN tier_id bigint REFERENCES tiers (id), ADD COLUMN tier_since timestamptz`);

    await q.query(`
      CREATE TABLE rewards (
        id                         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name                       text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        kind                       text        NOT NULL CHECK (kind IN ('VOUCHER', 'GIFT_CARD')),
        points_cost                bigint      NOT NULL CHECK (points_cost > 0),
        fulfilled_by               bigint      NOT NULL REFERENCES partners (id),
        sponsored_by               bigint      NOT NULL REFERENCES partners (id),
        currency                   char(3)     NOT NULL,
        gift_card_value_minor      bigint      CHECK (gift_card_value_minor > 0),
        sponsor_contribution_minor bigint      NOT NULL DEFAULT 0 CHECK (sponsor_contribution_minor >= 0),
        sponsor_currency           char(3)     NOT NULL,
        active                     boolean     NOT NULL DEFAULT true,
        deactivated_reason         text,
        created_at                 timestamptz NOT NULL DEFAULT now(),
        CHECK ((kind = 'GIFT_CARD') = (gift_card_value_minor IS NOT NULL))
      )`);
    await q.query(`
      CREATE TABLE redemptions (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        reward_id  bigint      NOT NULL REFERENCES rewards (id),
        member_id  bigint      NOT NULL REFERENCES members (id),
        points     bigint      NOT NULL CHECK (points >= 0),
        entry_id   bigint      REFERENCES ledger_entries (id),
        principal  text        NOT NULL,
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX redemptions_member_idx ON redemptions (member_id)`);
    // Voucher codes are short and stored as they are: a voucher is bound to its member, single
    // use, and only its fulfilling partner can mark it used.
    await q.query(`
      CREATE TABLE vouchers (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        redemption_id bigint      NOT NULL UNIQUE REFERENCES redemptions (id),
        partner_id    bigint      NOT NULL REFERENCES partners (id),
        member_id     bigint      NOT NULL REFERENCES members (id),
        code          text        NOT NULL UNIQUE,
        used_at       timestamptz,
        used_by       text,
        created_at    timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    // Gift-card codes are bearer value: only their SHA-256 is kept.
    await q.query(`
      CREATE TABLE gift_cards (
        id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        redemption_id bigint      NOT NULL UNIQUE REFERENCES redemptions (id),
        partner_id    bigint      NOT NULL REFERENCES partners (id),
        member_id     bigint      NOT NULL REFERENCES members (id),
        code_hash     bytea       NOT NULL UNIQUE CHECK (length(code_hash) = 32),
        currency      char(3)     NOT NULL,
        initial_minor bigint      NOT NULL CHECK (initial_minor > 0),
        balance_minor bigint      NOT NULL CHECK (balance_minor BETWEEN 0 AND initial_minor),
        expires_at    timestamptz NOT NULL,
        created_at    timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`
      CREATE TABLE gift_card_uses (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        gift_card_id bigint      NOT NULL REFERENCES gift_cards (id),
        partner_id   bigint      NOT NULL REFERENCES partners (id),
        amount_minor bigint      NOT NULL CHECK (amount_minor > 0),
        principal    text        NOT NULL,
        created_at   timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX gift_card_uses_card_idx ON gift_card_uses (gift_card_id)`);
    await q.query(`
      CREATE TABLE gift_card_failed_attempts (
        scope text        NOT NULL,
        at    timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX gift_card_failed_attempts_idx ON gift_card_failed_attempts (scope, at)`);

    await q.query(`
      CREATE TABLE stamp_cards (
        id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        partner_id       bigint      NOT NULL REFERENCES partners (id),
        name             text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        stamps_required  integer     NOT NULL CHECK (stamps_required BETWEEN 2 AND 100),
        min_amount_minor bigint      NOT NULL DEFAULT 0 CHECK (min_amount_minor >= 0),
        reward_id        bigint      NOT NULL REFERENCES rewards (id),
        active           boolean     NOT NULL DEFAULT true,
        created_at       timestamptz NOT NULL DEFAULT now()
      )`);
    // stamps: on the current card; owed: stamps taken back after their reward was already issued,
    // paid by the next qualifying purchases before they count.
    await q.query(`
      CREATE TABLE stamp_progress (
        card_id        bigint  NOT NULL REFERENCES stamp_cards (id),
        member_id      bigint  NOT NULL REFERENCES members (id),
        stamps         integer NOT NULL DEFAULT 0 CHECK (stamps >= 0),
        owed           integer NOT NULL DEFAULT 0 CHECK (owed >= 0),
        rewards_issued integer NOT NULL DEFAULT 0 CHECK (rewards_issued >= 0),
        PRIMARY KEY (card_id, member_id)
      )`);
    await q.query(`
      CREATE TABLE purchase_stamps (
        purchase_id bigint  NOT NULL REFERENCES purchases (id),
        card_id     bigint  NOT NULL REFERENCES stamp_cards (id),
        cycle       integer NOT NULL,
        withdrawn   boolean NOT NULL DEFAULT false,
        PRIMARY KEY (purchase_id, card_id)
      )`);

    await q.query(`
      CREATE TABLE miles_ratios (
        id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        airline_id     bigint      NOT NULL REFERENCES partners (id),
        direction      text        NOT NULL CHECK (direction IN ('TO_MILES', 'TO_POINTS')),
        points         bigint      NOT NULL CHECK (points > 0),
        miles          bigint      NOT NULL CHECK (miles > 0),
        minimum        bigint      NOT NULL DEFAULT 0 CHECK (minimum >= 0),
        price_per_mile numeric     NOT NULL DEFAULT 0 CHECK (price_per_mile >= 0),
        effective_from timestamptz NOT NULL,
        created_at     timestamptz NOT NULL DEFAULT now(),
        UNIQUE (airline_id, direction, effective_from)
      )`);
    await q.query(`
      CREATE TABLE miles_transfers (
        id                    bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        member_id             bigint      NOT NULL REFERENCES members (id),
        airline_id            bigint      NOT NULL REFERENCES partners (id),
        direction             text        NOT NULL CHECK (direction IN ('TO_MILES', 'TO_POINTS')),
        points                bigint      NOT NULL CHECK (points > 0),
        miles                 bigint      NOT NULL CHECK (miles > 0),
        ratio_id              bigint      NOT NULL REFERENCES miles_ratios (id),
        hold_id               bigint      REFERENCES point_holds (id),
        entry_id              bigint      REFERENCES ledger_entries (id),
        frequent_flyer_number text        CHECK (length(frequent_flyer_number) <= 64),
        airline_reference     text        CHECK (length(airline_reference) <= 200),
        created_at            timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX miles_transfers_member_idx ON miles_transfers (member_id)`);

    await q.query(`
      CREATE TABLE surveys (
        id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name              text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        points            bigint      NOT NULL CHECK (points > 0),
        funder_partner_id bigint      REFERENCES partners (id),
        active            boolean     NOT NULL DEFAULT true,
        created_at        timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`
      CREATE TABLE survey_responses (
        survey_id  bigint      NOT NULL REFERENCES surveys (id),
        member_id  bigint      NOT NULL REFERENCES members (id),
        answers    jsonb       NOT NULL,
        entry_id   bigint      NOT NULL REFERENCES ledger_entries (id),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        PRIMARY KEY (survey_id, member_id)
      )`);
    await q.query(`
      CREATE TABLE referral_bonuses (
        referee_id  bigint      PRIMARY KEY REFERENCES members (id),
        referrer_id bigint      NOT NULL REFERENCES members (id),
        purchase_id bigint      NOT NULL REFERENCES purchases (id),
        created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`
      CREATE TABLE birthday_bonuses (
        member_id bigint  NOT NULL REFERENCES members (id),
        year      integer NOT NULL,
        entry_id  bigint  NOT NULL REFERENCES ledger_entries (id),
        PRIMARY KEY (member_id, year)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TRIGGER partners_category_rules ON partners`);
    for (const signature of COALITION_FUNCTION_SIGNATURES) await q.query(`DROP FUNCTION ${signature}`);
    await q.query(`DROP TABLE birthday_bonuses, referral_bonuses, survey_responses, surveys, miles_transfers, miles_ratios,
                   purchase_stamps, stamp_progress, stamp_cards, gift_card_failed_attempts, gift_card_uses, gift_cards, vouchers,
                   redemptions, rewards, promotions, purchase_returns, purchase_credits, purchases, competitor_pairs`);
    await q.query(`ALTER TABLE members DROP COLUMN tier_id, DROP COLUMN tier_since`);
    await q.query(`DROP TABLE tiers`);
    await q.query(`ALTER TABLE partners DROP CONSTRAINT partners_category_fk, DROP COLUMN active`);
    await q.query(`DROP TABLE partner_categories, coalition_settings`);
  }
}

// Created by sql/functions; dropped here before the tables their parameter types depend on.
const COALITION_FUNCTION_SIGNATURES = [
  'coalition_birthday_bonuses(timestamptz, text)',
  'coalition_submit_survey(text, text, bytea, bigint, text, jsonb, text)',
  'coalition_goodwill(text, text, bytea, text, bigint, bigint, text, text)',
  'coalition_miles_in(text, text, bytea, bigint, text, bigint, text, text)',
  'coalition_miles_resolve(text, text, bytea, bigint, bigint, text, text, text)',
  'coalition_miles_out(text, text, bytea, text, bigint, bigint, text, text)',
  'coalition_miles_ratio(bigint, text, bigint)',
  'coalition_miles_converted(miles_ratios, bigint)',
  'coalition_redeem_gift_card(text, text, bytea, bytea, bigint, bigint, text, text)',
  'coalition_use_voucher(text, bigint, text)',
  'coalition_redeem_reward(text, text, bytea, bigint, text, bigint, bytea, text)',
  'coalition_record_return(text, text, bytea, bigint, text, bigint, text, text)',
  'coalition_record_purchase(text, text, bytea, bigint, text, bigint, text, integer, text, text)',
  'coalition_bonus(bigint, bigint, bigint, bigint, text, text, text)',
  'coalition_unstamp_purchase(bigint, bigint, bigint)',
  'coalition_stamp_purchase(bigint, bigint, bigint, bigint, text)',
  'coalition_issue_voucher(bigint, bigint, bigint)',
  'coalition_review_tiers(timestamptz)',
  'coalition_upgrade_tier(bigint)',
  'coalition_tier_for(bigint)',
  'coalition_qualifying_points(bigint, timestamptz)',
  'coalition_expiry(timestamptz)',
  'coalition_member_by_card(text)',
  'coalition_set_category_exclusive(text, boolean)',
  'coalition_add_competitors(bigint, bigint)',
  'coalition_set_partner_category(bigint, text)',
  'coalition_deactivate_competing_rewards()',
  'partners_compete(bigint, bigint)',
  'coalition_partner_category_rules()',
];
