import { auditLedger } from '../ledger/ledger-audit';
import { createServices } from '../graphql/context';
import { scheduledJobs } from '../jobs/scheduler';
import { enrolMember, newKey, onboardPartner } from '../../test/support/coalition-fixtures';
import { startTestApp, TestApp } from '../../test/support/test-app';
import {
  CreateRewardDocument,
  ExpirePointsDocument,
  MemberExpiringPointsDocument,
  MemberStatusDocument,
  MyExpiringPointsDocument,
  RecordPurchaseDocument,
  RedeemRewardDocument,
  UpdateCoalitionSettingsDocument,
} from '../../test/generated/graphql';

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

describe('Member.expiringPoints', () => {
  it('sums unspent points per expiry instant within the window, soonest first, as spending draws them; a partner sees what it funded', async () => {
    const grocer = await onboardPartner(t);
    const baker = await onboardPartner(t);
    const card = await enrolMember(t);
    const buy = (partner: typeof grocer, amount: string) =>
      partner.client.ok(RecordPurchaseDocument, {
        input: { cardNumber: card, amount: { amount, currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
      });
    const expiringIn = (months: number) => t.operator.ok(UpdateCoalitionSettingsDocument, { input: { expiryMonths: months } });
    try {
      await expiringIn(1);
      await buy(grocer, '30');
      await buy(baker, '20');
      await expiringIn(2);
      await buy(grocer, '40');
    } finally {
      await expiringIn(36);
    }
    await buy(grocer, '100');
    const expiries: string[] = (
      await t.dataSource.query(
        `SELECT DISTINCT l.expires_at FROM point_lots l JOIN members m ON m.id = l.member_id WHERE m.card_number = $1 ORDER BY 1`,
        [card],
      )
    ).map((r: { expires_at: Date }) => r.expires_at.toISOString());
    expect(expiries).toHaveLength(3);
    const [soon, later, far] = expiries;

    const member = t.anonymous.as(await t.memberToken(card));
    const mine = async (days?: number) => (await member.ok(MyExpiringPointsDocument, { days })).me!.expiringPoints;
    // A month on is at most 32 days away, two months at most 63.
    expect(await mine(70)).toEqual([
      { expiresAt: soon, points: 50 },
      { expiresAt: later, points: 40 },
    ]);
    expect(await mine(0)).toEqual([]);
    expect(await mine(3660)).toEqual([
      { expiresAt: soon, points: 50 },
      { expiresAt: later, points: 40 },
      { expiresAt: far, points: 100 },
    ]);
    const withinThirty = (await mine(70)).filter((e) => new Date(e.expiresAt).getTime() <= Date.now() + 30 * 86_400_000);
    expect(await mine()).toEqual(withinThirty);

    // Spending takes the soonest first, the older lot of a tie first: the grocer's 30, then 5 of the baker's 20.
    const { createReward } = await t.operator.ok(CreateRewardDocument, {
      input: { name: 'Loaf', kind: 'VOUCHER', pointsCost: 35, fulfilledBy: baker.id },
    });
    const { redeemReward } = await member.ok(RedeemRewardDocument, {
      input: { rewardId: createReward.reward!.id, idempotencyKey: newKey() },
    });
    expect(redeemReward.userErrors).toEqual([]);
    expect(await mine(70)).toEqual([
      { expiresAt: soon, points: 15 },
      { expiresAt: later, points: 40 },
    ]);
    const asOperator = (await t.operator.ok(MemberExpiringPointsDocument, { cardNumber: card, days: 70 })).member!;
    expect(asOperator).toEqual({ balance: 155, expiringPoints: await mine(70) });
    const seenBy = async (partner: typeof grocer) =>
      (await partner.client.ok(MemberExpiringPointsDocument, { cardNumber: card, days: 70 })).member!.expiringPoints;
    expect(await seenBy(grocer)).toEqual([{ expiresAt: later, points: 40 }]);
    expect(await seenBy(baker)).toEqual([{ expiresAt: soon, points: 15 }]);
  });

  it('refuses a window below 0 or beyond ten years', async () => {
    const member = t.anonymous.as(await t.memberToken(await enrolMember(t)));
    for (const days of [-1, 3661]) {
      const result = await member.request(MyExpiringPointsDocument, { days });
      expect(result.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    }
  });
});
