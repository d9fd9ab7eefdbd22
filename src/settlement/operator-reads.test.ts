import { enrolMember, newKey, onboardPartner, TestPartner } from '../../test/support/coalition-fixtures';
import { startTestApp, TestApp } from '../../test/support/test-app';
import {
  CloseSettlementPeriodDocument,
  CreateRewardDocument,
  DisputeSettlementLineDocument,
  ExpirePointsDocument,
  PointsFlowDocument,
  RecordPurchaseDocument,
  RecordReturnDocument,
  RedeemRewardDocument,
  ResolveSettlementDisputeDocument,
  SettlementDisputesDocument,
  UpdateCoalitionSettingsDocument,
} from '../../test/generated/graphql';

/** The operator console's reads: points earned and burned over time, and the disputes inbox. */
let t: TestApp;
let grocer: TestPartner;
let cinema: TestPartner;
beforeAll(async () => {
  t = await startTestApp();
  grocer = await onboardPartner(t, { category: 'grocery' });
  cinema = await onboardPartner(t, { category: 'cinema' });
});
afterAll(() => t.stop());

const buy = (card: string, amount: string, reference = newKey()) =>
  grocer.client.ok(RecordPurchaseDocument, {
    input: { cardNumber: card, amount: { amount, currency: 'EUR' }, reference, idempotencyKey: newKey() },
  });

/** The same totals, straight from the ledger by operation, for the whole history. */
async function ledgerTotals() {
  const [row] = await t.dataSource.query(`
    SELECT coalesce(sum(member_points) FILTER (WHERE operation = 'CREDIT'), 0)::int AS earned,
           coalesce(-sum(member_points) FILTER (WHERE operation = 'REVERSAL' AND member_points < 0), 0)::int AS returned,
           coalesce(-sum(member_points) FILTER (WHERE operation = 'DEBIT'), 0)::int AS redeemed,
           coalesce(-sum(member_points) FILTER (WHERE operation = 'EXPIRY'), 0)::int AS expired
      FROM ledger_entries`);
  return row;
}

describe('pointsFlow', () => {
  it('sums earned, returned, redeemed and expired points per day, with empty days filled in', async () => {
    const card = await enrolMember(t);
    await buy(card, '100', 'R1');
    await buy(card, '50');
    await grocer.client.ok(RecordReturnDocument, {
      input: { reference: 'R1', amount: { amount: '30', currency: 'EUR' }, idempotencyKey: newKey() },
    });
    const { createReward } = await t.operator.ok(CreateRewardDocument, {
      input: { name: 'Popcorn', kind: 'VOUCHER', pointsCost: 40, fulfilledBy: cinema.id },
    });
    await cinema.client.ok(RedeemRewardDocument, {
      input: { rewardId: createReward.reward!.id, cardNumber: card, idempotencyKey: newKey() },
    });
    // What is left (150 − 30 − 40 = 80) expires when the clock is moved past the expiry.
    const farFuture = new Date(Date.now() + 40 * 31 * 86_400_000).toISOString();
    expect((await t.operator.ok(ExpirePointsDocument, { input: { asOf: farFuture } })).expirePoints.expiredPoints).toBe(80);

    const { pointsFlow } = await t.operator.ok(PointsFlowDocument, {});
    expect(pointsFlow).toHaveLength(30);
    const today = pointsFlow[pointsFlow.length - 1];
    expect(today).toMatchObject({ earned: 150, returned: 30, redeemed: 40, transferred: 0, expired: 80 });
    expect(pointsFlow.slice(0, -1).every((b) => b.earned === 0 && b.redeemed === 0)).toBe(true);
    // Consecutive UTC days (the coalition's default time zone), oldest first.
    const starts = pointsFlow.map((b) => Date.parse(b.start));
    expect(starts.slice(1).map((s, i) => s - starts[i])).toEqual(Array(29).fill(86_400_000));
    expect(new Date(starts[29]).toISOString().slice(11)).toBe('00:00:00.000Z');
    // Every entry is counted once: the buckets add up to the ledger's own totals.
    const sum = (k: 'earned' | 'returned' | 'redeemed' | 'expired') => pointsFlow.reduce((s, b) => s + b[k], 0);
    expect({ earned: sum('earned'), returned: sum('returned'), redeemed: sum('redeemed'), expired: sum('expired') }).toEqual(
      await ledgerTotals(),
    );
  });

  it('buckets by month in the coalition time zone over an explicit range, cut at from and to', async () => {
    await t.operator.ok(UpdateCoalitionSettingsDocument, { input: { timeZone: 'Pacific/Kiritimati' } });
    try {
      const now = new Date();
      const { pointsFlow } = await t.operator.ok(PointsFlowDocument, {
        interval: 'MONTH',
        from: new Date(now.getTime() - 100 * 86_400_000).toISOString(),
        to: new Date(now.getTime() + 1000).toISOString(),
      });
      expect(pointsFlow.length).toBeGreaterThanOrEqual(4);
      expect(pointsFlow.length).toBeLessThanOrEqual(5);
      // Months start at local midnight on the 1st, UTC+14: 10:00 UTC the day before.
      for (const b of pointsFlow) expect(b.start).toMatch(/T10:00:00(\.000)?Z$/);
      expect(pointsFlow[pointsFlow.length - 1].earned).toBe((await ledgerTotals()).earned);
      // An entry after `to` is left out.
      const before = await t.operator.ok(PointsFlowDocument, {
        interval: 'MONTH',
        to: new Date(now.getTime() - 86_400_000 * 400).toISOString(),
        from: new Date(now.getTime() - 86_400_000 * 430).toISOString(),
      });
      expect(before.pointsFlow.every((b) => b.earned === 0)).toBe(true);
    } finally {
      await t.operator.ok(UpdateCoalitionSettingsDocument, { input: { timeZone: 'UTC' } });
    }
  });

  it('refuses an empty or too long range', async () => {
    const now = Date.now();
    const backwards = await t.operator.request(PointsFlowDocument, {
      from: new Date(now).toISOString(),
      to: new Date(now - 1000).toISOString(),
    });
    expect(backwards.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    const tooLong = await t.operator.request(PointsFlowDocument, { interval: 'DAY', from: new Date(now - 400 * 86_400_000).toISOString() });
    expect(tooLong.errors?.[0].message).toContain('At most 366 days');
  });
});

describe('settlementDisputes', () => {
  it('lists open and resolved disputes newest first; a partner sees only its own', async () => {
    const card = await enrolMember(t);
    await buy(card, '10');
    const { closeSettlementPeriod } = await t.operator.ok(CloseSettlementPeriodDocument, {
      input: { periodEnd: new Date().toISOString() },
    });
    const periodId = closeSettlementPeriod.period!.id;
    const { disputeSettlementLine } = await grocer.client.ok(DisputeSettlementLineDocument, {
      input: { periodId, kind: 'ISSUANCE', currency: 'EUR', reason: 'Ten points, not eleven' },
    });
    const disputeId = disputeSettlementLine.dispute!.id;

    const open = (await t.operator.ok(SettlementDisputesDocument, { open: true })).settlementDisputes.edges.map((e) => e.node);
    expect(open).toEqual([
      expect.objectContaining({ id: disputeId, periodId, kind: 'ISSUANCE', reason: 'Ten points, not eleven', partner: { id: grocer.id } }),
    ]);
    expect((await cinema.client.ok(SettlementDisputesDocument, {})).settlementDisputes.edges).toEqual([]);
    expect((await grocer.client.ok(SettlementDisputesDocument, {})).settlementDisputes.edges.map((e) => e.node.id)).toEqual([disputeId]);

    await t.operator.ok(ResolveSettlementDisputeDocument, {
      input: { disputeId, resolution: 'The line stands', idempotencyKey: newKey() },
    });
    expect((await t.operator.ok(SettlementDisputesDocument, { open: true })).settlementDisputes.edges).toEqual([]);
    const resolved = (await t.operator.ok(SettlementDisputesDocument, { open: false })).settlementDisputes.edges.map((e) => e.node);
    expect(resolved).toEqual([expect.objectContaining({ id: disputeId, resolution: 'The line stands', resolvedAt: expect.any(String) })]);
  });
});
