import { auditLedger } from '../ledger/ledger-audit';
import { enrolMember, newKey, onboardPartner, TestPartner } from '../../test/support/coalition-fixtures';
import { startTestApp, TestApp } from '../../test/support/test-app';
import {
  CreateRewardDocument,
  CreateStampCardDocument,
  MemberStatusDocument,
  RecordPurchaseDocument,
  RecordReturnDocument,
} from '../../test/generated/graphql';

let t: TestApp;
let carWash: TestPartner;
let other: TestPartner;
let cardName: string;
beforeAll(async () => {
  t = await startTestApp();
  carWash = await onboardPartner(t, { category: 'car-wash' });
  other = await onboardPartner(t, { category: 'bakery' });
  const { createReward } = await t.operator.ok(CreateRewardDocument, {
    input: { name: 'Free wash', kind: 'VOUCHER', pointsCost: 1000, fulfilledBy: carWash.id },
  });
  const { createStampCard } = await carWash.client.ok(CreateStampCardDocument, {
    input: {
      name: 'Every 3rd wash free',
      stampsRequired: 3,
      minimumPurchase: { amount: '5', currency: 'EUR' },
      rewardId: createReward.reward!.id,
    },
  });
  cardName = createStampCard.stampCard!.name;
});
afterAll(() => t.stop());
afterEach(async () => expect(await auditLedger(t.dataSource)).toEqual([]));

const wash = (card: string, amount = '8', reference = newKey()) =>
  carWash.client.ok(RecordPurchaseDocument, {
    input: { cardNumber: card, amount: { amount, currency: 'EUR' }, reference, idempotencyKey: newKey() },
  });
const giveBack = (reference: string, amount: string) =>
  carWash.client.ok(RecordReturnDocument, { input: { reference, amount: { amount, currency: 'EUR' }, idempotencyKey: newKey() } });
const progress = async (card: string, as = t.operator) => (await as.ok(MemberStatusDocument, { cardNumber: card })).member!;

describe('stamp cards', () => {
  it('stamp qualifying purchases and issue the voucher on the Nth, visible to the member', async () => {
    const card = await enrolMember(t);
    await wash(card);
    await wash(card, '4.99'); // below the minimum: no stamp
    await wash(card);
    expect((await progress(card)).stampCards).toEqual([
      { card: { name: cardName, stampsRequired: 3 }, stamps: 2, owed: 0, rewardsIssued: 0 },
    ]);
    await wash(card);
    const member = await progress(card, t.anonymous.as(await t.memberToken(card)));
    expect(member.stampCards[0]).toMatchObject({ stamps: 0, rewardsIssued: 1 });
    expect(member.vouchers).toEqual([{ code: expect.stringMatching(/^V-[0-9A-F]{16}$/), usedAt: null }]);
    // Another partner sees neither the card nor the voucher.
    expect(await progress(card, other.client)).toMatchObject({ stampCards: [], vouchers: [] });
  });

  it('take back the stamp of a purchase a return disqualifies, or owe it when its reward was already issued', async () => {
    const card = await enrolMember(t);
    await wash(card, '8', 'S-1');
    await giveBack('S-1', '4');
    expect((await progress(card)).stampCards[0]).toMatchObject({ stamps: 0, owed: 0 });

    await wash(card, '8', 'S-2');
    await wash(card, '8', 'S-3');
    await wash(card, '8', 'S-4'); // third stamp: voucher issued
    await giveBack('S-2', '8');
    expect((await progress(card)).stampCards[0]).toMatchObject({ stamps: 0, owed: 1, rewardsIssued: 1 });
    await wash(card); // pays the owed stamp
    expect((await progress(card)).stampCards[0]).toMatchObject({ stamps: 0, owed: 0 });
    await wash(card);
    expect((await progress(card)).stampCards[0]).toMatchObject({ stamps: 1, owed: 0 });
  });

  it('need a voucher reward of the same partner', async () => {
    const { createReward } = await t.operator.ok(CreateRewardDocument, {
      input: { name: 'Bread', kind: 'VOUCHER', pointsCost: 10, fulfilledBy: other.id },
    });
    const { createStampCard } = await carWash.client.ok(CreateStampCardDocument, {
      input: { name: 'Wrong', stampsRequired: 3, rewardId: createReward.reward!.id },
    });
    expect(createStampCard.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'rewardId'] });
  });
});
