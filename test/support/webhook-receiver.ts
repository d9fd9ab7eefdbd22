import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedWebhook {
  path: string;
  headers: Record<string, string>;
  body: string;
  at: number;
}

/**
 * A real HTTP receiver on loopback. `respond` decides each answer (status, or a delay before it),
 * so a test can play a receiver that is down, failing, slow or fine.
 */
export class WebhookReceiver {
  readonly received: ReceivedWebhook[] = [];
  respond: (req: ReceivedWebhook) => { status: number; delayMs?: number } = () => ({ status: 200 });
  private readonly server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const got = {
        path: req.url ?? '/',
        headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, String(v)])),
        body: Buffer.concat(chunks).toString('utf8'),
        at: Date.now(),
      };
      this.received.push(got);
      const { status, delayMs = 0 } = this.respond(got);
      const timer = setTimeout(() => res.writeHead(status).end(), delayMs);
      res.on('close', () => clearTimeout(timer));
    });
  });

  static async start(): Promise<WebhookReceiver> {
    const receiver = new WebhookReceiver();
    await new Promise<void>((resolve) => receiver.server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  url(path = '/hook'): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}${path}`;
  }

  /** Webhooks posted to `path`, parsed. */
  at(path: string): (ReceivedWebhook & { json: { type: string; timestamp: string; data: Record<string, any> } })[] {
    return this.received.filter((r) => r.path === path).map((r) => ({ ...r, json: JSON.parse(r.body) }));
  }

  /** Waits until `predicate` holds over what arrived (polling), or fails after `timeoutMs`. */
  async until(predicate: (received: ReceivedWebhook[]) => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      if (Date.now() > deadline)
        throw new Error(`webhook receiver: condition not met in ${timeoutMs} ms (${this.received.length} received)`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
