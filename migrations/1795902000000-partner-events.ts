import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partner events and their webhook deliveries (issue #11).
 *
 * An event is a pointer: (partner, type, source row). Statement-level triggers over transition
 * tables on the tables the value-moving functions write insert them in the same transaction as
 * the effect, one INSERT … SELECT per statement, so the batch path stays set-based and no function
 * body has to remember to emit. The payload is derived from the source rows when it is read or
 * sent (partner_event_payload), so the write path carries one narrow row per effect. An event goes
 * only to the partner it concerns.
 *
 * Fan-out to endpoints happens off the write path (webhook_fan_out, run by the delivery workers):
 * like a settlement close it records the snapshot it ran under, and takes exactly the events that
 * snapshot sees and the previous one did not, so an event committing late is never skipped.
 */
const SOURCES: { name: string; table: string; on: 'INSERT' | 'UPDATE'; select: string }[] = [
  { name: 'purchase_recorded', table: 'purchases', on: 'INSERT', select: `SELECT partner_id, 'purchase.recorded', id FROM new_rows` },
  {
    name: 'purchase_returned',
    table: 'purchase_returns',
    on: 'INSERT',
    select: `SELECT p.partner_id, 'purchase.returned', r.id FROM new_rows r JOIN purchases p ON p.id = r.purchase_id`,
  },
  {
    // To the fulfilling partner, and to a sponsor that is another partner.
    name: 'reward_redeemed',
    table: 'redemptions',
    on: 'INSERT',
    select: `SELECT x.partner_id, 'reward.redeemed', d.id FROM new_rows d JOIN rewards w ON w.id = d.reward_id
               CROSS JOIN LATERAL (SELECT w.fulfilled_by UNION ALL SELECT w.sponsored_by WHERE w.sponsored_by <> w.fulfilled_by) x (partner_id)`,
  },
  {
    name: 'voucher_used',
    table: 'vouchers',
    on: 'UPDATE',
    select: `SELECT v.partner_id, 'voucher.used', v.id FROM new_rows v JOIN old_rows o ON o.id = v.id
              WHERE o.used_at IS NULL AND v.used_at IS NOT NULL`,
  },
  {
    name: 'gift_card_redeemed',
    table: 'gift_card_uses',
    on: 'INSERT',
    select: `SELECT partner_id, 'gift_card.redeemed', id FROM new_rows`,
  },
  {
    name: 'miles_transfer_requested',
    table: 'miles_transfers',
    on: 'INSERT',
    select: `SELECT airline_id, 'miles_transfer.requested', id FROM new_rows WHERE direction = 'TO_MILES'`,
  },
  {
    // A transfer's status is its hold's: captured = confirmed, voided = rejected, or expired.
    name: 'miles_transfer_resolved',
    table: 'point_holds',
    on: 'UPDATE',
    select: `SELECT t.airline_id, 'miles_transfer.' || CASE h.status WHEN 'CAPTURED' THEN 'confirmed' WHEN 'VOIDED' THEN 'rejected' ELSE 'expired' END, t.id
               FROM new_rows h JOIN old_rows o ON o.id = h.id JOIN miles_transfers t ON t.hold_id = h.id
              WHERE o.status = 'PENDING' AND h.status <> 'PENDING'`,
  },
  {
    name: 'statement_closed',
    table: 'settlement_statements',
    on: 'INSERT',
    select: `SELECT partner_id, 'settlement.statement_closed', id FROM new_rows`,
  },
  {
    name: 'payment_instruction_created',
    table: 'payment_instructions',
    on: 'INSERT',
    select: `SELECT partner_id, 'payment_instruction.created', id FROM new_rows`,
  },
];

export class PartnerEvents1795902000000 implements MigrationInterface {
  name = 'PartnerEvents1795902000000';

  async up(q: QueryRunner): Promise<void> {
    // The same opaque IDs the API gives out (src/common/relay.ts toGlobalId: base64url, no padding).
    await q.query(`
      CREATE FUNCTION coalition_global_id(p_type text, p_id bigint) RETURNS text LANGUAGE sql IMMUTABLE AS $$
        SELECT translate(encode(convert_to(p_type || ':' || p_id, 'UTF8'), 'base64'), E'+/=\\n', '-_')
      $$`);
    // Money as the API writes it: a decimal string with exactly the currency's minor digits.
    await q.query(`
      CREATE FUNCTION coalition_money_json(p_minor bigint, p_currency text) RETURNS jsonb LANGUAGE sql STABLE AS $$
        SELECT jsonb_build_object('amount', round(p_minor::numeric / 10::numeric ^ d.digits, d.digits)::text, 'currency', p_currency)
          FROM currency_digits d WHERE d.code = p_currency
      $$`);
    // A statement event points at its statement row.
    await q.query(`ALTER TABLE settlement_statements ADD COLUMN id bigint GENERATED ALWAYS AS IDENTITY UNIQUE`);

    await q.query(`
      CREATE TABLE webhook_endpoints (
        id                         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        partner_id                 bigint      NOT NULL REFERENCES partners (id),
        url                        text        NOT NULL CHECK (length(url) BETWEEN 1 AND 2000),
        event_types                text[]      NOT NULL DEFAULT '{}',
        secret                     text        NOT NULL,
        previous_secret            text,
        previous_secret_expires_at timestamptz,
        created_at                 timestamptz NOT NULL DEFAULT clock_timestamp(),
        disabled_at                timestamptz,
        disabled_reason            text,
        deleted_at                 timestamptz,
        CHECK ((previous_secret IS NULL) = (previous_secret_expires_at IS NULL))
      )`);
    await q.query(`CREATE INDEX webhook_endpoints_partner_idx ON webhook_endpoints (partner_id) WHERE deleted_at IS NULL`);

    // uid is the Standard Webhooks message id: stable across retries, and unlike the sequence it
    // tells a partner nothing about the coalition's volume. xid places the event for the fan-out.
    // No foreign key: rows come only from the triggers below, copying ids of rows that have theirs
    // (the events audit checks both ways), and an FK check would be a third of an event's cost.
    await q.query(`
      CREATE TABLE partner_events (
        id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        uid        uuid        NOT NULL DEFAULT gen_random_uuid(),
        partner_id bigint      NOT NULL,
        type       text        NOT NULL,
        source_id  bigint      NOT NULL,
        xid        xid8        NOT NULL DEFAULT pg_current_xact_id(),
        created_at timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX partner_events_xid_idx ON partner_events (xid)`);
    await q.query(`CREATE INDEX partner_events_created_idx ON partner_events USING brin (created_at)`);
    await q.query(`CREATE TRIGGER partner_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON partner_events
                   FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()`);

    // The body of each event, from its source rows as they were when it happened (amounts "so far"
    // count only what came before it).
    await q.query(`
      CREATE FUNCTION partner_event_payload(e partner_events) RETURNS jsonb LANGUAGE sql STABLE AS $$
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
      $$`);

    // One row per event and endpoint. A claimed delivery's next_attempt_at is its lease: a server
    // that dies mid-send leaves it to be claimed again once the lease runs out.
    await q.query(`
      CREATE TABLE webhook_deliveries (
        id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        event_id         bigint      NOT NULL REFERENCES partner_events (id),
        endpoint_id      bigint      NOT NULL REFERENCES webhook_endpoints (id),
        status           text        NOT NULL DEFAULT 'PENDING' CHECK (status IN ('PENDING', 'DELIVERED', 'FAILED')),
        attempts         integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
        next_attempt_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
        last_attempt_at  timestamptz,
        last_status_code integer,
        last_error       text,
        delivered_at     timestamptz,
        created_at       timestamptz NOT NULL DEFAULT clock_timestamp(),
        UNIQUE (event_id, endpoint_id)
      )`);
    await q.query(`CREATE INDEX webhook_deliveries_due_idx ON webhook_deliveries (next_attempt_at) WHERE status = 'PENDING'`);
    await q.query(`CREATE INDEX webhook_deliveries_endpoint_idx ON webhook_deliveries (endpoint_id, id)`);

    // Fan-out: what each endpoint receives (a test event for it alone, or what it subscribed to;
    // none while it is disabled or deleted), for the events that committed since the last run.
    await q.query(`
      CREATE FUNCTION webhook_receives(w webhook_endpoints, e partner_events) RETURNS boolean LANGUAGE sql IMMUTABLE AS $$
        SELECT w.partner_id = e.partner_id AND CASE WHEN e.type = 'webhook.test' THEN e.source_id = w.id
                                                    ELSE w.event_types = '{}' OR e.type = ANY (w.event_types) END
      $$`);
    await q.query(`CREATE TABLE webhook_fan_out_state (id boolean PRIMARY KEY DEFAULT true CHECK (id), snapshot pg_snapshot NOT NULL)`);
    await q.query(`INSERT INTO webhook_fan_out_state (snapshot) VALUES (pg_current_snapshot())`);
    await q.query(`
      CREATE FUNCTION webhook_fan_out() RETURNS integer LANGUAGE plpgsql AS $$
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
      END $$`);

    for (const s of SOURCES) {
      await q.query(`
        CREATE FUNCTION coalition_event_${s.name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO partner_events (partner_id, type, source_id) ${s.select};
          RETURN NULL;
        END $$`);
      const tables = s.on === 'UPDATE' ? 'OLD TABLE AS old_rows NEW TABLE AS new_rows' : 'NEW TABLE AS new_rows';
      await q.query(`CREATE TRIGGER ${s.table}_event_${s.name} AFTER ${s.on} ON ${s.table} REFERENCING ${tables}
                     FOR EACH STATEMENT EXECUTE FUNCTION coalition_event_${s.name}()`);
    }
  }

  async down(q: QueryRunner): Promise<void> {
    for (const s of [...SOURCES].reverse()) {
      await q.query(`DROP TRIGGER ${s.table}_event_${s.name} ON ${s.table}`);
      await q.query(`DROP FUNCTION coalition_event_${s.name}()`);
    }
    await q.query(`DROP FUNCTION webhook_fan_out()`);
    await q.query(`DROP TABLE webhook_fan_out_state`);
    await q.query(`DROP FUNCTION webhook_receives(webhook_endpoints, partner_events)`);
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP FUNCTION partner_event_payload(partner_events)`);
    await q.query(`DROP TABLE partner_events`);
    await q.query(`DROP TABLE webhook_endpoints`);
    await q.query(`ALTER TABLE settlement_statements DROP COLUMN id`);
    await q.query(`DROP FUNCTION coalition_money_json(bigint, text)`);
    await q.query(`DROP FUNCTION coalition_global_id(text, bigint)`);
  }
}
