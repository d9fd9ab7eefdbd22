import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partner events and their webhook deliveries (issue #11).
 *
 * Events are written by statement-level triggers on the tables the value-moving functions write
 * (purchases, purchase_returns, redemptions, vouchers, gift_card_uses, miles_transfers,
 * point_holds, settlement_statements, payment_instructions): in the same transaction as the
 * effect, one INSERT … SELECT per statement over its transition table, so the batch purchase path
 * stays set-based and no function body has to remember to emit. An event goes only to the partner
 * it concerns. A second trigger fans each inserted event out to that partner's live endpoints as
 * deliveries, which the dispatcher (src/webhook) claims with SKIP LOCKED.
 */
const SOURCES: { name: string; table: string; on: 'INSERT' | 'UPDATE'; body: string }[] = [
  {
    name: 'purchase_recorded',
    table: 'purchases',
    on: 'INSERT',
    body: `SELECT p.partner_id, 'purchase.recorded', jsonb_build_object(
               'purchaseId', coalition_global_id('Purchase', p.id), 'reference', p.reference, 'cardNumber', m.card_number,
               'amount', coalition_money_json(p.amount_minor, p.currency), 'points', p.points, 'occurredAt', p.created_at)
             FROM new_rows p JOIN members m ON m.id = p.member_id`,
  },
  {
    name: 'purchase_returned',
    table: 'purchase_returns',
    on: 'INSERT',
    body: `SELECT p.partner_id, 'purchase.returned', jsonb_build_object(
               'purchaseId', coalition_global_id('Purchase', p.id), 'reference', p.reference, 'cardNumber', m.card_number,
               'amount', coalition_money_json(r.amount_minor, p.currency), 'pointsReversed', r.points,
               'returnedSoFar', coalition_money_json(p.returned_minor, p.currency), 'occurredAt', r.created_at)
             FROM new_rows r JOIN purchases p ON p.id = r.purchase_id JOIN members m ON m.id = p.member_id`,
  },
  {
    // The fulfilling partner learns who redeemed; a sponsor only that its reward was redeemed.
    name: 'reward_redeemed',
    table: 'redemptions',
    on: 'INSERT',
    body: `SELECT x.partner_id, 'reward.redeemed', jsonb_build_object(
               'redemptionId', coalition_global_id('Redemption', d.id), 'rewardId', coalition_global_id('Reward', w.id),
               'rewardName', w.name, 'kind', w.kind, 'points', d.points, 'role', x.role, 'occurredAt', d.created_at)
             || CASE x.role WHEN 'FULFILLER' THEN jsonb_build_object('cardNumber', m.card_number)
                ELSE jsonb_build_object('contribution', coalition_money_json(w.sponsor_contribution_minor, w.sponsor_currency)) END
             FROM new_rows d JOIN rewards w ON w.id = d.reward_id JOIN members m ON m.id = d.member_id
             CROSS JOIN LATERAL (VALUES (w.fulfilled_by, 'FULFILLER'), (w.sponsored_by, 'SPONSOR')) x (partner_id, role)
            WHERE x.role = 'FULFILLER' OR w.sponsored_by <> w.fulfilled_by`,
  },
  {
    name: 'voucher_used',
    table: 'vouchers',
    on: 'UPDATE',
    body: `SELECT v.partner_id, 'voucher.used', jsonb_build_object(
               'voucherId', coalition_global_id('Voucher', v.id), 'redemptionId', coalition_global_id('Redemption', v.redemption_id),
               'cardNumber', m.card_number, 'occurredAt', v.used_at)
             FROM new_rows v JOIN old_rows o ON o.id = v.id JOIN members m ON m.id = v.member_id
            WHERE o.used_at IS NULL AND v.used_at IS NOT NULL`,
  },
  {
    name: 'gift_card_redeemed',
    table: 'gift_card_uses',
    on: 'INSERT',
    body: `SELECT u.partner_id, 'gift_card.redeemed', jsonb_build_object(
               'giftCardId', coalition_global_id('GiftCard', g.id), 'amount', coalition_money_json(u.amount_minor, g.currency),
               'balance', coalition_money_json(g.balance_minor, g.currency), 'occurredAt', u.created_at)
             FROM new_rows u JOIN gift_cards g ON g.id = u.gift_card_id`,
  },
  {
    name: 'miles_transfer_requested',
    table: 'miles_transfers',
    on: 'INSERT',
    body: `SELECT t.airline_id, 'miles_transfer.requested', jsonb_build_object(
               'transferId', coalition_global_id('MilesTransfer', t.id), 'cardNumber', m.card_number, 'points', t.points,
               'miles', t.miles, 'frequentFlyerNumber', t.frequent_flyer_number, 'expiresAt', h.expires_at, 'occurredAt', t.created_at)
             FROM new_rows t JOIN point_holds h ON h.id = t.hold_id JOIN members m ON m.id = t.member_id
            WHERE t.direction = 'TO_MILES'`,
  },
  {
    // A transfer's status is its hold's: captured = confirmed, voided = rejected, or expired.
    name: 'miles_transfer_resolved',
    table: 'point_holds',
    on: 'UPDATE',
    body: `SELECT t.airline_id, 'miles_transfer.' || CASE h.status WHEN 'CAPTURED' THEN 'confirmed' WHEN 'VOIDED' THEN 'rejected' ELSE 'expired' END,
               jsonb_build_object('transferId', coalition_global_id('MilesTransfer', t.id), 'cardNumber', m.card_number,
               'points', t.points, 'miles', t.miles, 'frequentFlyerNumber', t.frequent_flyer_number, 'occurredAt', h.resolved_at)
             FROM new_rows h JOIN old_rows o ON o.id = h.id JOIN miles_transfers t ON t.hold_id = h.id JOIN members m ON m.id = t.member_id
            WHERE o.status = 'PENDING' AND h.status <> 'PENDING'`,
  },
  {
    name: 'statement_closed',
    table: 'settlement_statements',
    on: 'INSERT',
    body: `SELECT s.partner_id, 'settlement.statement_closed', jsonb_build_object(
               'periodId', coalition_global_id('SettlementPeriod', p.id), 'periodStart', p.period_start, 'periodEnd', p.period_end,
               'currency', s.currency, 'openingBalance', coalition_money_json(s.opening_minor, s.currency),
               'net', coalition_money_json(s.net_minor, s.currency), 'occurredAt', p.closed_at)
             FROM new_rows s JOIN settlement_periods p ON p.id = s.period_id`,
  },
  {
    name: 'payment_instruction_created',
    table: 'payment_instructions',
    on: 'INSERT',
    body: `SELECT i.partner_id, 'payment_instruction.created', jsonb_build_object(
               'paymentInstructionId', coalition_global_id('PaymentInstruction', i.id),
               'periodId', coalition_global_id('SettlementPeriod', i.period_id),
               'amount', coalition_money_json(i.amount_minor, i.currency), 'occurredAt', p.closed_at)
             FROM new_rows i JOIN settlement_periods p ON p.id = i.period_id`,
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
    // tells a partner nothing about the coalition's volume. endpoint_id set: a test event for that
    // endpoint alone.
    await q.query(`
      CREATE TABLE partner_events (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        uid         uuid        NOT NULL DEFAULT gen_random_uuid(),
        partner_id  bigint      NOT NULL REFERENCES partners (id),
        type        text        NOT NULL,
        data        jsonb       NOT NULL,
        endpoint_id bigint      REFERENCES webhook_endpoints (id),
        created_at  timestamptz NOT NULL DEFAULT clock_timestamp()
      )`);
    await q.query(`CREATE INDEX partner_events_partner_idx ON partner_events (partner_id, id)`);
    await q.query(`CREATE TRIGGER partner_events_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON partner_events
                   FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()`);

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

    await q.query(`
      CREATE FUNCTION coalition_fan_out_events() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        INSERT INTO webhook_deliveries (event_id, endpoint_id)
        SELECT e.id, w.id FROM new_events e JOIN webhook_endpoints w ON w.partner_id = e.partner_id
         WHERE w.deleted_at IS NULL AND w.disabled_at IS NULL
           AND (e.endpoint_id = w.id OR (e.endpoint_id IS NULL AND (w.event_types = '{}' OR e.type = ANY (w.event_types))));
        RETURN NULL;
      END $$`);
    await q.query(`CREATE TRIGGER partner_events_fan_out AFTER INSERT ON partner_events REFERENCING NEW TABLE AS new_events
                   FOR EACH STATEMENT EXECUTE FUNCTION coalition_fan_out_events()`);

    for (const s of SOURCES) {
      await q.query(`
        CREATE FUNCTION coalition_event_${s.name}() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          INSERT INTO partner_events (partner_id, type, data) ${s.body};
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
    await q.query(`DROP TABLE webhook_deliveries`);
    await q.query(`DROP TABLE partner_events`);
    await q.query(`DROP FUNCTION coalition_fan_out_events()`);
    await q.query(`DROP TABLE webhook_endpoints`);
    await q.query(`DROP FUNCTION coalition_money_json(bigint, text)`);
    await q.query(`DROP FUNCTION coalition_global_id(text, bigint)`);
  }
}
