import http from 'node:http';
import https from 'node:https';
import { RequestFilteringHttpAgent, RequestFilteringHttpsAgent } from 'request-filtering-agent';
import { Webhook } from 'standardwebhooks';
import { agentFilter } from './webhook-url';

export interface WebhookMessage {
  /** Standard Webhooks message id: the same on every retry of one event. */
  id: string;
  type: string;
  /** When the event happened (the body's timestamp); the header's is the attempt's. */
  occurredAt: Date;
  data: unknown;
}

export type SendOutcome = { ok: true; statusCode: number } | { ok: false; statusCode: number | null; error: string };

/** What a receiver says back is read up to this many bytes, then ignored. */
const MAX_RESPONSE_BYTES = 64 * 1024;

/**
 * Signs and posts one message the Standard Webhooks way. Every secret given signs (a rotated-out
 * secret keeps signing for a grace period), redirects are not followed (a 3xx is a failure), and
 * the agents refuse disallowed addresses at connect time, after DNS.
 */
export class WebhookSender {
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;

  constructor(
    private readonly timeoutMs: number,
    strict: boolean,
  ) {
    this.httpAgent = new RequestFilteringHttpAgent({ keepAlive: true, ...agentFilter(strict) });
    this.httpsAgent = new RequestFilteringHttpsAgent({ keepAlive: true, ...agentFilter(strict) });
  }

  static body(message: WebhookMessage): string {
    return JSON.stringify({ type: message.type, timestamp: message.occurredAt.toISOString(), data: message.data });
  }

  static signature(message: WebhookMessage, body: string, sentAt: Date, secrets: string[]): string {
    return secrets.map((secret) => new Webhook(secret).sign(message.id, sentAt, body)).join(' ');
  }

  send(url: string, message: WebhookMessage, secrets: string[]): Promise<SendOutcome> {
    const body = WebhookSender.body(message);
    const sentAt = new Date();
    const target = new URL(url);
    const client = target.protocol === 'https:' ? https : http;
    return new Promise<SendOutcome>((resolve) => {
      const request = client.request(
        target,
        {
          method: 'POST',
          agent: target.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
          signal: AbortSignal.timeout(this.timeoutMs),
          headers: {
            'content-type': 'application/json',
            'user-agent': 'Coalition-Webhooks/1',
            'webhook-id': message.id,
            'webhook-timestamp': String(Math.floor(sentAt.getTime() / 1000)),
            'webhook-signature': WebhookSender.signature(message, body, sentAt, secrets),
          },
        },
        (response) => {
          let read = 0;
          response.on('data', (chunk: Buffer) => {
            read += chunk.length;
            if (read > MAX_RESPONSE_BYTES) response.destroy();
          });
          const statusCode = response.statusCode ?? 0;
          const done = () =>
            resolve(
              statusCode >= 200 && statusCode < 300 ? { ok: true, statusCode } : { ok: false, statusCode, error: `HTTP ${statusCode}` },
            );
          response.on('end', done);
          response.on('close', done);
          response.on('error', done);
        },
      );
      request.on('error', (err) =>
        resolve({ ok: false, statusCode: null, error: err.name === 'AbortError' ? `timed out after ${this.timeoutMs} ms` : err.message }),
      );
      request.end(body);
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}
