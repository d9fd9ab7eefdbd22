import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { enrolMember, newKey, onboardPartner, TestPartner } from '../../test/support/coalition-fixtures';
import { buildServer, serverEnv, spawnServer } from '../../test/support/server-process';
import { GraphQLClient, startTestApp, TestApp } from '../../test/support/test-app';
import { startApp } from '../app';
import { loadConfig } from '../config/config';
import { createLogger } from '../server/logger';
import { RecordPurchaseDocument } from '../../test/generated/graphql';

/** Rate-limit counters in Redis (REDIS_URL): the machine's Redis, or TEST_REDIS_URL. */
const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** This run's keys only: parallel runs on one Redis must not share budgets. */
const prefix = `coalition-test-${randomUUID()}`;

let t: TestApp;
let redis: Redis;
let build: ReturnType<typeof buildServer>;
beforeAll(async () => {
  build = buildServer();
  t = await startTestApp();
  redis = new Redis(REDIS_URL);
});
afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length > 0) await redis.del(...keys);
  await redis.quit();
  await t.stop();
  build.remove();
});

const buy = (url: string, partner: TestPartner, card: string) =>
  new GraphQLClient(url, partner.key)
    .request(RecordPurchaseDocument, {
      input: { cardNumber: card, amount: { amount: '1', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
    })
    .then((r) => r.errors?.[0]?.extensions?.code ?? 'OK');

/** Starts a real server process on the test database; returns its URL and a stop that awaits the exit code. */
async function serverProcess(env: Record<string, string>) {
  const server = spawnServer(build.dir, serverEnv(t.config.databaseUrl!, { COALITION_RATE_LIMIT: '3', ...env }));
  const exited = new Promise<number | null>((resolve) => server.child.once('exit', resolve));
  return {
    url: await server.ready,
    stop: () => (server.child.kill('SIGTERM'), exited),
  };
}

describe('rate limits in Redis (REDIS_URL)', () => {
  it('share one budget per caller between two server processes, keyed under this deployment’s prefix, nothing in PostgreSQL', async () => {
    const servers = await Promise.all([1, 2].map(() => serverProcess({ REDIS_URL, COALITION_REDIS_PREFIX: prefix })));
    const other = await serverProcess({ REDIS_URL, COALITION_REDIS_PREFIX: `${prefix}-other` });
    try {
      const grocer = await onboardPartner(t);
      const card = await enrolMember(t);
      const codes = [];
      for (const { url } of [...servers, ...servers]) codes.push(await buy(url, grocer, card));
      expect(codes).toEqual(['OK', 'OK', 'OK', 'RATE_LIMITED']);

      expect(await redis.keys(`${prefix}:rate:partner:*`)).toHaveLength(1);
      const [{ rows }] = await t.dataSource.query(`SELECT count(*)::int AS rows FROM rate_limits WHERE key LIKE '%partner:%'`);
      expect(rows).toBe(0);
      // Another prefix on the same Redis is another deployment: its own budget for the same caller.
      expect(await buy(other.url, grocer, card)).toBe('OK');
    } finally {
      const codes = await Promise.all([...servers, other].map((s) => s.stop()));
      expect(codes).toEqual([0, 0, 0]);
    }
  });

  it('keep serving when Redis cannot be reached: each process counts on its own', async () => {
    // Port 1 on loopback: nothing listens, every connection attempt is refused.
    const config = loadConfig({ ...serverEnv(t.config.databaseUrl!), COALITION_RATE_LIMIT: '3', REDIS_URL: 'redis://127.0.0.1:1' });
    const app = await startApp(config, createLogger('silent'));
    try {
      const grocer = await onboardPartner(t);
      const card = await enrolMember(t);
      const codes = [];
      for (let i = 0; i < 4; i++) codes.push(await buy(app.url, grocer, card));
      expect(codes).toEqual(['OK', 'OK', 'OK', 'RATE_LIMITED']);
    } finally {
      await app.stop();
    }
  });

  it('close the Redis connection when the server stops', async () => {
    const name = `${prefix}-stop`;
    const config = loadConfig({ ...serverEnv(t.config.databaseUrl!), REDIS_URL, COALITION_REDIS_PREFIX: name });
    const app = await startApp(config, createLogger('silent'));
    const connected = async () => ((await redis.client('LIST')) as string).includes(`name=${name}:rate-limits`);
    expect(await connected()).toBe(true);
    await app.stop();
    expect(await connected()).toBe(false);
  });
});
