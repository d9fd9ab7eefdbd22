import type { ChildProcess } from 'node:child_process';
import { Webhook } from 'standardwebhooks';
import { startApp } from '../src/app';
import { loadConfig } from '../src/config/config';
import { createLogger } from '../src/server/logger';
import { CreateWebhookEndpointDocument, RecordPurchaseDocument } from './generated/graphql';
import { enrolMember, newKey, onboardPartner } from './support/coalition-fixtures';
import { buildServer, serverEnv, spawnServer } from './support/server-process';
import { GraphQLClient, TEST_OPERATOR_KEY, TestApp } from './support/test-app';
import { createTestDatabase } from './support/test-database';
import { WebhookReceiver } from './support/webhook-receiver';

/**
 * A server process killed (SIGKILL) while a delivery is in flight: the delivery's lease runs out
 * and another server sends it again, with the same webhook-id — at least once, never lost.
 */
const env = (databaseUrl: string) => serverEnv(databaseUrl, { COALITION_WEBHOOK_POLL: '50ms', COALITION_WEBHOOK_TIMEOUT: '1s' });

let build: ReturnType<typeof buildServer>;
let child: ChildProcess | null = null;
beforeAll(() => {
  build = buildServer();
});
afterAll(() => {
  child?.kill('SIGKILL');
  build.remove();
});

it('sends a delivery again after its server was killed mid-attempt', async () => {
  const database = await createTestDatabase();
  const receiver = await WebhookReceiver.start();
  // The first attempt never gets an answer: the server dies waiting for it.
  receiver.respond = () => (receiver.received.length === 1 ? { status: 200, delayMs: 60_000 } : { status: 200 });
  let second: Awaited<ReturnType<typeof startApp>> | null = null;
  try {
    const server = spawnServer(build.dir, env(database.url));
    child = server.child;
    const url = await server.ready;
    const app = { anonymous: new GraphQLClient(url), operator: new GraphQLClient(url, TEST_OPERATOR_KEY) } as unknown as TestApp;
    const grocer = await onboardPartner(app);
    const { createWebhookEndpoint } = await grocer.client.ok(CreateWebhookEndpointDocument, { input: { url: receiver.url('/crash') } });
    const secret = createWebhookEndpoint.secret!;
    await grocer.client.ok(RecordPurchaseDocument, {
      input: {
        cardNumber: await enrolMember(app),
        amount: { amount: '1.00', currency: 'EUR' },
        reference: newKey(),
        idempotencyKey: newKey(),
      },
    });
    await receiver.until((r) => r.length === 1);
    const killedAt = Date.now();
    child!.kill('SIGKILL');
    await new Promise((r) => child!.once('exit', r));

    second = await startApp(loadConfig(env(database.url)), createLogger('silent'));
    await receiver.until((r) => r.length === 2, 20_000);
    const [lost, resent] = receiver.at('/crash');
    expect(resent.headers['webhook-id']).toBe(lost.headers['webhook-id']);
    expect(new Webhook(secret).verify(resent.body, resent.headers)).toMatchObject({ type: 'purchase.recorded' });
    // Not before the dead server's lease (2 × timeout + 5 s) ran out: never two senders at once.
    expect(resent.at - killedAt).toBeGreaterThanOrEqual(5_000);
    await new Promise((r) => setTimeout(r, 300));
    const [delivery] = await second.dataSource.query(`SELECT status, attempts FROM webhook_deliveries`);
    expect(delivery).toEqual({ status: 'DELIVERED', attempts: 2 });
  } finally {
    await second?.stop();
    await receiver.stop();
    await database.drop();
  }
});
