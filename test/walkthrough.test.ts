import { auditLedger } from '../src/ledger/ledger-audit';
import { startTestApp, TestApp } from './support/test-app';
import {
  ConfirmMilesTransferDocument,
  ConvertPointsToMilesDocument,
  CreatePartnerDocument,
  CreateRewardDocument,
  EnrollMemberDocument,
  MemberStatusDocument,
  MyBalanceDocument,
  RecordPurchaseDocument,
  RedeemGiftCardDocument,
  RedeemRewardDocument,
  SetMilesRatioDocument,
} from './generated/graphql';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

/** The README's walk-through, step by step, through the API: it must keep working as written. */
it('earn at a pharmacy, redeem a cinema gift card it sponsors, spend it at the cinema, convert the rest to miles', async () => {
  const partner = async (name: string, category: string, pointsPerUnit: string) => {
    const { createPartner } = await t.operator.ok(CreatePartnerDocument, {
      input: { name, category, currency: 'EUR', pointsPerUnit, issuancePricePerPoint: '0.01', redemptionValuePerPoint: '0.008' },
    });
    return { id: createPartner.partner!.id, client: t.anonymous.as(createPartner.apiKey!) };
  };
  const pharmacy = await partner('Sunrise Pharmacy', 'pharmacy', '20');
  const cinema = await partner('Starlight Cinema', 'cinema', '1');
  const airline = await partner('Blue Sky Airways', 'airline', '1');

  // 1. The pharmacy enrols the member and records a 50 EUR purchase: 1,000 points.
  await pharmacy.client.ok(EnrollMemberDocument, { input: { cardNumber: '6001234567' } });
  const earned = await pharmacy.client.ok(RecordPurchaseDocument, {
    input: { cardNumber: '6001234567', amount: { amount: '50.00', currency: 'EUR' }, reference: 'RX-1001', idempotencyKey: 'rx-1001' },
  });
  expect(earned.recordPurchase).toMatchObject({ pointsEarned: 1000, member: { balance: 1000 } });

  // 2. The operator lists a cinema gift card sponsored by the pharmacy (a non-competitor).
  const { createReward } = await t.operator.ok(CreateRewardDocument, {
    input: {
      name: 'Starlight Cinema gift card 10 EUR',
      kind: 'GIFT_CARD',
      pointsCost: 800,
      fulfilledBy: cinema.id,
      sponsoredBy: pharmacy.id,
      giftCardValue: { amount: '10.00', currency: 'EUR' },
      sponsorContribution: { amount: '1.50', currency: 'EUR' },
    },
  });

  // 3. The member redeems it in the app and receives the code, once.
  const member = t.anonymous.as(await t.memberToken('6001234567'));
  const { redeemReward } = await member.ok(RedeemRewardDocument, {
    input: { rewardId: createReward.reward!.id, idempotencyKey: 'redeem-1' },
  });
  expect(redeemReward.member!.balance).toBe(200);
  const code = redeemReward.redemption!.giftCard!.code!;

  // 4. The cinema's till takes 7.50 EUR off the card.
  const { redeemGiftCard } = await cinema.client.ok(RedeemGiftCardDocument, {
    input: { code, amount: { amount: '7.50', currency: 'EUR' }, idempotencyKey: 'till-42' },
  });
  expect(redeemGiftCard.giftCard!.balance).toEqual({ amount: '2.50', currency: 'EUR' });

  // 5. The remaining 200 points go to the airline: held, then confirmed by the airline.
  await t.operator.ok(SetMilesRatioDocument, {
    input: { airlineId: airline.id, direction: 'TO_MILES', points: 2, miles: 1, minimum: 100 },
  });
  const { convertPointsToMiles } = await member.ok(ConvertPointsToMilesDocument, {
    input: { airlineId: airline.id, points: 200, frequentFlyerNumber: 'BS-998877', idempotencyKey: 'miles-1' },
  });
  expect(convertPointsToMiles).toMatchObject({ milesTransfer: { miles: 100, status: 'PENDING' }, member: { balance: 0, heldPoints: 200 } });
  const { confirmMilesTransfer } = await airline.client.ok(ConfirmMilesTransferDocument, {
    input: { transferId: convertPointsToMiles.milesTransfer!.id, airlineReference: 'BS-CREDIT-1', idempotencyKey: 'confirm-1' },
  });
  expect(confirmMilesTransfer.milesTransfer!.status).toBe('CONFIRMED');

  expect((await member.ok(MyBalanceDocument)).me!.balance).toBe(0);
  const history = (await t.operator.ok(MemberStatusDocument, { cardNumber: '6001234567' })).member!.transactions.edges.map((e) => [
    e.node.kind,
    e.node.points,
  ]);
  expect(history).toEqual([
    ['MILES_TRANSFER', -200],
    ['REDEEM', -800],
    ['EARN', 1000],
  ]);
  expect(await auditLedger(t.dataSource)).toEqual([]);
});
