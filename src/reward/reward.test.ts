import { auditLedger } from '../ledger/ledger-audit';
import { enrolMember, newKey, onboardPartner, TestPartner } from '../../test/support/coalition-fixtures';
import { startTestApp, TestApp } from '../../test/support/test-app';
import {
  CreateRewardDocument,
  CreateRewardInput,
  MemberWalletDocument,
  RecordPurchaseDocument,
  RedeemGiftCardDocument,
  RedeemRewardDocument,
  RewardsDocument,
  UseVoucherDocument,
} from '../../test/generated/graphql';

let t: TestApp;
let pharmacy: TestPartner;
let rivalPharmacy: TestPartner;
let cinema: TestPartner;
let carWash: TestPartner;
beforeAll(async () => {
  t = await startTestApp();
  pharmacy = await onboardPartner(t, { category: 'pharmacy', pointsPerUnit: '10' });
  rivalPharmacy = await onboardPartner(t, { category: 'pharmacy' });
  cinema = await onboardPartner(t, { category: 'cinema' });
  carWash = await onboardPartner(t, { category: 'car-wash', currency: 'GBP' });
});
afterAll(() => t.stop());
afterEach(async () => expect(await auditLedger(t.dataSource)).toEqual([]));

async function createReward(overrides: Partial<CreateRewardInput>) {
  return (
    await t.operator.ok(CreateRewardDocument, {
      input: { name: 'Cinema ticket', kind: 'VOUCHER', pointsCost: 500, fulfilledBy: cinema.id, ...overrides },
    })
  ).createReward;
}

/** A member with `points` points, earned at the pharmacy (10 points per euro). */
async function memberWith(points: number): Promise<string> {
  const card = await enrolMember(t);
  if (points > 0) {
    await pharmacy.client.ok(RecordPurchaseDocument, {
      input: { cardNumber: card, amount: { amount: String(points / 10), currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
    });
  }
  return card;
}

const redeemAsMember = async (card: string, rewardId: string, key = newKey(), cardNumber?: string) =>
  (await t.anonymous.as(await t.memberToken(card)).ok(RedeemRewardDocument, { input: { rewardId, idempotencyKey: key, cardNumber } }))
    .redeemReward;

describe('createReward', () => {
  it('adds a cinema gift card sponsored by a pharmacy, with its contribution', async () => {
    const { reward, userErrors } = await createReward({
      name: 'Cinema gift card 10 EUR',
      kind: 'GIFT_CARD',
      pointsCost: 1000,
      sponsoredBy: pharmacy.id,
      giftCardValue: { amount: '10', currency: 'EUR' },
      sponsorContribution: { amount: '1.50', currency: 'EUR' },
    });
    expect(userErrors).toEqual([]);
    expect(reward).toMatchObject({
      kind: 'GIFT_CARD',
      pointsCost: 1000,
      giftCardValue: { amount: '10.00', currency: 'EUR' },
      sponsorContribution: { amount: '1.50', currency: 'EUR' },
      fulfilledBy: { id: cinema.id },
      sponsoredBy: { id: pharmacy.id },
      active: true,
    });
  });

  it('refuses a sponsor that competes with the fulfiller (same category)', async () => {
    const before = (await t.dataSource.query('SELECT count(*) AS n FROM rewards'))[0].n;
    const { reward, userErrors } = await createReward({ fulfilledBy: pharmacy.id, sponsoredBy: rivalPharmacy.id });
    expect(reward).toBeNull();
    expect(userErrors).toEqual([expect.objectContaining({ code: 'COMPETITOR_NOT_ALLOWED', field: ['input', 'sponsoredBy'] })]);
    expect((await t.dataSource.query('SELECT count(*) AS n FROM rewards'))[0].n).toBe(before);
  });

  it.each([
    [{ kind: 'GIFT_CARD' as const }, 'INVALID_INPUT', ['input', 'giftCardValue']],
    [{ giftCardValue: { amount: '5', currency: 'EUR' } }, 'INVALID_INPUT', ['input', 'giftCardValue']],
    [
      { kind: 'GIFT_CARD' as const, giftCardValue: { amount: '5', currency: 'GBP' } },
      'CURRENCY_MISMATCH',
      ['input', 'giftCardValue', 'currency'],
    ],
    [
      { kind: 'GIFT_CARD' as const, giftCardValue: { amount: '5.001', currency: 'EUR' } },
      'INVALID_AMOUNT',
      ['input', 'giftCardValue', 'amount'],
    ],
    [{ sponsoredBy: 'bm9wZQ' }, 'UNKNOWN_PARTNER', ['input', 'sponsoredBy']],
    [{ pointsCost: 0 }, 'INVALID_INPUT', ['input', 'pointsCost']],
    [{ sponsorContribution: { amount: '1', currency: 'EUR' } }, 'INVALID_AMOUNT', ['input', 'sponsorContribution', 'amount']],
  ])('refuses %j with %s', async (overrides, code, field) => {
    const { reward, userErrors } = await createReward(overrides);
    expect(reward).toBeNull();
    expect(userErrors[0]).toMatchObject({ code, field });
  });

  it('refuses a contribution in another currency than the sponsor settles in', async () => {
    const { userErrors } = await createReward({ sponsoredBy: carWash.id, sponsorContribution: { amount: '1', currency: 'EUR' } });
    expect(userErrors[0]).toMatchObject({ code: 'CURRENCY_MISMATCH', field: ['input', 'sponsorContribution', 'currency'] });
  });

  it('is for the operator only; the catalogue is readable by every caller', async () => {
    const result = await pharmacy.client.request(CreateRewardDocument, {
      input: { name: 'x', kind: 'VOUCHER', pointsCost: 1, fulfilledBy: pharmacy.id },
    });
    expect(result.errors![0].extensions!.code).toBe('FORBIDDEN');
    const card = await memberWith(0);
    for (const client of [t.operator, pharmacy.client, t.anonymous.as(await t.memberToken(card))]) {
      expect((await client.ok(RewardsDocument, { first: 100 })).rewards.edges.length).toBeGreaterThan(0);
    }
  });
});

describe('redeemReward', () => {
  it('spends a member’s points on a voucher that the fulfilling partner marks used once', async () => {
    const { reward } = await createReward({ name: 'Popcorn', pointsCost: 300 });
    const card = await memberWith(500);
    const { redemption, member, userErrors } = await redeemAsMember(card, reward!.id);
    expect(userErrors).toEqual([]);
    expect(member!.balance).toBe(200);
    expect(redemption).toMatchObject({ pointsSpent: 300, reward: { name: 'Popcorn' }, giftCard: null, voucher: { usedAt: null } });
    const code = redemption!.voucher!.code;

    expect((await pharmacy.client.ok(UseVoucherDocument, { input: { code } })).useVoucher.userErrors[0].code).toBe('UNKNOWN_VOUCHER');
    expect((await cinema.client.ok(UseVoucherDocument, { input: { code } })).useVoucher.voucher!.usedAt).not.toBeNull();
    expect((await cinema.client.ok(UseVoucherDocument, { input: { code } })).useVoucher.userErrors[0].code).toBe('VOUCHER_USED');
  });

  it('refuses when short with INSUFFICIENT_POINTS and changes nothing', async () => {
    const { reward } = await createReward({ pointsCost: 1000 });
    const card = await memberWith(999);
    const { redemption, userErrors } = await redeemAsMember(card, reward!.id);
    expect(redemption).toBeNull();
    expect(userErrors[0]).toMatchObject({ code: 'INSUFFICIENT_POINTS', message: '1000 points needed, 999 available' });
    expect((await t.operator.ok(MemberWalletDocument, { cardNumber: card })).member!.balance).toBe(999);
  });

  it('lets the fulfilling partner redeem at its till, and nobody else', async () => {
    const { reward } = await createReward({ pointsCost: 100 });
    const card = await memberWith(300);
    const atTill = await cinema.client.ok(RedeemRewardDocument, {
      input: { rewardId: reward!.id, cardNumber: card, idempotencyKey: newKey() },
    });
    expect(atTill.redeemReward.member!.balance).toBe(200);
    const elsewhere = await pharmacy.client.ok(RedeemRewardDocument, {
      input: { rewardId: reward!.id, cardNumber: card, idempotencyKey: newKey() },
    });
    expect(elsewhere.redeemReward.userErrors[0].code).toBe('NOT_ALLOWED');
    const noCard = await cinema.client.ok(RedeemRewardDocument, { input: { rewardId: reward!.id, idempotencyKey: newKey() } });
    expect(noCard.redeemReward.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'cardNumber'] });
    const other = await memberWith(300);
    expect((await redeemAsMember(card, reward!.id, newKey(), other)).userErrors[0].code).toBe('NOT_ALLOWED');
  });

  it('refuses unknown rewards and unknown cards', async () => {
    const card = await memberWith(0);
    expect((await redeemAsMember(card, 'bm9wZQ')).userErrors[0].code).toBe('UNKNOWN_REWARD');
    const { reward } = await createReward({ pointsCost: 1 });
    const result = await cinema.client.ok(RedeemRewardDocument, {
      input: { rewardId: reward!.id, cardNumber: '8080808080', idempotencyKey: newKey() },
    });
    expect(result.redeemReward.userErrors[0].code).toBe('UNKNOWN_MEMBER');
  });
});

describe('gift cards', () => {
  async function issueGiftCard(card: string) {
    const { reward } = await createReward({
      name: `Gift card ${newKey()}`,
      kind: 'GIFT_CARD',
      pointsCost: 100,
      sponsoredBy: pharmacy.id,
      giftCardValue: { amount: '10', currency: 'EUR' },
    });
    const key = newKey();
    const first = await redeemAsMember(card, reward!.id, key);
    return { first, replay: await redeemAsMember(card, reward!.id, key) };
  }
  const spend = (p: TestPartner, code: string, amount: string, currency = 'EUR') =>
    p.client.ok(RedeemGiftCardDocument, { input: { code, amount: { amount, currency }, idempotencyKey: newKey() } });

  it('are issued with an unguessable code shown once, stored only as a hash', async () => {
    const card = await memberWith(200);
    const { first, replay } = await issueGiftCard(card);
    const code = first.redemption!.giftCard!.code!;
    expect(code).toMatch(/^GC-([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    expect(first.redemption!.giftCard).toMatchObject({
      balance: { amount: '10.00', currency: 'EUR' },
      redeemableAt: { name: cinema.name },
    });
    expect(replay.redemption!.id).toBe(first.redemption!.id);
    expect(replay.redemption!.giftCard!.code).toBeNull();
    expect(replay.member!.balance).toBe(100);
    const stored = JSON.stringify(await t.dataSource.query('SELECT * FROM gift_cards'));
    expect(stored).not.toContain(code.replace(/-/g, '').slice(2));
    expect(stored).not.toContain(code);
  });

  it('are spent partially at the issuing partner until used up, and only there', async () => {
    const card = await memberWith(100);
    const code = (await issueGiftCard(card)).first.redemption!.giftCard!.code!;
    expect((await spend(cinema, code.toLowerCase().replace(/-/g, ' '), '3.50')).redeemGiftCard.giftCard!.balance.amount).toBe('6.50');
    expect((await spend(pharmacy, code, '1')).redeemGiftCard.userErrors[0].code).toBe('GIFT_CARD_NOT_HERE');
    expect((await spend(cinema, code, '6.51')).redeemGiftCard.userErrors[0].code).toBe('GIFT_CARD_EXHAUSTED');
    expect((await spend(cinema, code, '1', 'GBP')).redeemGiftCard.userErrors[0].code).toBe('CURRENCY_MISMATCH');
    expect((await spend(cinema, code, '6.50')).redeemGiftCard.giftCard!.balance.amount).toBe('0.00');
    expect((await spend(cinema, code, '0.01')).redeemGiftCard.userErrors[0].code).toBe('GIFT_CARD_EXHAUSTED');
    const wallet = await t.anonymous.as(await t.memberToken(card)).ok(MemberWalletDocument, { cardNumber: card });
    expect(wallet.member!.giftCards[0]).toMatchObject({ balance: { amount: '0.00' }, redeemableAt: { name: cinema.name } });
    expect((await pharmacy.client.ok(MemberWalletDocument, { cardNumber: card })).member!.giftCards).toEqual([]);
  });

  it('refuse an expired card', async () => {
    const card = await memberWith(100);
    const { first } = await issueGiftCard(card);
    await t.dataSource.query(`UPDATE gift_cards SET expires_at = now() - interval '1 day' WHERE id = $1`, [
      Buffer.from(first.redemption!.giftCard!.id, 'base64url').toString().split(':')[1],
    ]);
    expect((await spend(cinema, first.redemption!.giftCard!.code!, '1')).redeemGiftCard.userErrors[0].code).toBe('GIFT_CARD_EXPIRED');
  });

  it('throttle a caller that keeps sending unknown codes', async () => {
    const guesser = await onboardPartner(t, { category: 'guessing' });
    const codes: string[] = [];
    for (let i = 0; i < 12; i++) codes.push((await spend(guesser, `GC-NOPE-${i}`, '1')).redeemGiftCard.userErrors[0].code);
    expect(codes.slice(0, 10)).toEqual(Array(10).fill('GIFT_CARD_UNKNOWN'));
    expect(codes.slice(10)).toEqual(['GIFT_CARD_THROTTLED', 'GIFT_CARD_THROTTLED']);
    // Other callers are not affected.
    expect((await spend(cinema, 'GC-NOPE', '1')).redeemGiftCard.userErrors[0].code).toBe('GIFT_CARD_UNKNOWN');
  });
});

describe('reward names', () => {
  const create = (name: string) =>
    t.operator.request(CreateRewardDocument, { input: { name, kind: 'VOUCHER', pointsCost: 10, fulfilledBy: cinema.id } });

  it('refuses NUL, other C0 and C1 controls and bidi overrides with INVALID_INPUT, never a server error', async () => {
    const before = (await t.dataSource.query('SELECT count(*)::int AS n FROM rewards'))[0].n;
    for (const name of [
      'Ticket\u0000',
      'Tick\u0007et',
      'Ticket\nline 2',
      'Ticket\u0085',
      'Ticket \u202Egnp.exe',
      'Ticket \u2066x\u2069',
      '\u202ATicket',
    ]) {
      const result = await create(name);
      expect(result.errors).toBeUndefined();
      expect(result.data!.createReward).toMatchObject({ reward: null, userErrors: [{ code: 'INVALID_INPUT', field: ['input', 'name'] }] });
    }
    expect((await t.dataSource.query('SELECT count(*)::int AS n FROM rewards'))[0].n).toBe(before);
  });

  it('keeps accents, scripts and emoji', async () => {
    for (const name of ['Crème brûlée', 'تذكرة سينما', '🎬 Ticket 👩‍👩‍👧']) {
      expect((await create(name)).data!.createReward).toMatchObject({ reward: { name }, userErrors: [] });
    }
  });
});
