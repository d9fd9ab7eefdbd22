import { enrolMember, newKey, onboardPartner, TestPartner } from '../../test/support/coalition-fixtures';
import { startTestApp, TestApp } from '../../test/support/test-app';
import {
  AtRiskFollowUpsDocument,
  RecordPurchaseDocument,
  RecordReturnDocument,
  RefreshSegmentsDocument,
  RetentionReportDocument,
} from '../../test/generated/graphql';

let t: TestApp;
let grocer: TestPartner; // EUR
let diner: TestPartner; // USD
const asOf = '2025-06-15T12:00:00.000Z';
const card: Record<string, string> = {};

/** A purchase recorded through the API, then moved to the day it happened (12:00 UTC). */
async function bought(p: TestPartner, member: string, day: string, amount: string, currency = 'EUR', reference = newKey()) {
  await p.client.ok(RecordPurchaseDocument, {
    input: { cardNumber: card[member], amount: { amount, currency }, reference, idempotencyKey: newKey() },
  });
  await t.dataSource.query(`UPDATE purchases SET created_at = $1 WHERE reference = $2`, [`${day}T12:00:00Z`, reference]);
}

async function enrolled(member: string, day: string) {
  card[member] = await enrolMember(t);
  await t.dataSource.query(`UPDATE members SET created_at = $1 WHERE card_number = $2`, [`${day}T12:00:00Z`, card[member]]);
}

const eur = (amount: string) => ({ amount, currency: 'EUR' });
const usd = (amount: string) => ({ amount, currency: 'USD' });

beforeAll(async () => {
  t = await startTestApp();
  grocer = await onboardPartner(t);
  diner = await onboardPartner(t, { currency: 'USD' });
  await enrolled('m1', '2025-04-10');
  await enrolled('m2', '2025-04-20');
  await enrolled('m3', '2025-05-05');
  await enrolled('m4', '2025-06-01');
  await enrolled('m5', '2025-01-15');
  await enrolled('m6', '2025-03-10'); // never buys
  await bought(grocer, 'm1', '2025-04-12', '10.00');
  await bought(grocer, 'm1', '2025-05-20', '20.00');
  await bought(grocer, 'm1', '2025-06-10', '30.00', 'EUR', 'M1-JUNE');
  await grocer.client.ok(RecordReturnDocument, { input: { reference: 'M1-JUNE', amount: eur('10.00'), idempotencyKey: newKey() } });
  await bought(grocer, 'm2', '2025-04-25', '5.00');
  await bought(diner, 'm2', '2025-06-01', '40.00', 'USD');
  for (const day of ['2025-05-06', '2025-05-07', '2025-05-08']) await bought(diner, 'm3', day, '10.00', 'USD');
  await bought(grocer, 'm4', '2025-06-05', '8.00');
  await bought(grocer, 'm4', '2025-06-14', '2.00');
  for (const day of ['2025-01-20', '2025-02-01', '2025-02-10', '2025-03-01']) await bought(grocer, 'm5', day, '10.00');
});
afterAll(() => t.stop());

const segments = (list: { segment: string; members: number; spend: unknown[] }[]) =>
  Object.fromEntries(list.filter((s) => s.members > 0).map((s) => [s.segment, [s.members, s.spend]]));

describe('retentionReport', () => {
  // R, F, M by hand (quintile = ceil(5 × members with a value ≤ its value ÷ members)): five members bought by asOf.
  // Recency m5 < m3 < m2 < m1 < m4 → R 1, 2, 3, 4, 5. Purchases m2 2, m4 2, m1 3, m3 3, m5 4 → F 2, 2, 4, 4, 5.
  // EUR net spend m2 5, m4 10, m5 40, m1 50 → M 2, 3, 4, 5; USD m3 30, m2 40 → M 3, 5; m2 keeps its best, 5.
  // m4's first purchase is within 30 days: NEW. m1 R4 F4 M5: CHAMPIONS. m2 R3 F2: PROMISING. m3 R2 F4 and m5 R1 F5: AT_RISK.
  it('for the operator: the whole coalition, money per currency', async () => {
    const { retentionReport: r } = await t.operator.ok(RetentionReportDocument, { asOf, cohortMonths: 6 });
    expect(r.windows).toEqual([
      // Since 16 May: m1 (2), m2 (1), m4 (2).
      { days: 30, activeMembers: 3, repeatPurchasers: 2, repeatPurchaseRate: '0.6667' },
      // Since 17 March: m1 (3), m2 (2), m3 (3), m4 (2); m5 last bought on 1 March.
      { days: 90, activeMembers: 4, repeatPurchasers: 4, repeatPurchaseRate: '1.0000' },
    ]);
    expect(r.cohorts).toEqual([
      { month: '2025-01', size: 1, active: [1, 1, 1, 0, 0, 0], retention: ['1.0000', '1.0000', '1.0000', '0.0000', '0.0000', '0.0000'] },
      { month: '2025-03', size: 1, active: [0, 0, 0, 0], retention: ['0.0000', '0.0000', '0.0000', '0.0000'] },
      { month: '2025-04', size: 2, active: [2, 1, 2], retention: ['1.0000', '0.5000', '1.0000'] },
      { month: '2025-05', size: 1, active: [1, 0], retention: ['1.0000', '0.0000'] },
      { month: '2025-06', size: 1, active: [1], retention: ['1.0000'] },
    ]);
    expect(segments(r.segments)).toEqual({
      NEW: [1, [eur('10.00')]],
      CHAMPIONS: [1, [eur('50.00')]],
      PROMISING: [1, [eur('5.00'), usd('40.00')]],
      AT_RISK: [2, [eur('40.00'), usd('30.00')]],
    });
    expect(r.segments.map((s) => s.segment)).toEqual(['NEW', 'CHAMPIONS', 'LOYAL', 'PROMISING', 'AT_RISK', 'HIBERNATING']);
    // Last purchase between 135 and 45 days before asOf: m5 (1 March).
    expect([r.atRiskDays, r.atRiskMembers]).toEqual([45, 1]);
  });

  // At the grocer: m1, m2 (5.00 on 25 April only), m4, m5. R m5 2, m2 3, m1 4, m4 5; F m2 2, m4 3, m1 4, m5 5.
  const grocerReport = {
    windows: [
      { days: 30, activeMembers: 2, repeatPurchasers: 2, repeatPurchaseRate: '1.0000' },
      { days: 90, activeMembers: 3, repeatPurchasers: 2, repeatPurchaseRate: '0.6667' },
    ],
    cohorts: [
      { month: '2025-01', size: 1, active: [1, 1, 1, 0, 0, 0], retention: ['1.0000', '1.0000', '1.0000', '0.0000', '0.0000', '0.0000'] },
      { month: '2025-04', size: 2, active: [2, 1, 1], retention: ['1.0000', '0.5000', '0.5000'] },
      { month: '2025-06', size: 1, active: [1], retention: ['1.0000'] },
    ],
    atRiskMembers: 2,
  };

  it('for a partner: only its members and their purchases there, the same for the operator asking for it', async () => {
    for (const [client, partnerId] of [
      [grocer.client, null],
      [grocer.client, grocer.id],
      [t.operator, grocer.id],
    ] as const) {
      const { retentionReport: r } = await client.ok(RetentionReportDocument, { asOf, cohortMonths: 6, partnerId });
      expect(r).toMatchObject(grocerReport);
      expect(segments(r.segments)).toEqual({
        NEW: [1, [eur('10.00')]],
        CHAMPIONS: [1, [eur('50.00')]],
        PROMISING: [1, [eur('5.00')]],
        AT_RISK: [1, [eur('40.00')]],
      });
    }
  });

  it('never shows a partner another partner’s members', async () => {
    const { retentionReport: r } = await diner.client.ok(RetentionReportDocument, { asOf, cohortMonths: 6 });
    expect(r.cohorts.map((c) => [c.month, c.size])).toEqual([
      ['2025-04', 1],
      ['2025-05', 1],
    ]);
    // At the diner m2 bought first on 1 June (NEW); m3: R3 F5 M3, LOYAL.
    expect(segments(r.segments)).toEqual({ NEW: [1, [usd('40.00')]], LOYAL: [1, [usd('30.00')]] });
    const refused = await diner.client.request(RetentionReportDocument, { asOf, partnerId: grocer.id });
    expect(refused.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});

describe('atRiskFollowUps', () => {
  const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
  async function consented(member: string, firstName: string | null) {
    await t.dataSource.query(
      `UPDATE members SET marketing_consent = $2, marketing_consent_at = now(), marketing_consent_source = 'test', first_name = $3,
              email = lower($3) || '@example.com' WHERE card_number = $1`,
      [card[member], firstName !== null, firstName ?? 'Nobody'],
    );
  }

  it('lists at-risk members who consented; a partner gets card number and first name, only of its own members', async () => {
    for (const m of ['f1', 'f2', 'f3', 'f4']) await enrolled(m, daysAgo(200));
    await bought(grocer, 'f1', daysAgo(60), '10.00');
    await bought(grocer, 'f2', daysAgo(60), '10.00');
    await bought(grocer, 'f3', daysAgo(10), '10.00');
    await bought(diner, 'f4', daysAgo(70), '10.00', 'USD');
    await consented('f1', 'Ada');
    await consented('f2', null);
    await consented('f3', 'Cy');
    await consented('f4', 'Dee');

    const all = await t.operator.ok(AtRiskFollowUpsDocument, { first: 1 });
    expect(all.atRiskFollowUps.edges.map((e) => [e.node.cardNumber, e.node.firstName, e.node.email])).toEqual([
      [card.f1, 'Ada', 'ada@example.com'],
    ]);
    expect(all.atRiskFollowUps.pageInfo.hasNextPage).toBe(true);
    const next = await t.operator.ok(AtRiskFollowUpsDocument, { first: 10, after: all.atRiskFollowUps.pageInfo.endCursor });
    expect(next.atRiskFollowUps.edges.map((e) => [e.node.cardNumber, e.node.email])).toEqual([[card.f4, 'dee@example.com']]);
    expect(next.atRiskFollowUps.pageInfo.hasNextPage).toBe(false);

    const mine = await grocer.client.ok(AtRiskFollowUpsDocument, {});
    expect(mine.atRiskFollowUps.edges.map((e) => e.node)).toEqual([
      { cardNumber: card.f1, firstName: 'Ada', email: null, lastPurchaseAt: `${daysAgo(60)}T12:00:00.000Z` },
    ]);
    expect((await grocer.client.request(AtRiskFollowUpsDocument, { partnerId: diner.id })).errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});

describe('refreshSegments', () => {
  it('stores each member’s coalition-wide segment as the report computes it, and drops members no longer scored', async () => {
    const [m6] = await t.dataSource.query(`SELECT id FROM members WHERE card_number = $1`, [card.m6]);
    await t.dataSource.query(`INSERT INTO member_segments (member_id, segment) VALUES ($1, 'LOYAL')`, [m6.id]);
    const { refreshSegments } = await t.operator.ok(RefreshSegmentsDocument);
    const { retentionReport } = await t.operator.ok(RetentionReportDocument, {});
    expect(refreshSegments).toEqual({ members: 9, userErrors: [] }); // m1–m5 and f1–f4
    const stored = await t.dataSource.query(`SELECT segment, count(*)::int AS n FROM member_segments GROUP BY segment`);
    expect(Object.fromEntries(stored.map((s: { segment: string; n: number }) => [s.segment, s.n]))).toEqual(
      Object.fromEntries(retentionReport.segments.filter((s) => s.members > 0).map((s) => [s.segment, s.members])),
    );
    expect(await t.dataSource.query(`SELECT 1 FROM member_segments WHERE member_id = $1`, [m6.id])).toEqual([]);
  });
});
