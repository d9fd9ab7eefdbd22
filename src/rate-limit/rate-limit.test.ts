import { enrolMember, newKey, onboardPartner } from '../../test/support/coalition-fixtures';
import { GraphQLClient, startTestApp, TestApp } from '../../test/support/test-app';
import { startApp } from '../app';
import { createLogger } from '../server/logger';
import { MemberHistoryDocument, RecordPurchaseDocument } from '../../test/generated/graphql';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ COALITION_RATE_LIMIT: '3' });
});
afterAll(() => t.stop());

describe('rate limits', () => {
  it('refuse value-moving mutations past the limit per caller with 429 RATE_LIMITED, applying nothing', async () => {
    const grocer = await onboardPartner(t);
    const other = await onboardPartner(t);
    const card = await enrolMember(t);
    const buy = (client = grocer.client) =>
      client.request(RecordPurchaseDocument, {
        input: { cardNumber: card, amount: { amount: '1', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
      });
    const results = await Promise.all(Array.from({ length: 6 }, () => buy()));
    const limited = results.filter((r) => r.errors?.[0]?.extensions?.code === 'RATE_LIMITED');
    expect(limited.length).toBe(3);
    expect(limited.every((r) => r.status === 429)).toBe(true);
    // Another caller has its own budget; reads are not limited.
    expect((await buy(other.client)).errors).toBeUndefined();
    const { member } = await t.operator.ok(MemberHistoryDocument, { cardNumber: card, first: 20 });
    expect(member!.balance).toBe(4);
  });
});

describe('rate limits across server processes', () => {
  it('share one budget per caller between servers on the same database', async () => {
    const second = await startApp(t.config, createLogger('silent'));
    try {
      const grocer = await onboardPartner(t);
      const card = await enrolMember(t);
      const buy = (url: string) =>
        new GraphQLClient(url, grocer.key).request(RecordPurchaseDocument, {
          input: { cardNumber: card, amount: { amount: '1', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
        });
      const codes = [];
      for (const url of [t.app.url, second.url, t.app.url, second.url]) codes.push((await buy(url)).errors?.[0]?.extensions?.code ?? 'OK');
      expect(codes).toEqual(['OK', 'OK', 'OK', 'RATE_LIMITED']);
    } finally {
      await second.stop();
    }
  });
});

describe('rate-limit connections', () => {
  it('survive the server closing them: the process carries on and the next check works', async () => {
    const grocer = await onboardPartner(t);
    const card = await enrolMember(t);
    const buy = () =>
      grocer.client.request(RecordPurchaseDocument, {
        input: { cardNumber: card, amount: { amount: '1', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
      });
    expect((await buy()).errors).toBeUndefined();
    const [{ killed }] = await t.dataSource.query(
      `SELECT count(pg_terminate_backend(pid))::int AS killed FROM pg_stat_activity
        WHERE datname = current_database() AND application_name = 'coalition-rate-limits'`,
    );
    expect(killed).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 200));
    expect((await buy()).errors).toBeUndefined();
  });
});

describe('rate limits count every value-moving field of an operation', () => {
  it('refuses a document whose aliases and fragments carry more value-moving fields than the budget left, applying none', async () => {
    const grocer = await onboardPartner(t);
    const card = await enrolMember(t);
    const field = (alias: string) =>
      `${alias}: recordPurchase(input: { cardNumber: "${card}", amount: { amount: "1", currency: "EUR" }, reference: "${alias}-${newKey()}", idempotencyKey: "${newKey()}" }) { pointsEarned }`;
    const res = await grocer.client.post({
      query: `mutation { ${field('a')} ...more } fragment more on Mutation { ${field('b')} ... on Mutation { ${field('c')} ${field('d')} } }`,
    });
    expect(res.status).toBe(429);
    expect(res.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    const { member } = await t.operator.ok(MemberHistoryDocument, { cardNumber: card, first: 20 });
    expect(member!.balance).toBe(0);
  });
});
