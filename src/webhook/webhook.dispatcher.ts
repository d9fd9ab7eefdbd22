import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import type { WebhookConfig } from '../config/config';
import { queryRows } from '../database/data-source';
import { SendOutcome, WebhookSender } from './webhook-sender';
import { webhookMessageId } from './webhook.types';

interface ClaimedDelivery {
  id: string;
  attempts: number;
  endpoint_id: string;
  created_at: Date;
  uid: string;
  type: string;
  data: unknown;
  occurred_at: Date;
  url: string;
  secrets: string[];
}

/**
 * Claims due deliveries across every server process: SKIP LOCKED lets workers share the queue,
 * and the claim pushes next_attempt_at out by a lease longer than an attempt can take, so a
 * delivery is never sent by two workers at once, and one whose worker died is sent again after
 * the lease (at least once, with the same webhook-id).
 */
const CLAIM = `
  WITH due AS (
    SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints w ON w.id = d.endpoint_id
     WHERE d.status = 'PENDING' AND d.next_attempt_at <= now() AND w.disabled_at IS NULL AND w.deleted_at IS NULL
     ORDER BY d.next_attempt_at LIMIT $1
       FOR UPDATE OF d SKIP LOCKED)
  UPDATE webhook_deliveries d
     SET attempts = d.attempts + 1, last_attempt_at = now(), next_attempt_at = now() + make_interval(secs => $2::numeric / 1000)
    FROM due, partner_events e, webhook_endpoints w
   WHERE d.id = due.id AND e.id = d.event_id AND w.id = d.endpoint_id
  RETURNING d.id::text, d.attempts, d.endpoint_id::text, d.created_at, e.uid::text, e.type, partner_event_payload(e) AS data,
            e.created_at AS occurred_at, w.url,
            array_remove(ARRAY[w.secret, CASE WHEN w.previous_secret_expires_at > now() THEN w.previous_secret END], NULL) AS secrets`;

/** Each outcome applies only to the claim that made it (attempts matches), never to a later one. */
const DELIVERED = `
  UPDATE webhook_deliveries SET status = 'DELIVERED', delivered_at = now(), last_status_code = $3, last_error = NULL
   WHERE id = $1 AND attempts = $2 AND status = 'PENDING'`;
const RETRY = `
  UPDATE webhook_deliveries SET last_status_code = $3, last_error = $4, next_attempt_at = now() + make_interval(secs => $5::numeric / 1000)
   WHERE id = $1 AND attempts = $2 AND status = 'PENDING'`;
/**
 * Out of retries: the delivery fails, and its endpoint is disabled unless something reached it
 * while this one was being retried (one event a receiver keeps refusing does not silence the rest).
 */
const GIVE_UP = `
  WITH failed AS (
    UPDATE webhook_deliveries SET status = 'FAILED', last_status_code = $3, last_error = $4
     WHERE id = $1 AND attempts = $2 AND status = 'PENDING' RETURNING endpoint_id, created_at)
  UPDATE webhook_endpoints w SET disabled_at = now(), disabled_reason = 'every attempt failed for ' || (now() - f.created_at)::text
    FROM failed f
   WHERE w.id = f.endpoint_id AND w.disabled_at IS NULL
     AND NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.endpoint_id = f.endpoint_id AND d.delivered_at > f.created_at)`;

const BATCH = 20;
const MAX_IN_FLIGHT = 32;

export class WebhookDispatcher {
  private readonly sender: WebhookSender;
  private readonly inFlight = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | null = null;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly config: WebhookConfig,
    private readonly log: Logger,
  ) {
    this.sender = new WebhookSender(config.timeoutMs, config.strict);
  }

  start(): void {
    this.schedule(0);
  }

  /** Stops claiming and waits for the attempts in flight (each bounded by the timeout). */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.all(this.inFlight);
    this.sender.close();
  }

  private schedule(ms: number): void {
    if (!this.stopped) this.timer = setTimeout(() => void this.poll(), ms);
  }

  private async poll(): Promise<void> {
    let claimed = 0;
    try {
      const room = Math.min(BATCH, MAX_IN_FLIGHT - this.inFlight.size);
      // New events become deliveries first (one server's turn at a time), then due ones are claimed.
      await queryRows(this.dataSource, 'SELECT webhook_fan_out()');
      if (room > 0) {
        const rows = await queryRows<ClaimedDelivery>(this.dataSource, CLAIM, [room, 2 * this.config.timeoutMs + 5_000]);
        claimed = rows.length;
        for (const row of rows) this.track(this.attempt(row));
      }
    } catch (err) {
      if (!this.stopped) this.log.warn({ err }, 'webhook claim failed');
    }
    // A full batch means more may be due: look again at once.
    this.schedule(claimed === BATCH ? 0 : this.config.pollMs);
  }

  private track(attempt: Promise<void>): void {
    this.inFlight.add(attempt);
    void attempt.finally(() => this.inFlight.delete(attempt));
  }

  private async attempt(d: ClaimedDelivery): Promise<void> {
    const message = { id: webhookMessageId(d.uid), type: d.type, occurredAt: d.occurred_at, data: d.data };
    const outcome = await this.sender.send(d.url, message, d.secrets);
    try {
      await this.record(d, outcome);
    } catch (err) {
      // The lease runs out and the delivery is tried again: at least once, never lost.
      this.log.warn({ err, deliveryId: d.id }, 'webhook outcome not recorded');
    }
  }

  private record(d: ClaimedDelivery, outcome: SendOutcome): Promise<unknown> {
    const log = { deliveryId: d.id, endpointId: d.endpoint_id, type: d.type, attempt: d.attempts, statusCode: outcome.statusCode };
    if (outcome.ok) {
      this.log.debug(log, 'webhook delivered');
      return queryRows(this.dataSource, DELIVERED, [d.id, d.attempts, outcome.statusCode]);
    }
    const delay = this.config.retryDelaysMs[d.attempts - 1];
    this.log.info({ ...log, error: outcome.error, retryInMs: delay ?? null }, 'webhook attempt failed');
    if (delay === undefined) return queryRows(this.dataSource, GIVE_UP, [d.id, d.attempts, outcome.statusCode, outcome.error]);
    return queryRows(this.dataSource, RETRY, [d.id, d.attempts, outcome.statusCode, outcome.error, jitter(delay)]);
  }
}

/** ±20 %, so receivers coming back up are not hit by every retry at the same instant. */
function jitter(ms: number): number {
  return Math.round(ms * (0.8 + Math.random() * 0.4));
}
