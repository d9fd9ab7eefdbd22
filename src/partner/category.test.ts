import { auditLedger } from '../ledger/ledger-audit';
import { enrolMember, newKey, onboardPartner } from '../../test/support/coalition-fixtures';
import { startTestApp, TestApp } from '../../test/support/test-app';
import {
  AddCompetitorsDocument,
  AmendPartnerContractDocument,
  CreatePartnerDocument,
  CreateRewardDocument,
  RecordPurchaseDocument,
  RedeemRewardDocument,
  RewardsDocument,
  SetCategoryExclusiveDocument,
  SetPartnerCategoryDocument,
} from '../../test/generated/graphql';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());
afterEach(async () => expect(await auditLedger(t.dataSource)).toEqual([]));

const partnerInput = (name: string, category: string) => ({
  name,
  category,
  currency: 'EUR',
  pointsPerUnit: '1',
  issuancePricePerPoint: '0.01',
  redemptionValuePerPoint: '0.008',
});

describe('exclusive categories', () => {
  it('admit one active partner: a second is refused with CATEGORY_EXCLUSIVE, and a crowded category cannot become exclusive', async () => {
    await onboardPartner(t, { category: 'fuel-exclusive' });
    expect(
      (await t.operator.ok(SetCategoryExclusiveDocument, { input: { category: 'fuel-exclusive', exclusive: true } })).setCategoryExclusive
        .userErrors,
    ).toEqual([]);
    const second = await t.operator.ok(CreatePartnerDocument, { input: partnerInput('Second Fuel', 'fuel-exclusive') });
    expect(second.createPartner.userErrors[0].code).toBe('CATEGORY_EXCLUSIVE');
    expect(second.createPartner.partner).toBeNull();

    await onboardPartner(t, { category: 'crowded' });
    await onboardPartner(t, { category: 'crowded' });
    const crowded = await t.operator.ok(SetCategoryExclusiveDocument, { input: { category: 'crowded', exclusive: true } });
    expect(crowded.setCategoryExclusive.userErrors[0].code).toBe('CATEGORY_EXCLUSIVE');
  });

  it('also refuse moving a partner into them', async () => {
    await onboardPartner(t, { category: 'airline-exclusive' });
    await t.operator.ok(SetCategoryExclusiveDocument, { input: { category: 'airline-exclusive', exclusive: true } });
    const mover = await onboardPartner(t, { category: 'elsewhere' });
    const moved = await t.operator.ok(SetPartnerCategoryDocument, { input: { partnerId: mover.id, category: 'airline-exclusive' } });
    expect(moved.setPartnerCategory.userErrors[0].code).toBe('CATEGORY_EXCLUSIVE');
  });
});

describe('competitors', () => {
  async function sponsoredReward() {
    const fulfiller = await onboardPartner(t, { category: `cinema-${newKey()}` });
    const sponsor = await onboardPartner(t, { category: `pharmacy-${newKey()}` });
    const { createReward } = await t.operator.ok(CreateRewardDocument, {
      input: { name: 'Ticket', kind: 'VOUCHER', pointsCost: 10, fulfilledBy: fulfiller.id, sponsoredBy: sponsor.id },
    });
    return { fulfiller, sponsor, reward: createReward.reward! };
  }

  it('withdraws a reward when its sponsor moves into the fulfiller’s category, so it can no longer be redeemed', async () => {
    const { fulfiller, sponsor, reward } = await sponsoredReward();
    const card = await enrolMember(t);
    const moved = await t.operator.ok(SetPartnerCategoryDocument, {
      input: { partnerId: sponsor.id, category: (await categoryOf(fulfiller.id))! },
    });
    expect(moved.setPartnerCategory.deactivatedRewards).toBe(1);
    const catalogue = (await t.operator.ok(RewardsDocument, { first: 100 })).rewards.edges.map((e) => e.node.id);
    expect(catalogue).not.toContain(reward.id);
    const redeem = await fulfiller.client.ok(RedeemRewardDocument, {
      input: { rewardId: reward.id, cardNumber: card, idempotencyKey: newKey() },
    });
    expect(redeem.redeemReward.userErrors[0].code).toBe('REWARD_INACTIVE');
  });

  it('withdraws rewards pairing partners declared competitors, and refuses new ones', async () => {
    const { fulfiller, sponsor } = await sponsoredReward();
    const declared = await t.operator.ok(AddCompetitorsDocument, { input: { partnerId: fulfiller.id, competitorId: sponsor.id } });
    expect(declared.addCompetitors.deactivatedRewards).toBe(1);
    const again = await t.operator.ok(CreateRewardDocument, {
      input: { name: 'Ticket 2', kind: 'VOUCHER', pointsCost: 10, fulfilledBy: fulfiller.id, sponsoredBy: sponsor.id },
    });
    expect(again.createReward.userErrors[0].code).toBe('COMPETITOR_NOT_ALLOWED');
    const self = await t.operator.ok(AddCompetitorsDocument, { input: { partnerId: fulfiller.id, competitorId: fulfiller.id } });
    expect(self.addCompetitors.userErrors[0].code).toBe('UNKNOWN_PARTNER');
  });

  async function categoryOf(partnerId: string): Promise<string | null> {
    const [row] = await t.dataSource.query('SELECT category FROM partners WHERE id = $1', [
      Buffer.from(partnerId, 'base64url').toString().split(':')[1],
    ]);
    return row?.category ?? null;
  }
});

describe('contract versions', () => {
  it('apply from their effective instant and are recorded on each entry', async () => {
    const grocer = await onboardPartner(t);
    const card = await enrolMember(t);
    const buy = async () =>
      (
        await grocer.client.ok(RecordPurchaseDocument, {
          input: { cardNumber: card, amount: { amount: '10', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
        })
      ).recordPurchase;
    expect((await buy()).pointsEarned).toBe(10);
    const amended = await t.operator.ok(AmendPartnerContractDocument, {
      input: {
        partnerId: grocer.id,
        pointsPerUnit: '3',
        issuancePricePerPoint: '0.009',
        redemptionValuePerPoint: '0.008',
        breakageShare: '0.5',
      },
    });
    expect(amended.amendPartnerContract.contract).toMatchObject({ version: 2, pointsPerUnit: '3', breakageShare: '0.5' });
    expect((await buy()).pointsEarned).toBe(30);
    const versions = await t.dataSource.query(
      `SELECT c.version FROM ledger_entries e JOIN partner_contracts c ON c.id = e.contract_id WHERE e.partner_id = $1 ORDER BY e.id`,
      [grocer.localId],
    );
    expect(versions.map((v: { version: number }) => v.version)).toEqual([1, 2]);
  });

  it('refuse a version in the past and bad rates', async () => {
    const grocer = await onboardPartner(t);
    const base = { partnerId: grocer.id, pointsPerUnit: '1', issuancePricePerPoint: '0.01', redemptionValuePerPoint: '0.01' };
    const past = await t.operator.ok(AmendPartnerContractDocument, { input: { ...base, effectiveFrom: '2020-01-01T00:00:00Z' } });
    expect(past.amendPartnerContract.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'effectiveFrom'] });
    const rate = await t.operator.ok(AmendPartnerContractDocument, { input: { ...base, breakageShare: '1.5' } });
    expect(rate.amendPartnerContract.userErrors[0]).toMatchObject({ code: 'INVALID_RATE', field: ['input', 'breakageShare'] });
  });
});
