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

    // A closed period, its lines and statements never change.
    for (const table of ['settlement_periods', 'settlement_lines', 'settlement_statements', 'settlement_fx_rates']) {
      await q.query(`CREATE TRIGGER ${table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON ${table}
                     FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()`);
    }
    await q.query(`
      CREATE FUNCTION payment_instruction_transition() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF OLD.status <> 'OPEN' OR NEW.status = 'OPEN' OR (NEW.period_id, NEW.partner_id, NEW.currency, NEW.amount_minor)
             IS DISTINCT FROM (OLD.period_id, OLD.partner_id, OLD.currency, OLD.amount_minor) THEN
          RAISE EXCEPTION 'settlement: a payment instruction only moves once, from OPEN to PAID or CARRIED_FORWARD'
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
      END $$`);
    await q.query(`CREATE TRIGGER payment_instruction_transition BEFORE UPDATE ON payment_instructions
                   FOR EACH ROW EXECUTE FUNCTION payment_instruction_transition()`);
    await q.query(`CREATE TRIGGER payment_instructions_no_delete BEFORE DELETE OR TRUNCATE ON payment_instructions
                   FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()`);

    // Items of a period: created before its end and visible to its snapshot, and not already in
    // the period before (the first disjunct lets the planner use the created_at and xid indexes).
    await q.query(`
      CREATE FUNCTION settlement_items_of(p_period bigint) RETURNS SETOF settlement_items LANGUAGE sql STABLE AS $$
        SELECT i.* FROM settlement_items i
          JOIN settlement_periods p ON p.id = p_period
          LEFT JOIN LATERAL (SELECT * FROM settlement_periods WHERE period_end < p.period_end ORDER BY period_end DESC LIMIT 1) prev ON true
         WHERE i.created_at < p.period_end AND pg_visible_in_snapshot(i.xid, p.snapshot)
           AND (prev.id IS NULL OR i.created_at >= prev.period_end OR i.xid >= pg_snapshot_xmin(prev.snapshot))
           AND NOT coalesce(i.created_at < prev.period_end AND pg_visible_in_snapshot(i.xid, prev.snapshot), false)
      $$`);

    await q.query(`
      CREATE FUNCTION settlement_close(p_end timestamptz, p_principal text, p_base_currency text, p_fx jsonb) RETURNS bigint
      LANGUAGE plpgsql AS $$
      DECLARE v_prev settlement_periods; v_id bigint; v_missing text;
      BEGIN
        IF p_end > now() THEN PERFORM ledger_refuse('PERIOD_IN_FUTURE', format('%s is in the future', p_end)); END IF;
        -- One close at a time; the others wait and then see its period.
        PERFORM pg_advisory_xact_lock(hashtext('settlement_close'));
        SELECT * INTO v_prev FROM settlement_periods ORDER BY period_end DESC LIMIT 1;
        IF v_prev.id IS NOT NULL AND p_end <= v_prev.period_end THEN
          PERFORM ledger_refuse('PERIOD_BEFORE_LAST_CLOSE', format('The last period closed at %s', v_prev.period_end));
        END IF;
        INSERT INTO settlement_periods (period_start, period_end, snapshot, base_currency, closed_by)
        VALUES (v_prev.period_end, p_end, pg_current_snapshot(), p_base_currency, p_principal) RETURNING id INTO v_id;

        INSERT INTO settlement_lines (period_id, partner_id, currency, kind, quantity, amount_minor)
        SELECT v_id, i.partner_id, i.currency, i.kind, sum(i.quantity), round(sum(i.amount) * 10::numeric ^ d.digits)
          FROM settlement_items_of(v_id) i JOIN currency_digits d ON d.code = i.currency
         GROUP BY i.partner_id, i.currency, i.kind, d.digits;

        INSERT INTO settlement_statements (period_id, partner_id, currency, opening_minor, net_minor)
        SELECT v_id, k.partner_id, k.currency, coalesce(o.amount_minor, 0), coalesce(l.net, 0)
          FROM (SELECT partner_id, currency FROM settlement_lines WHERE period_id = v_id
                UNION SELECT partner_id, currency FROM payment_instructions WHERE status = 'OPEN') k
          LEFT JOIN (SELECT partner_id, currency, sum(amount_minor) AS net FROM settlement_lines WHERE period_id = v_id
                      GROUP BY partner_id, currency) l USING (partner_id, currency)
          LEFT JOIN payment_instructions o ON o.status = 'OPEN' AND o.partner_id = k.partner_id AND o.currency = k.currency;

        -- Netting: one instruction per partner and currency; what was not paid is carried into it.
        UPDATE payment_instructions SET status = 'CARRIED_FORWARD', resolved_at = clock_timestamp() WHERE status = 'OPEN';
        INSERT INTO payment_instructions (period_id, partner_id, currency, amount_minor)
        SELECT period_id, partner_id, currency, opening_minor + net_minor FROM settlement_statements
         WHERE period_id = v_id AND opening_minor + net_minor <> 0;

        IF p_base_currency IS NOT NULL THEN
          SELECT string_agg(DISTINCT s.currency, ', ') INTO v_missing FROM settlement_statements s
           WHERE s.period_id = v_id AND s.currency <> p_base_currency AND NOT (p_fx ? s.currency);
          IF v_missing IS NOT NULL THEN
            PERFORM ledger_refuse('MISSING_FX_RATE', format('No rate to %s given for %s', p_base_currency, v_missing));
          END IF;
          INSERT INTO settlement_fx_rates (period_id, currency, rate)
          SELECT v_id, key, value::numeric FROM jsonb_each_text(p_fx);
        END IF;
        RETURN v_id;
      END $$`);

    // An operator correction, posted into the open period.
    await q.query(`
      CREATE FUNCTION settlement_adjust(p_scope text, p_key text, p_fingerprint bytea, p_partner bigint, p_amount_minor bigint,
        p_reason text, p_principal text) RETURNS jsonb LANGUAGE plpgsql AS $$
      DECLARE v_replay jsonb; v_item bigint;
      BEGIN
        v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
        IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
        INSERT INTO settlement_items (partner_id, currency, kind, quantity, unit_amount, reference)
        SELECT id, currency, 'ADJUSTMENT', 1, p_amount_minor / 10::numeric ^ d.digits, p_reason
          FROM partners p JOIN currency_digits d ON d.code = p.currency WHERE p.id = p_partner
        RETURNING id INTO v_item;
        IF v_item IS NULL THEN PERFORM ledger_refuse('UNKNOWN_PARTNER', 'No such partner'); END IF;
        RETURN ledger_remember(p_scope, p_key, p_fingerprint, jsonb_build_object('itemId', v_item::text));
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION settlement_adjust(text, text, bytea, bigint, bigint, text, text)`);
    await q.query(`DROP FUNCTION settlement_close(timestamptz, text, text, jsonb)`);
    await q.query(`DROP FUNCTION settlement_items_of(bigint)`);
    await q.query(
      `DROP TABLE settlement_disputes, payment_instructions, settlement_fx_rates, settlement_statements, settlement_lines, settlement_periods`,
    );
    await q.query(`DROP FUNCTION payment_instruction_transition()`);
  }
}
