import { auditLedger } from '../ledger/ledger-audit';
import { createServices } from '../graphql/context';
import { scheduledJobs } from '../jobs/scheduler';
import { enrolMember, newKey, onboardPartner } from '../../test/support/coalition-fixtures';
import { startTestApp, TestApp } from '../../test/support/test-app';
import { ExpirePointsDocument, MemberStatusDocument, RecordPurchaseDocument } from '../../test/generated/graphql';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());
afterEach(async () => expect(await auditLedger(t.dataSource)).toEqual([]));

describe('expirePoints', () => {
  it('expires lots at the end of their day 36 months on, as breakage of the funding partner, once', async () => {
    const grocer = await onboardPartner(t);
    const card = await enrolMember(t);
    await grocer.client.ok(RecordPurchaseDocument, {
      input: { cardNumber: card, amount: { amount: '42', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
    });
    const [lot] = await t.dataSource.query(
      `SELECT l.expires_at, l.created_at FROM point_lots l JOIN members m ON m.id = l.member_id WHERE m.card_number = $1`,
      [card],
    );
    const earned = new Date(lot.created_at);
    const expected = new Date(Date.UTC(earned.getUTCFullYear() + 3, earned.getUTCMonth(), earned.getUTCDate() + 1));
    expect(new Date(lot.expires_at).toISOString()).toBe(expected.toISOString());

    const before = await t.operator.ok(ExpirePointsDocument, { input: { asOf: new Date(expected.getTime() - 1000).toISOString() } });
    expect(before.expirePoints.expiredPoints).toBe(0);
    const at = await t.operator.ok(ExpirePointsDocument, { input: { asOf: expected.toISOString() } });
    expect(at.expirePoints.expiredPoints).toBe(42);
    expect((await t.operator.ok(ExpirePointsDocument, { input: { asOf: expected.toISOString() } })).expirePoints.expiredPoints).toBe(0);

    const member = (await t.operator.ok(MemberStatusDocument, { cardNumber: card })).member!;
    expect(member.balance).toBe(0);
    expect(member.transactions.edges[0].node).toMatchObject({ kind: 'EXPIRE', points: -42 });
    const [breakage] = await t.dataSource.query(
      `SELECT a.owner_id, sum(p.amount) AS points FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
        WHERE a.role = 'BREAKAGE' GROUP BY a.owner_id`,
    );
    expect(breakage).toEqual({ owner_id: grocer.localId, points: '42' });
  });

  it('is for the operator only', async () => {
    const grocer = await onboardPartner(t);
    const result = await grocer.client.request(ExpirePointsDocument, { input: { asOf: new Date().toISOString() } });
    expect(result.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});

describe('scheduled jobs', () => {
  it('are registered with pg-boss in the coalition time zone when the server runs them', async () => {
    const withJobs = await startTestApp({ COALITION_JOBS: 'on' });
    try {
      const schedules = await withJobs.dataSource.query('SELECT name, cron, options FROM pgboss.schedule ORDER BY name');
      expect(schedules.map((s: { name: string; cron: string }) => [s.name, s.cron])).toEqual(
        scheduledJobs('monthly')
          .map((j) => [j.name, j.cron])
          .sort(([a], [b]) => (a < b ? -1 : 1)),
      );
      expect(schedules.every((s: { options: { tz: string } }) => s.options.tz === 'UTC')).toBe(true);
    } finally {
      await withJobs.stop();
    }
  });

  it('are idempotent: running each twice changes nothing the second time', async () => {
    const services = createServices(t.dataSource);
    const now = new Date(Date.now() + 5 * 366 * 86_400_000);
    for (const job of scheduledJobs('daily')) await job.run(services, now);
    const [{ n: before }] = await t.dataSource.query('SELECT count(*) AS n FROM ledger_entries');
    for (const job of scheduledJobs('daily')) await job.run(services, now);
    const [{ n: after }] = await t.dataSource.query('SELECT count(*) AS n FROM ledger_entries');
    expect(after).toBe(before);
  });
});
