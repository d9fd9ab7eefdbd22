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
// The event triggers of sql/functions/80-events.sql, by event and source table (dropped by down).
const SOURCES = [
  { name: 'purchase_recorded', table: 'purchases' },
  { name: 'purchase_returned', table: 'purchase_returns' },
  { name: 'reward_redeemed', table: 'redemptions' },
  { name: 'voucher_used', table: 'vouchers' },
  { name: 'gift_card_redeemed', table: 'gift_card_uses' },
  { name: 'miles_transfer_requested', table: 'miles_transfers' },
  { name: 'miles_transfer_resolved', table: 'point_holds' },
  { name: 'statement_closed', table: 'settlement_statements' },
  { name: 'payment_instruction_created', table: 'payment_instructions' },
];

export class PartnerEvents1795902000000 implements MigrationInterface {
  name = 'PartnerEvents1795902000000';

  async up(q: QueryRunner): Promise<void> {
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

    await q.query(`CREATE TABLE webhook_fan_out_state (id boolean PRIMARY KEY DEFAULT true CHECK (id), snapshot pg_snapshot NOT NULL)`);
    await q.query(`INSERT INTO webhook_fan_out_state (snapshot) VALUES (pg_current_snapshot())`);
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
