CREATE OR REPLACE FUNCTION payment_instruction_transition()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        IF OLD.status <> 'OPEN' OR NEW.status = 'OPEN' OR (NEW.period_id, NEW.partner_id, NEW.currency, NEW.amount_minor)
             IS DISTINCT FROM (OLD.period_id, OLD.partner_id, OLD.currency, OLD.amount_minor) THEN
          RAISE EXCEPTION 'settlement: a payment instruction only moves once, from OPEN to PAID or CARRIED_FORWARD'
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
      END $function$;

-- Items of a period: created before its end and visible to its snapshot, and not already in
-- the period before (the first disjunct lets the planner use the created_at and xid indexes).
-- The upper id bound prunes the partitions after the period (the minute covers ids drawn ahead
-- of the clock in a burst); no lower bound, because a transaction in flight at the previous close
-- may have written items at any earlier time.
CREATE OR REPLACE FUNCTION settlement_items_of(p_period bigint)
 RETURNS SETOF settlement_items
 LANGUAGE sql
 STABLE
AS $function$
        SELECT i.* FROM settlement_items i
          JOIN settlement_periods p ON p.id = p_period
          LEFT JOIN LATERAL (SELECT * FROM settlement_periods WHERE period_end < p.period_end ORDER BY period_end DESC LIMIT 1) prev ON true
         WHERE i.id < (SELECT coalition_id_floor(period_end + interval '1 minute') FROM settlement_periods WHERE id = p_period)
           AND i.created_at < p.period_end AND pg_visible_in_snapshot(i.xid, p.snapshot)
           AND (prev.id IS NULL OR i.created_at >= prev.period_end OR i.xid >= pg_snapshot_xmin(prev.snapshot))
           AND NOT coalesce(i.created_at < prev.period_end AND pg_visible_in_snapshot(i.xid, prev.snapshot), false)
      $function$;

CREATE OR REPLACE FUNCTION settlement_close(p_end timestamp with time zone, p_principal text, p_base_currency text, p_fx jsonb)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
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
      END $function$;

-- An operator correction, posted into the open period.
CREATE OR REPLACE FUNCTION settlement_adjust(p_scope text, p_key text, p_fingerprint bytea, p_partner bigint, p_amount_minor bigint, p_reason text, p_principal text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
      DECLARE v_replay jsonb; v_item bigint;
      BEGIN
        v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
        IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
        v_item := ledger_money(NULL, p_partner, 'ADJUSTMENT', 1, p_amount_minor / 10::numeric ^ (
          SELECT d.digits FROM partners p JOIN currency_digits d ON d.code = p.currency WHERE p.id = p_partner), p_reason);
        IF v_item IS NULL THEN PERFORM ledger_refuse('UNKNOWN_PARTNER', 'No such partner'); END IF;
        RETURN ledger_remember(p_scope, p_key, p_fingerprint, jsonb_build_object('itemId', v_item::text));
      END $function$;

CREATE OR REPLACE TRIGGER payment_instruction_transition BEFORE UPDATE ON payment_instructions FOR EACH ROW EXECUTE FUNCTION payment_instruction_transition();
