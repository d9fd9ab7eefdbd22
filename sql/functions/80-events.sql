-- The same opaque IDs the API gives out (src/common/relay.ts toGlobalId: base64url, no padding).
CREATE OR REPLACE FUNCTION coalition_global_id(p_type text, p_id bigint)
 RETURNS text
 LANGUAGE sql
 IMMUTABLE
AS $function$
        SELECT translate(encode(convert_to(p_type || ':' || p_id, 'UTF8'), 'base64'), E'+/=\n', '-_')
      $function$;

-- Money as the API writes it: a decimal string with exactly the currency's minor digits.
CREATE OR REPLACE FUNCTION coalition_money_json(p_minor bigint, p_currency text)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
AS $function$
        SELECT jsonb_build_object('amount', round(p_minor::numeric / 10::numeric ^ d.digits, d.digits)::text, 'currency', p_currency)
          FROM currency_digits d WHERE d.code = p_currency
      $function$;

-- The body of each event, from its source rows as they were when it happened (amounts "so far"
-- count only what came before it).
CREATE OR REPLACE FUNCTION partner_event_payload(e partner_events)
 RETURNS jsonb
 LANGUAGE sql
 STABLE
AS $function$
        SELECT CASE
          WHEN e.type = 'purchase.recorded' THEN (
            SELECT jsonb_build_object('purchaseId', coalition_global_id('Purchase', p.id), 'reference', p.reference, 'cardNumber', m.card_number,
                     'amount', coalition_money_json(p.amount_minor, p.currency), 'points', p.points, 'occurredAt', p.created_at)
              FROM purchases p JOIN members m ON m.id = p.member_id WHERE p.id = e.source_id)
          WHEN e.type = 'purchase.returned' THEN (
            SELECT jsonb_build_object('purchaseId', coalition_global_id('Purchase', p.id), 'reference', p.reference, 'cardNumber', m.card_number,
                     'amount', coalition_money_json(r.amount_minor, p.currency), 'pointsReversed', r.points,
                     'returnedSoFar', coalition_money_json((SELECT sum(x.amount_minor) FROM purchase_returns x
                                                            WHERE x.purchase_id = r.purchase_id AND x.id <= r.id)::bigint, p.currency),
                     'occurredAt', r.created_at)
              FROM purchase_returns r JOIN purchases p ON p.id = r.purchase_id JOIN members m ON m.id = p.member_id WHERE r.id = e.source_id)
          -- The fulfilling partner learns who redeemed; a sponsor only what it contributed.
          WHEN e.type = 'reward.redeemed' THEN (
            SELECT jsonb_build_object('redemptionId', coalition_global_id('Redemption', d.id), 'rewardId', coalition_global_id('Reward', w.id),
                     'rewardName', w.name, 'kind', w.kind, 'points', d.points, 'occurredAt', d.created_at)
                   || CASE WHEN e.partner_id = w.fulfilled_by THEN jsonb_build_object('role', 'FULFILLER', 'cardNumber', m.card_number)
                      ELSE jsonb_build_object('role', 'SPONSOR', 'contribution', coalition_money_json(w.sponsor_contribution_minor, w.sponsor_currency)) END
              FROM redemptions d JOIN rewards w ON w.id = d.reward_id JOIN members m ON m.id = d.member_id WHERE d.id = e.source_id)
          WHEN e.type = 'voucher.used' THEN (
            SELECT jsonb_build_object('voucherId', coalition_global_id('Voucher', v.id), 'redemptionId', coalition_global_id('Redemption', v.redemption_id),
                     'cardNumber', m.card_number, 'occurredAt', v.used_at)
              FROM vouchers v JOIN members m ON m.id = v.member_id WHERE v.id = e.source_id)
          WHEN e.type = 'gift_card.redeemed' THEN (
            SELECT jsonb_build_object('giftCardId', coalition_global_id('GiftCard', g.id), 'amount', coalition_money_json(u.amount_minor, g.currency),
                     'balance', coalition_money_json(g.initial_minor - (SELECT sum(x.amount_minor) FROM gift_card_uses x
                                                                        WHERE x.gift_card_id = g.id AND x.id <= u.id)::bigint, g.currency),
                     'occurredAt', u.created_at)
              FROM gift_card_uses u JOIN gift_cards g ON g.id = u.gift_card_id WHERE u.id = e.source_id)
          WHEN e.type LIKE 'miles_transfer.%' THEN (
            SELECT jsonb_build_object('transferId', coalition_global_id('MilesTransfer', t.id), 'cardNumber', m.card_number, 'points', t.points,
                     'miles', t.miles, 'frequentFlyerNumber', t.frequent_flyer_number)
                   || CASE WHEN e.type = 'miles_transfer.requested' THEN jsonb_build_object('expiresAt', h.expires_at, 'occurredAt', t.created_at)
                      ELSE jsonb_build_object('occurredAt', h.resolved_at) END
              FROM miles_transfers t JOIN point_holds h ON h.id = t.hold_id JOIN members m ON m.id = t.member_id WHERE t.id = e.source_id)
          WHEN e.type = 'settlement.statement_closed' THEN (
            SELECT jsonb_build_object('periodId', coalition_global_id('SettlementPeriod', p.id), 'periodStart', p.period_start,
                     'periodEnd', p.period_end, 'currency', s.currency, 'openingBalance', coalition_money_json(s.opening_minor, s.currency),
                     'net', coalition_money_json(s.net_minor, s.currency), 'occurredAt', p.closed_at)
              FROM settlement_statements s JOIN settlement_periods p ON p.id = s.period_id WHERE s.id = e.source_id)
          WHEN e.type = 'payment_instruction.created' THEN (
            SELECT jsonb_build_object('paymentInstructionId', coalition_global_id('PaymentInstruction', i.id),
                     'periodId', coalition_global_id('SettlementPeriod', i.period_id), 'amount', coalition_money_json(i.amount_minor, i.currency),
                     'occurredAt', p.closed_at)
              FROM payment_instructions i JOIN settlement_periods p ON p.id = i.period_id WHERE i.id = e.source_id)
          WHEN e.type = 'webhook.test' THEN
            jsonb_build_object('endpointId', coalition_global_id('WebhookEndpoint', e.source_id), 'message', 'Test event from Coalition',
              'occurredAt', e.created_at)
        END
      $function$;

-- Fan-out: what each endpoint receives (a test event for it alone, or what it subscribed to;
-- none while it is disabled or deleted), for the events that committed since the last run.
CREATE OR REPLACE FUNCTION webhook_receives(w webhook_endpoints, e partner_events)
 RETURNS boolean
 LANGUAGE sql
 IMMUTABLE
AS $function$
        SELECT w.partner_id = e.partner_id AND CASE WHEN e.type = 'webhook.test' THEN e.source_id = w.id
                                                    ELSE w.event_types = '{}' OR e.type = ANY (w.event_types) END
      $function$;

CREATE OR REPLACE FUNCTION webhook_fan_out()
 RETURNS integer
 LANGUAGE plpgsql
AS $function$
      DECLARE v_prev pg_snapshot; v_cur pg_snapshot; v_queued integer;
      BEGIN
        -- One run at a time across servers; the others skip their turn.
        IF NOT pg_try_advisory_xact_lock(hashtext('webhook_fan_out')) THEN RETURN 0; END IF;
        SELECT snapshot INTO v_prev FROM webhook_fan_out_state;
        v_cur := pg_current_snapshot();
        -- Exactly the events v_cur sees and v_prev did not: one committing late is taken next time.
        INSERT INTO webhook_deliveries (event_id, endpoint_id)
        SELECT e.id, w.id FROM partner_events e JOIN webhook_endpoints w ON webhook_receives(w, e)
         WHERE e.xid >= pg_snapshot_xmin(v_prev) AND pg_visible_in_snapshot(e.xid, v_cur) AND NOT pg_visible_in_snapshot(e.xid, v_prev)
           AND w.deleted_at IS NULL AND w.disabled_at IS NULL
        ON CONFLICT (event_id, endpoint_id) DO NOTHING;
        GET DIAGNOSTICS v_queued = ROW_COUNT;
        UPDATE webhook_fan_out_state SET snapshot = v_cur;
        RETURN v_queued;
      END $function$;

CREATE OR REPLACE FUNCTION coalition_event_purchase_recorded()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
        BEGIN
          INSERT INTO partner_events (partner_id, type, source_id) SELECT partner_id, 'purchase.recorded', id FROM new_rows;
          RETURN NULL;
        END $function$;

CREATE OR REPLACE FUNCTION coalition_event_purchase_returned()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
        BEGIN
          INSERT INTO partner_events (partner_id, type, source_id) SELECT p.partner_id, 'purchase.returned', r.id FROM new_rows r JOIN purchases p ON p.id = r.purchase_id;
          RETURN NULL;
        END $function$;

-- To the fulfilling partner, and to a sponsor that is another partner.
CREATE OR REPLACE FUNCTION coalition_event_reward_redeemed()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
        BEGIN
          INSERT INTO partner_events (partner_id, type, source_id) SELECT x.partner_id, 'reward.redeemed', d.id FROM new_rows d JOIN rewards w ON w.id = d.reward_id
               CROSS JOIN LATERAL (SELECT w.fulfilled_by UNION ALL SELECT w.sponsored_by WHERE w.sponsored_by <> w.fulfilled_by) x (partner_id);
          RETURN NULL;
        END $function$;

CREATE OR REPLACE FUNCTION coalition_event_voucher_used()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
        BEGIN
          INSERT INTO partner_events (partner_id, type, source_id) SELECT v.partner_id, 'voucher.used', v.id FROM new_rows v JOIN old_rows o ON o.id = v.id
              WHERE o.used_at IS NULL AND v.used_at IS NOT NULL;
          RETURN NULL;
        END $function$;

CREATE OR REPLACE FUNCTION coalition_event_gift_card_redeemed()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
        BEGIN
          INSERT INTO partner_events (partner_id, type, source_id) SELECT partner_id, 'gift_card.redeemed', id FROM new_rows;
          RETURN NULL;
        END $function$;

CREATE OR REPLACE FUNCTION coalition_event_miles_transfer_requested()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
        BEGIN
          INSERT INTO partner_events (partner_id, type, source_id) SELECT airline_id, 'miles_transfer.requested', id FROM new_rows WHERE direction = 'TO_MILES';
          RETURN NULL;
        END $function$;

-- A transfer's status is its hold's: captured = confirmed, voided = rejected, or expired.
CREATE OR REPLACE FUNCTION coalition_event_miles_transfer_resolved()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
        BEGIN
          INSERT INTO partner_events (partner_id, type, source_id) SELECT t.airline_id, 'miles_transfer.' || CASE h.status WHEN 'CAPTURED' THEN 'confirmed' WHEN 'VOIDED' THEN 'rejected' ELSE 'expired' END, t.id
               FROM new_rows h JOIN old_rows o ON o.id = h.id JOIN miles_transfers t ON t.hold_id = h.id
              WHERE o.status = 'PENDING' AND h.status <> 'PENDING';
          RETURN NULL;
        END $function$;

CREATE OR REPLACE FUNCTION coalition_event_statement_closed()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
        BEGIN
          INSERT INTO partner_events (partner_id, type, source_id) SELECT partner_id, 'settlement.statement_closed', id FROM new_rows;
          RETURN NULL;
        END $function$;

CREATE OR REPLACE FUNCTION coalition_event_payment_instruction_created()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
        BEGIN
          INSERT INTO partner_events (partner_id, type, source_id) SELECT partner_id, 'payment_instruction.created', id FROM new_rows;
          RETURN NULL;
        END $function$;

CREATE OR REPLACE TRIGGER purchases_event_purchase_recorded AFTER INSERT ON purchases REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coalition_event_purchase_recorded();

CREATE OR REPLACE TRIGGER purchase_returns_event_purchase_returned AFTER INSERT ON purchase_returns REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coalition_event_purchase_returned();

CREATE OR REPLACE TRIGGER redemptions_event_reward_redeemed AFTER INSERT ON redemptions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coalition_event_reward_redeemed();

CREATE OR REPLACE TRIGGER vouchers_event_voucher_used AFTER UPDATE ON vouchers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coalition_event_voucher_used();

CREATE OR REPLACE TRIGGER gift_card_uses_event_gift_card_redeemed AFTER INSERT ON gift_card_uses REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coalition_event_gift_card_redeemed();

CREATE OR REPLACE TRIGGER miles_transfers_event_miles_transfer_requested AFTER INSERT ON miles_transfers REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coalition_event_miles_transfer_requested();

CREATE OR REPLACE TRIGGER point_holds_event_miles_transfer_resolved AFTER UPDATE ON point_holds REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coalition_event_miles_transfer_resolved();

CREATE OR REPLACE TRIGGER settlement_statements_event_statement_closed AFTER INSERT ON settlement_statements REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coalition_event_statement_closed();

CREATE OR REPLACE TRIGGER payment_instructions_event_payment_instruction_created AFTER INSERT ON payment_instructions REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION coalition_event_payment_instruction_created();
