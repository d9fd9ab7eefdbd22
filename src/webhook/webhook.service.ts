import { randomBytes } from 'node:crypto';
import type { DataSource } from 'typeorm';
import type { Principal } from '../auth/principal';
import { canActForPartner } from '../auth/authorize';
import { idSortKey, localIdOf, PageWindow, sqlKeyset } from '../common/relay';
import { BusinessError, CommonErrorCode } from '../common/user-error';
import { queryRows } from '../database/data-source';
import { isWebhookEventType, TEST_EVENT_TYPE } from './webhook-events';
import { checkWebhookUrl } from './webhook-url';
import { unknownEndpoint, WebhookErrorCode } from './webhook.errors';
import type { UpdateWebhookEndpointInput, WebhookDeliveryRow, WebhookDeliveryStatus, WebhookEndpointRow } from './webhook.types';

const MAX_ENDPOINTS_PER_PARTNER = 20;
const MAX_REPLAY_DAYS = 30;

const SELECT_ENDPOINT = `
  SELECT w.id::text, w.partner_id::text, w.url, w.event_types, w.created_at, w.disabled_at, w.disabled_reason,
         EXISTS (SELECT 1 FROM webhook_deliveries d
                  WHERE d.endpoint_id = w.id AND d.status = 'PENDING' AND d.last_error IS NOT NULL) AS failing
    FROM webhook_endpoints w`;

const SELECT_DELIVERY = `
  SELECT d.id::text, d.status, d.attempts, d.next_attempt_at, d.last_attempt_at, d.last_status_code, d.last_error, d.delivered_at,
         e.uid::text, e.type, partner_event_payload(e) AS data, e.created_at AS occurred_at
    FROM webhook_deliveries d JOIN partner_events e ON e.id = d.event_id`;

/** Standard Webhooks secret: "whsec_" and base64 of 32 random bytes. */
const newSecret = () => `whsec_${randomBytes(32).toString('base64')}`;

/** Partners' webhook endpoints, their delivery log, test events and replays. Delivery itself: WebhookDispatcher. */
export class WebhookService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly strictUrls: boolean,
  ) {}

  listForPartner(partnerId: string): Promise<WebhookEndpointRow[]> {
    return queryRows(this.dataSource, `${SELECT_ENDPOINT} WHERE w.partner_id = $1 AND w.deleted_at IS NULL ORDER BY w.id`, [partnerId]);
  }

  /** The endpoint if the caller acts for its partner; otherwise it does not exist for them. */
  async endpointFor(principal: Principal | null, endpointId: string): Promise<WebhookEndpointRow> {
    const localId = localIdOf(endpointId, 'WebhookEndpoint');
    const row = localId ? await this.find(localId) : null;
    if (!row || !canActForPartner(principal, row.partner_id)) throw unknownEndpoint();
    return row;
  }

  async find(localId: string): Promise<WebhookEndpointRow | null> {
    const [row] = await queryRows<WebhookEndpointRow>(this.dataSource, `${SELECT_ENDPOINT} WHERE w.id = $1 AND w.deleted_at IS NULL`, [
      localId,
    ]);
    return row ?? null;
  }

  async create(
    partnerId: string,
    input: { url: string; eventTypes?: string[] | null },
  ): Promise<{ row: WebhookEndpointRow; secret: string }> {
    const url = await checkWebhookUrl(input.url, this.strictUrls);
    const eventTypes = requireEventTypes(input.eventTypes ?? []);
    const secret = newSecret();
    // The count and the insert in one statement, under the partner row's lock, so concurrent creates cannot exceed the cap.
    const [created] = await queryRows<{ id: string }>(
      this.dataSource,
      `WITH partner AS (SELECT id FROM partners WHERE id = $1 FOR NO KEY UPDATE)
       INSERT INTO webhook_endpoints (partner_id, url, event_types, secret)
       SELECT id, $2, $3, $4 FROM partner
        WHERE (SELECT count(*) FROM webhook_endpoints WHERE partner_id = $1 AND deleted_at IS NULL) < $5
       RETURNING id::text`,
      [partnerId, url, eventTypes, secret, MAX_ENDPOINTS_PER_PARTNER],
    );
    if (!created) {
      throw new BusinessError(
        WebhookErrorCode.TOO_MANY_WEBHOOK_ENDPOINTS,
        `A partner may have at most ${MAX_ENDPOINTS_PER_PARTNER} webhook endpoints`,
        ['input'],
      );
    }
    return { row: (await this.find(created.id))!, secret };
  }

  async update(endpoint: WebhookEndpointRow, input: UpdateWebhookEndpointInput): Promise<WebhookEndpointRow> {
    const url = input.url == null ? null : await checkWebhookUrl(input.url, this.strictUrls);
    const eventTypes = input.eventTypes == null ? null : requireEventTypes(input.eventTypes);
    await queryRows(
      this.dataSource,
      `UPDATE webhook_endpoints SET url = coalesce($2, url), event_types = coalesce($3, event_types),
              disabled_at = CASE WHEN $4::boolean IS NULL THEN disabled_at WHEN $4 THEN NULL ELSE coalesce(disabled_at, now()) END,
              disabled_reason = CASE WHEN $4::boolean IS NULL THEN disabled_reason WHEN $4 THEN NULL ELSE coalesce(disabled_reason, 'disabled by request') END
        WHERE id = $1`,
      [endpoint.id, url, eventTypes, input.enabled ?? null],
    );
    return (await this.find(endpoint.id))!;
  }

  /** The old secret keeps signing beside the new one for a day, so receivers can switch without a gap. */
  async rotateSecret(endpoint: WebhookEndpointRow): Promise<{ row: WebhookEndpointRow; secret: string }> {
    const secret = newSecret();
    await queryRows(
      this.dataSource,
      `UPDATE webhook_endpoints SET previous_secret = secret, previous_secret_expires_at = now() + interval '24 hours', secret = $2 WHERE id = $1`,
      [endpoint.id, secret],
    );
    return { row: (await this.find(endpoint.id))!, secret };
  }

  /** Kept, not removed, so its delivery log survives; what was still pending is closed as FAILED. */
  async delete(endpoint: WebhookEndpointRow): Promise<void> {
    await queryRows(
      this.dataSource,
      `WITH deleted AS (UPDATE webhook_endpoints SET deleted_at = now() WHERE id = $1 RETURNING id)
       UPDATE webhook_deliveries d SET status = 'FAILED', last_error = 'endpoint deleted'
         FROM deleted WHERE d.endpoint_id = deleted.id AND d.status = 'PENDING'`,
      [endpoint.id],
    );
  }

  /** A webhook.test event for this endpoint alone, whatever it subscribed to, queued at once. */
  async sendTest(endpoint: WebhookEndpointRow): Promise<WebhookDeliveryRow> {
    const [delivery] = await queryRows<{ id: string }>(
      this.dataSource,
      `WITH event AS (INSERT INTO partner_events (partner_id, type, source_id) VALUES ($1, $2, $3) RETURNING id)
       INSERT INTO webhook_deliveries (event_id, endpoint_id) SELECT id, $3 FROM event RETURNING id::text`,
      [endpoint.partner_id, TEST_EVENT_TYPE, endpoint.id],
    );
    const [row] = await queryRows<WebhookDeliveryRow>(this.dataSource, `${SELECT_DELIVERY} WHERE d.id = $1`, [delivery.id]);
    return row;
  }

  /** Queues again the endpoint's events since `since`: failed ones, never-sent ones, and with includeDelivered the delivered too. */
  async replay(endpoint: WebhookEndpointRow, since: Date, includeDelivered: boolean): Promise<number> {
    if (since.getTime() < Date.now() - MAX_REPLAY_DAYS * 86_400_000) {
      throw new BusinessError(CommonErrorCode.INVALID_INPUT, `since may be at most ${MAX_REPLAY_DAYS} days ago`, ['input', 'since']);
    }
    const rows = await queryRows(
      this.dataSource,
      `INSERT INTO webhook_deliveries AS d (event_id, endpoint_id)
       SELECT e.id, w.id FROM webhook_endpoints w JOIN partner_events e ON webhook_receives(w, e)
        WHERE w.id = $1 AND e.partner_id = w.partner_id AND e.created_at >= $2
       ON CONFLICT (event_id, endpoint_id) DO UPDATE
          SET status = 'PENDING', attempts = 0, next_attempt_at = clock_timestamp(), last_error = NULL, last_status_code = NULL
        WHERE d.status = 'FAILED' OR ($3 AND d.status = 'DELIVERED')
       RETURNING 1`,
      [endpoint.id, since, includeDelivered],
    );
    return rows.length;
  }

  deliveries(endpointId: string, status: WebhookDeliveryStatus | null, window: PageWindow): Promise<WebhookDeliveryRow[]> {
    const page = sqlKeyset(idSortKey('d.id'), window, 'DESC', 3);
    return queryRows(
      this.dataSource,
      `${SELECT_DELIVERY} WHERE d.endpoint_id = $1 AND ($2::text IS NULL OR d.status = $2) AND ${page.where} ${page.orderLimit}`,
      [endpointId, status, ...page.params],
    );
  }
}

function requireEventTypes(types: string[]): string[] {
  const unknown = types.findIndex((t) => !isWebhookEventType(t));
  if (unknown >= 0) {
    throw new BusinessError(
      WebhookErrorCode.UNKNOWN_EVENT_TYPE,
      `Unknown event type "${types[unknown].slice(0, 100)}"; see the event catalogue`,
      ['input', 'eventTypes', String(unknown)],
    );
  }
  return [...new Set(types)].sort();
}
