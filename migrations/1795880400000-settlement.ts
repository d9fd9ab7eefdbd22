import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Settlement periods over the money items the ledger writes at the source.
 *
 * Which period an item belongs to is decided without touching the item: a close stores the
 * PostgreSQL snapshot it ran under, and an item is in the first period whose end is after its
 * creation and whose snapshot sees its transaction. A purchase still in flight at the cut-off is
 * invisible to that snapshot, so it lands in the next period: every item is in exactly one period,
 * and closing is one set-based aggregate (no per-item loop, no UPDATE of items).
 */
export class Settlement1795880400000 implements MigrationInterface {
  name = 'Settlement1795880400000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE settlement_periods (
        id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        period_start timestamptz,
        period_end   timestamptz NOT NULL UNIQUE,
        snapshot     pg_snapshot NOT NULL,
        base_currency char(3)    REFERENCES currency_digits (code),
        closed_at    timestamptz NOT NULL DEFAULT clock_timestamp(),
        closed_by    text        NOT NULL,
        CHECK (period_start IS NULL OR period_start < period_end)
      )`);
    // Amounts in minor units, rounded half away from zero once per line (never per item).
    await q.query(`
      CREATE TABLE settlement_lines (
        period_id    bigint  NOT NULL REFERENCES settlement_periods (id),
        partner_id   bigint  NOT NULL REFERENCES partners (id),
        currency     char(3) NOT NULL,
        kind         text    NOT NULL,
        quantity     bigint  NOT NULL,
        amount_minor bigint  NOT NULL,
        PRIMARY KEY (period_id, partner_id, currency, kind)
      )`);
    // opening: the previous period's unpaid net, carried forward; due = opening + net.
    await q.query(`
      CREATE TABLE settlement_statements (
        period_id     bigint  NOT NULL REFERENCES settlement_periods (id),
        partner_id    bigint  NOT NULL REFERENCES partners (id),
        currency      char(3) NOT NULL,
        opening_minor bigint  NOT NULL,
        net_minor     bigint  NOT NULL,
        PRIMARY KEY (period_id, partner_id, currency)
      )`);
    await q.query(`
      CREATE TABLE settlement_fx_rates (
        period_id bigint  NOT NULL REFERENCES settlement_periods (id),
        currency  char(3) NOT NULL,
        rate      numeric NOT NULL CHECK (rate > 0),
        PRIMARY KEY (period_id, currency)
      )`);
    // One instruction per partner, currency and period; status moves once, from OPEN.
    await q.query(`
      CREATE TABLE payment_instructions (
        id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        period_id         bigint      NOT NULL REFERENCES settlement_periods (id),
        partner_id        bigint      NOT NULL REFERENCES partners (id),
        currency          char(3)     NOT NULL,
        amount_minor      bigint      NOT NULL CHECK (amount_minor <> 0),
        status            text        NOT NULL DEFAULT 'OPEN' CHECK (status IN ('OPEN', 'PAID', 'CARRIED_FORWARD')),
        payment_reference text        CHECK (length(payment_reference) BETWEEN 1 AND 200),
        resolved_at       timestamptz,
        UNIQUE (period_id, partner_id, currency),
        CHECK ((status = 'PAID') = (payment_reference IS NOT NULL))
      )`);
    await q.query(`CREATE UNIQUE INDEX payment_instructions_open_idx ON payment_instructions (partner_id, currency) WHERE status = 'OPEN'`);
    await q.query(`
      CREATE TABLE settlement_disputes (
        id                 bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        period_id          bigint      NOT NULL REFERENCES settlement_periods (id),
        partner_id         bigint      NOT NULL REFERENCES partners (id),
        currency           char(3)     NOT NULL,
        kind               text        NOT NULL,
        reason             text        NOT NULL CHECK (length(reason) BETWEEN 3 AND 2000),
        resolution_item_id bigint      REFERENCES settlement_items (id),
        resolution         text,
        created_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
        resolved_at        timestamptz,
        FOREIGN KEY (period_id, partner_id, currency, kind) REFERENCES settlement_lines (period_id, partner_id, currency, kind)
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION settlement_adjust(text, text, bytea, bigint, bigint, text, text)`);
    await q.query(`DROP FUNCTION settlement_close(timestamptz, text, text, jsonb)`);
    await q.query(`DROP FUNCTION IF EXISTS settlement_items_of(bigint)`); // gone already when the journal partitioning was undone
    await q.query(
      `DROP TABLE settlement_disputes, payment_instructions, settlement_fx_rates, settlement_statements, settlement_lines, settlement_periods`,
    );
    await q.query(`DROP FUNCTION payment_instruction_transition()`);
  }
}
