import currencyCodes from 'currency-codes';
import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The points ledger. Invariants are enforced here, at the lowest layer:
 *  - per entry and asset, postings sum to zero (checked for every INSERT statement on postings);
 *  - entries, postings and lot consumptions are append-only (UPDATE/DELETE/TRUNCATE refused);
 *  - a lot's remaining points stay between 0 and what it earned;
 *  - a member's balance equals its lots' remaining points, or minus its debt when negative, and its
 *    held points equal its pending holds (checked at commit);
 *  - a balance goes below zero only through a reversal, never by spending.
 * Value-moving writes are PL/pgSQL functions (sql/functions/10-ledger.sql, with the triggers that
 * check the above): one round trip each, member row locked first. Business refusals raise SQLSTATE
 * 'CL001' with the userError code as message and the human text as detail; src/ledger turns them
 * into userErrors.
 */
export class Ledger1795873200000 implements MigrationInterface {
  name = 'Ledger1795873200000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE ledger_accounts (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        owner_kind  text        NOT NULL CHECK (owner_kind IN ('MEMBER', 'PARTNER', 'OPERATOR')),
        owner_id    bigint,
        asset       text        NOT NULL CHECK (asset ~ '^(POINTS|MILES|[A-Z]{3})$'),
        role        text        NOT NULL CHECK (role ~ '^[A-Z_]{1,40}$'),
        created_at  timestamptz NOT NULL DEFAULT now(),
        CHECK ((owner_kind = 'OPERATOR') = (owner_id IS NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX ledger_accounts_key ON ledger_accounts (owner_kind, coalesce(owner_id, 0), asset, role)`);

    // The member row carries the only running balances (they carry constraints); partner and
    // operator totals are sums of postings, so no row becomes a hot spot.
    await q.query(`
      ALTER TABLE members
        ADD COLUMN points_balance bigint NOT NULL DEFAULT 0,
        ADD COLUMN points_held    bigint NOT NULL DEFAULT 0 CHECK (points_held >= 0)`);

    await q.query(`
      CREATE TABLE ledger_entries (
        id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        operation         text        NOT NULL CHECK (operation IN ('CREDIT', 'DEBIT', 'HOLD', 'CAPTURE', 'RELEASE', 'REVERSAL', 'EXPIRY')),
        kind              text        NOT NULL CHECK (kind ~ '^[A-Z_]{1,40}$'),
        member_id         bigint      REFERENCES members (id),
        member_points     bigint      NOT NULL DEFAULT 0,
        partner_id        bigint      REFERENCES partners (id),
        contract_id       bigint      REFERENCES partner_contracts (id),
        reverses_entry_id bigint      REFERENCES ledger_entries (id),
        principal         text        NOT NULL,
        reason            text        CHECK (length(reason) <= 500),
        reference         text        CHECK (length(reference) <= 200),
        created_at        timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX ledger_entries_member_idx ON ledger_entries (member_id, id) WHERE member_id IS NOT NULL`);
    await q.query(`CREATE INDEX ledger_entries_reverses_idx ON ledger_entries (reverses_entry_id) WHERE reverses_entry_id IS NOT NULL`);

    await q.query(`
      CREATE TABLE ledger_postings (
        entry_id   bigint NOT NULL REFERENCES ledger_entries (id),
        account_id bigint NOT NULL REFERENCES ledger_accounts (id),
        amount     bigint NOT NULL CHECK (amount <> 0),
        PRIMARY KEY (entry_id, account_id)
      )`);
    await q.query(`CREATE INDEX ledger_postings_account_idx ON ledger_postings (account_id)`);

    await q.query(`
      CREATE TABLE point_lots (
        id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        member_id          bigint      NOT NULL REFERENCES members (id),
        entry_id           bigint      NOT NULL REFERENCES ledger_entries (id),
        funding_partner_id bigint      REFERENCES partners (id),
        earned             bigint      NOT NULL CHECK (earned > 0),
        remaining          bigint      NOT NULL,
        expires_at         timestamptz NOT NULL,
        created_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK (remaining BETWEEN 0 AND earned)
      )`);
    await q.query(`CREATE INDEX point_lots_spendable_idx ON point_lots (member_id, expires_at, id) WHERE remaining > 0`);
    await q.query(`CREATE INDEX point_lots_expiry_idx ON point_lots (expires_at) WHERE remaining > 0`);
    await q.query(`CREATE INDEX point_lots_entry_idx ON point_lots (entry_id)`);

    // Why each lot's remaining changed: DRAW (spent, held, reversed, expired), RESTORE (a released
    // hold or reversed spend puts points back; negative), DEBT (a new credit paying off debt).
    await q.query(`
      CREATE TABLE lot_consumptions (
        id       bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        lot_id   bigint NOT NULL REFERENCES point_lots (id),
        entry_id bigint NOT NULL REFERENCES ledger_entries (id),
        kind     text   NOT NULL CHECK (kind IN ('DRAW', 'RESTORE', 'DEBT')),
        points   bigint NOT NULL CHECK (points <> 0 AND (points < 0) = (kind = 'RESTORE'))
      )`);
    await q.query(`CREATE INDEX lot_consumptions_lot_idx ON lot_consumptions (lot_id)`);
    await q.query(`CREATE INDEX lot_consumptions_entry_idx ON lot_consumptions (entry_id)`);

    await q.query(`
      CREATE TABLE point_holds (
        id                  bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        member_id           bigint      NOT NULL REFERENCES members (id),
        partner_id          bigint      REFERENCES partners (id),
        points              bigint      NOT NULL CHECK (points > 0),
        status              text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'CAPTURED', 'VOIDED', 'EXPIRED')),
        hold_entry_id       bigint      NOT NULL REFERENCES ledger_entries (id),
        resolution_entry_id bigint      REFERENCES ledger_entries (id),
        expires_at          timestamptz NOT NULL,
        created_at          timestamptz NOT NULL DEFAULT clock_timestamp(),
        resolved_at         timestamptz,
        CHECK ((status = 'PENDING') = (resolution_entry_id IS NULL))
      )`);
    await q.query(`CREATE INDEX point_holds_pending_idx ON point_holds (expires_at) WHERE status = 'PENDING'`);
    await q.query(`CREATE INDEX point_holds_member_idx ON point_holds (member_id) WHERE status = 'PENDING'`);

    // The money side of the ledger: what each posting means for a partner's settlement, exactly
    // (quantity x unit amount, unrounded; statements round per line). Positive: the partner receives.
    await q.query(`CREATE TABLE currency_digits (code char(3) PRIMARY KEY, digits smallint NOT NULL CHECK (digits BETWEEN 0 AND 4))`);
    for (const c of currencyCodes.data.filter((c) => !c.countries.some((x) => x.startsWith('Zz')))) {
      await q.query(`INSERT INTO currency_digits (code, digits) VALUES ($1, $2)`, [c.code, c.digits]);
    }
    await q.query(`
      CREATE TABLE settlement_items (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        entry_id    bigint      REFERENCES ledger_entries (id),
        partner_id  bigint      NOT NULL REFERENCES partners (id),
        currency    char(3)     NOT NULL REFERENCES currency_digits (code),
        kind        text        NOT NULL CHECK (kind IN ('ISSUANCE', 'PROMOTION', 'SPONSORSHIP', 'REDEMPTION', 'GIFT_CARD', 'MILES', 'BREAKAGE', 'ADJUSTMENT')),
        quantity    bigint      NOT NULL,
        unit_amount numeric     NOT NULL,
        amount      numeric     GENERATED ALWAYS AS (quantity * unit_amount) STORED,
        reference   text,
        xid         xid8        NOT NULL DEFAULT pg_current_xact_id(),
        created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX settlement_items_created_idx ON settlement_items (created_at)`);
    await q.query(`CREATE INDEX settlement_items_xid_idx ON settlement_items (xid)`);
    await q.query(`CREATE INDEX settlement_items_entry_idx ON settlement_items (entry_id) WHERE entry_id IS NOT NULL`);

    // Stored in the same transaction as the effect; `result` is what a replay answers.
    await q.query(`
      CREATE TABLE idempotency_keys (
        scope       text        NOT NULL,
        key         text        NOT NULL CHECK (length(key) BETWEEN 1 AND 200),
        fingerprint bytea       NOT NULL,
        result      jsonb       NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (scope, key)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const signature of [
      'ledger_expire_holds(timestamptz, text)',
      'ledger_expire_lots(timestamptz, text)',
      'ledger_reverse(text, text, bytea, bigint, bigint, text, text, text, text, bigint)',
      'ledger_resolve_hold(text, text, bytea, bigint, text, text, bigint, text, text, text, text, bigint)',
      'ledger_hold(text, text, bytea, bigint, bigint, text, bigint, timestamptz, text, text, text)',
      'ledger_debit(text, text, bytea, bigint, bigint, text, text, bigint, text, bigint, bigint, text, text, text)',
      'ledger_credit(text, text, bytea, bigint, bigint, text, text, bigint, text, bigint, timestamptz, bigint, bigint, text, text, text)',
      'ledger_post_reversal(bigint, bigint, text, text, text, text)',
      'ledger_post_debit(bigint, bigint, text, text, bigint, text, bigint, bigint, text, text, text)',
      'ledger_post_credit(bigint, bigint, text, text, bigint, text, bigint, timestamptz, bigint, bigint, text, text, text)',
      'ledger_repay_debt(bigint, bigint, bigint, bigint)',
      'ledger_spend(bigint, bigint)',
      'ledger_draw(bigint, bigint, bigint, bigint, text)',
      'ledger_remember(text, text, bytea, jsonb)',
      'ledger_claim(text, text, bytea)',
      'ledger_lock_member(bigint)',
      'ledger_account(text, bigint, text, text)',
      'ledger_money(bigint, bigint, text, bigint, numeric, text)',
      'partner_contract_at(bigint, timestamptz)',
      'ledger_refuse(text, text)',
    ]) {
      await q.query(`DROP FUNCTION ${signature}`);
    }
    await q.query(`DROP TABLE settlement_items, currency_digits`);
    await q.query(
      `DROP TABLE idempotency_keys, point_holds, lot_consumptions, point_lots, ledger_postings, ledger_entries, ledger_accounts`,
    );
    await q.query(`DROP TRIGGER members_balance_matches ON members`);
    await q.query(`DROP TRIGGER members_no_overspend ON members`);
    await q.query(`DROP FUNCTION members_balance_matches(), members_no_overspend(), ledger_postings_balance(), ledger_append_only()`);
    await q.query(`ALTER TABLE members DROP COLUMN points_balance, DROP COLUMN points_held`);
  }
}
