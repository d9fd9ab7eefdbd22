import { enrolMember, newKey, onboardPartner, TestPartner } from '../../test/support/coalition-fixtures';
import { startTestApp, TestApp } from '../../test/support/test-app';
import { CreateRewardDocument, GrantGoodwillDocument, PointsLiabilityDocument, RecordPurchaseDocument } from '../../test/generated/graphql';
import { auditLedger } from './ledger-audit';

let t: TestApp;
let shop: TestPartner;
beforeAll(async () => {
  t = await startTestApp();
  shop = await onboardPartner(t, { category: 'limits', pointsPerUnit: '10' });
});
afterAll(() => t.stop());
afterEach(async () => expect(await auditLedger(t.dataSource)).toEqual([]));

const grant = (card: string, points: number) =>
  t.operator.request(GrantGoodwillDocument, { input: { cardNumber: card, points, reason: 'service recovery', idempotencyKey: newKey() } });
const balanceOf = async (card: string) =>
  Number((await t.dataSource.query('SELECT points_balance FROM members WHERE card_number = $1', [card]))[0].points_balance);
const ledgerSize = async () => (await t.dataSource.query('SELECT count(*)::int AS n FROM ledger_entries'))[0].n;

describe('points limits', () => {
  it('refuses a points input above 10,000,000 with POINTS_LIMIT_EXCEEDED', async () => {
    const card = await enrolMember(t);
    const over = await grant(card, 10_000_001);
    expect(over.errors).toBeUndefined();
    expect(over.data!.grantGoodwill.userErrors).toMatchObject([{ code: 'POINTS_LIMIT_EXCEEDED', field: ['input', 'points'] }]);
    const reward = await t.operator.ok(CreateRewardDocument, {
      input: { name: 'Yacht', kind: 'VOUCHER', pointsCost: 10_000_001, fulfilledBy: shop.id },
    });
    expect(reward.createReward.userErrors).toMatchObject([{ code: 'POINTS_LIMIT_EXCEEDED', field: ['input', 'pointsCost'] }]);
    expect((await grant(card, 10_000_000)).data!.grantGoodwill.userErrors).toEqual([]);
    expect(await balanceOf(card)).toBe(10_000_000);
  });

  it('keeps a balance at most 100,000,000 in the database: what would cross it is refused and changes nothing', async () => {
    const card = await enrolMember(t);
    for (let i = 0; i < 10; i++) expect((await grant(card, 10_000_000)).data!.grantGoodwill.userErrors).toEqual([]);
    expect(await balanceOf(card)).toBe(100_000_000);
    const before = await ledgerSize();

    const oneMore = await grant(card, 1);
    expect(oneMore.errors).toBeUndefined();
    expect(oneMore.data!.grantGoodwill.userErrors).toMatchObject([{ code: 'POINTS_LIMIT_EXCEEDED' }]);
    const purchase = await shop.client.request(RecordPurchaseDocument, {
      input: { cardNumber: card, amount: { amount: '1.00', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
    });
    expect(purchase.errors).toBeUndefined();
    expect(purchase.data!.recordPurchase.userErrors).toMatchObject([{ code: 'POINTS_LIMIT_EXCEEDED' }]);
    expect(await balanceOf(card)).toBe(100_000_000);
    expect(await ledgerSize()).toBe(before);
    expect(
      await t.dataSource.query(`SELECT 1 FROM purchases WHERE member_id = (SELECT id FROM members WHERE card_number = $1)`, [card]),
    ).toEqual([]);

    // The liability report still reads (and sums) it.
    const { pointsLiability } = await t.operator.ok(PointsLiabilityDocument);
    expect(pointsLiability.outstandingPoints).toBeGreaterThanOrEqual(100_000_000);
  });
});
