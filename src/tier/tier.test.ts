import { auditLedger } from '../ledger/ledger-audit';
import { enrolMember, newKey, onboardPartner, TestPartner } from '../../test/support/coalition-fixtures';
import { startTestApp, TestApp } from '../../test/support/test-app';
import {
  CreateTierDocument,
  MemberStatusDocument,
  RecordPurchaseDocument,
  RecordReturnDocument,
  ReviewTiersDocument,
} from '../../test/generated/graphql';

let t: TestApp;
let grocer: TestPartner;
beforeAll(async () => {
  t = await startTestApp();
  grocer = await onboardPartner(t);
  await t.operator.ok(CreateTierDocument, { input: { name: 'Silver', minQualifyingPoints: 100, earnMultiplier: '1.5' } });
  await t.operator.ok(CreateTierDocument, { input: { name: 'Gold', minQualifyingPoints: 500, earnMultiplier: '2' } });
});
afterAll(() => t.stop());
afterEach(async () => expect(await auditLedger(t.dataSource)).toEqual([]));

const status = async (card: string) => (await t.operator.ok(MemberStatusDocument, { cardNumber: card })).member!;
const buy = async (card: string, amount: string, reference = newKey()) =>
  (
    await grocer.client.ok(RecordPurchaseDocument, {
      input: { cardNumber: card, amount: { amount, currency: 'EUR' }, reference, idempotencyKey: newKey() },
    })
  ).recordPurchase;

describe('tiers', () => {
  it('upgrade at once when qualifying points reach a level, and multiply later earnings', async () => {
    const card = await enrolMember(t);
    expect((await status(card)).tier).toMatchObject({ tier: null, qualifyingPoints: 0, nextTier: { name: 'Silver' } });
    await buy(card, '120');
    expect((await status(card)).tier).toMatchObject({
      tier: { name: 'Silver', earnMultiplier: '1.5' },
      qualifyingPoints: 120,
      nextTier: { name: 'Gold' },
    });
    expect((await buy(card, '10')).pointsEarned).toBe(15);
  });

  it('downgrade only at the period-end review, when returns took the member below its level', async () => {
    const card = await enrolMember(t);
    await buy(card, '150', 'TIER-RET');
    await grocer.client.ok(RecordReturnDocument, {
      input: { reference: 'TIER-RET', amount: { amount: '100', currency: 'EUR' }, idempotencyKey: newKey() },
    });
    expect((await status(card)).tier).toMatchObject({ tier: { name: 'Silver' }, qualifyingPoints: 50 });
    const review = await t.operator.ok(ReviewTiersDocument, { input: { asOf: new Date().toISOString() } });
    expect(review.reviewTiers.changed).toBeGreaterThanOrEqual(1);
    expect((await status(card)).tier.tier).toBeNull();
  });

  it('refuse duplicate levels and bad multipliers', async () => {
    const dup = await t.operator.ok(CreateTierDocument, { input: { name: 'Copper', minQualifyingPoints: 100 } });
    expect(dup.createTier.userErrors[0].code).toBe('DUPLICATE_TIER');
    const bad = await t.operator.ok(CreateTierDocument, { input: { name: 'Lead', minQualifyingPoints: 5, earnMultiplier: '0.5' } });
    expect(bad.createTier.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'earnMultiplier'] });
  });
});
