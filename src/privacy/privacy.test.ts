import { newKey, onboardPartner, TestPartner } from '../../test/support/coalition-fixtures';
import { GraphQLClient, startTestApp, TestApp } from '../../test/support/test-app';
import {
  CloseSettlementPeriodDocument,
  ConvertPointsToMilesDocument,
  CreateRewardDocument,
  CreateStampCardDocument,
  CreateSurveyDocument,
  EnrollMeDocument,
  EnrollMemberWithProfileDocument,
  EraseMemberDocument,
  ExportMemberDataDocument,
  ExportMyDataDocument,
  MeDocument,
  MemberProfileDocument,
  RecordPurchaseDocument,
  RecordReturnDocument,
  RedeemRewardDocument,
  SetMarketingConsentDocument,
  SetMilesRatioDocument,
  SettlementMarginDocument,
  SettlementPeriodStatementsDocument,
  SubmitSurveyDocument,
  UpdateMemberProfileDocument,
} from '../../test/generated/graphql';
import { auditLedger } from '../ledger/ledger-audit';
import { sealLedger, verifyLedger } from '../ledger/ledger-verify';
import { auditEvents } from '../webhook/webhook-audit';

/** Values that are personal and must be gone after erasure, wherever they were copied. */
const PERSONAL = {
  firstName: 'Ottilie',
  lastName: 'Quarnström',
  email: 'ottilie.q@example.org',
  frequentFlyer: 'FF-OTTILIE-77',
  answer: 'Ottilie prefers oat milk',
};

let t: TestApp;
let grocer: TestPartner;
let airline: TestPartner;
let cinema: TestPartner;
let card: string;
let member: GraphQLClient;
let voucherRewardId: string;

beforeAll(async () => {
  t = await startTestApp();
  grocer = await onboardPartner(t);
  airline = await onboardPartner(t);
  cinema = await onboardPartner(t);
  card = `8${String(Date.now()).slice(-9)}`;
  member = t.anonymous.as(await t.memberToken(card));
});
afterAll(() => t.stop());

const cents = (amount: string) => BigInt(amount.replace('.', ''));

describe('self-enrolment and profile', () => {
  it('enrols the token’s own card once, with profile and consent from the app', async () => {
    expect((await member.ok(MeDocument)).me).toBeNull();
    const { enrollMe } = await member.ok(EnrollMeDocument, {
      input: { firstName: ` ${PERSONAL.firstName} `, email: PERSONAL.email, language: 'sv-SE', marketingConsent: true },
    });
    expect(enrollMe.userErrors).toEqual([]);
    expect(enrollMe.member).toMatchObject({
      cardNumber: card,
      firstName: PERSONAL.firstName,
      email: PERSONAL.email,
      language: 'sv-SE',
      greetingName: PERSONAL.firstName,
      marketingConsent: { granted: true, source: 'APP', at: expect.any(String) },
      erasedAt: null,
    });
    const again = await member.ok(EnrollMeDocument, { input: { firstName: 'Other' } });
    expect(again.enrollMe.userErrors.map((e) => e.code)).toEqual(['DUPLICATE_CARD']);
    const [row] = await t.dataSource.query('SELECT first_name, enrolled_by_partner_id FROM members WHERE card_number = $1', [card]);
    expect(row).toEqual({ first_name: PERSONAL.firstName, enrolled_by_partner_id: null });
  });

  it('lets the member edit its profile, refusing a bad email or language and changing nothing then', async () => {
    const bad = await member.ok(UpdateMemberProfileDocument, { input: { lastName: 'X', email: 'not-an-email', language: 'Swedish' } });
    expect(bad.updateMemberProfile.userErrors.map((e) => [e.code, e.field])).toEqual([
      ['INVALID_INPUT', ['input', 'email']],
      ['INVALID_INPUT', ['input', 'language']],
    ]);
    expect((await member.ok(MeDocument)).me).not.toBeNull();
    const [before] = await t.dataSource.query('SELECT last_name FROM members WHERE card_number = $1', [card]);
    expect(before.last_name).toBeNull();

    const { updateMemberProfile } = await member.ok(UpdateMemberProfileDocument, { input: { lastName: PERSONAL.lastName } });
    expect(updateMemberProfile.member).toMatchObject({ lastName: PERSONAL.lastName, firstName: PERSONAL.firstName, email: PERSONAL.email });
    const control = await member.ok(UpdateMemberProfileDocument, { input: { firstName: 'Otti\u202Elie' } });
    expect(control.updateMemberProfile.userErrors.map((e) => e.code)).toEqual(['INVALID_INPUT']);
  });

  it('greets by first name at a partner only with consent, and never shows a partner the rest of the profile', async () => {
    const atTill = (await grocer.client.ok(MemberProfileDocument, { cardNumber: card })).member!;
    expect(atTill).toMatchObject({ greetingName: PERSONAL.firstName, firstName: null, lastName: null, email: null, language: null });
    expect(atTill.marketingConsent).toBeNull();

    const { setMarketingConsent } = await member.ok(SetMarketingConsentDocument, { input: { granted: false, source: 'APP' } });
    expect(setMarketingConsent.member!.marketingConsent).toEqual({ granted: false, at: null, source: null });
    expect((await grocer.client.ok(MemberProfileDocument, { cardNumber: card })).member!.greetingName).toBeNull();
    // The operator and the member always see the name.
    expect((await t.operator.ok(MemberProfileDocument, { cardNumber: card })).member!.greetingName).toBe(PERSONAL.firstName);

    const atCounter = await grocer.client.ok(SetMarketingConsentDocument, { input: { cardNumber: card, granted: true, source: 'TILL' } });
    expect(atCounter.setMarketingConsent.member!.greetingName).toBe(PERSONAL.firstName);
    const mine = (await member.ok(MemberProfileDocument, { cardNumber: card })).member!;
    expect(mine.marketingConsent).toMatchObject({ granted: true, source: 'TILL' });

    const history = await t.dataSource.query(
      `SELECT granted, source, principal FROM member_consent_history h JOIN members m ON m.id = h.member_id
        WHERE m.card_number = $1 ORDER BY h.id`,
      [card],
    );
    expect(history).toEqual([
      { granted: true, source: 'APP', principal: `member:${card}` },
      { granted: false, source: 'APP', principal: `member:${card}` },
      { granted: true, source: 'TILL', principal: `partner:${grocer.localId}` },
    ]);
  });

  it('lets a partner set the profile at enrolment, and refuses a consent without a card for the operator', async () => {
    const other = `7${String(Date.now()).slice(-9)}`;
    const token = t.anonymous.as(await t.memberToken(other));
    expect((await grocer.client.request(EnrollMeDocument, { input: {} })).errors![0].extensions!.code).toBe('FORBIDDEN');
    const { enrollMember } = await grocer.client.ok(EnrollMemberWithProfileDocument, {
      input: { cardNumber: other, firstName: 'Ben', lastName: 'Till', marketingConsent: { granted: true, source: 'TILL' } },
    });
    expect(enrollMember.userErrors).toEqual([]);
    expect((await token.ok(MeDocument)).me!.cardNumber).toBe(other);
    expect((await token.ok(MemberProfileDocument, { cardNumber: other })).member).toMatchObject({
      firstName: 'Ben',
      lastName: 'Till',
      marketingConsent: { granted: true, source: 'TILL' },
    });
    const missing = await t.operator.ok(SetMarketingConsentDocument, { input: { granted: true, source: 'WEB' } });
    expect(missing.setMarketingConsent.userErrors.map((e) => e.field)).toEqual([['input', 'cardNumber']]);
  });
});

describe('export and erasure', () => {
  beforeAll(async () => {
    // A life in the coalition: purchases and a return, a voucher and a gift card, a stamp card,
    // a survey and a miles transfer with a frequent-flyer number.
    const reward = await t.operator.ok(CreateRewardDocument, {
      input: { name: 'Coffee', kind: 'VOUCHER', pointsCost: 5, fulfilledBy: grocer.id },
    });
    voucherRewardId = reward.createReward.reward!.id;
    const giftCard = await t.operator.ok(CreateRewardDocument, {
      input: {
        name: 'Cinema card',
        kind: 'GIFT_CARD',
        pointsCost: 10,
        fulfilledBy: cinema.id,
        giftCardValue: { amount: '5', currency: 'EUR' },
      },
    });
    await grocer.client.ok(CreateStampCardDocument, { input: { name: 'Tenth coffee', stampsRequired: 10, rewardId: voucherRewardId } });
    for (const reference of ['R-1', 'R-2']) {
      await grocer.client.ok(RecordPurchaseDocument, {
        input: { cardNumber: card, amount: { amount: '100', currency: 'EUR' }, reference, idempotencyKey: newKey() },
      });
    }
    await grocer.client.ok(RecordReturnDocument, {
      input: { reference: 'R-1', amount: { amount: '10', currency: 'EUR' }, idempotencyKey: newKey() },
    });
    for (const rewardId of [voucherRewardId, giftCard.createReward.reward!.id]) {
      const { redeemReward } = await member.ok(RedeemRewardDocument, { input: { rewardId, idempotencyKey: newKey() } });
      expect(redeemReward.userErrors).toEqual([]);
    }
    const { createSurvey } = await t.operator.ok(CreateSurveyDocument, { input: { name: 'Taste', points: 3 } });
    await member.ok(SubmitSurveyDocument, {
      input: { surveyId: createSurvey.survey!.id, answers: [{ question: 'Milk?', answer: PERSONAL.answer }], idempotencyKey: newKey() },
    });
    await t.operator.ok(SetMilesRatioDocument, { input: { airlineId: airline.id, direction: 'TO_MILES', points: 1, miles: 1 } });
    const { convertPointsToMiles } = await member.ok(ConvertPointsToMilesDocument, {
      input: { airlineId: airline.id, points: 20, frequentFlyerNumber: PERSONAL.frequentFlyer, idempotencyKey: newKey() },
    });
    expect(convertPointsToMiles.userErrors).toEqual([]);
  });

  it('exports everything recorded about the member, to the operator and to the member itself, without codes or hashes', async () => {
    const data = (await t.operator.ok(ExportMemberDataDocument, { cardNumber: card })).exportMemberData as any;
    expect((await member.ok(ExportMyDataDocument)).exportMyData).toMatchObject({ member: data.member, purchases: data.purchases });
    expect(data.member).toMatchObject({
      card_number: card,
      first_name: PERSONAL.firstName,
      last_name: PERSONAL.lastName,
      email: PERSONAL.email,
      language: 'sv-SE',
      marketing_consent: true,
      marketing_consent_source: 'TILL',
      erased_at: null,
    });
    expect(data.consentHistory.map((h: any) => [h.granted, h.source])).toEqual([
      [true, 'APP'],
      [false, 'APP'],
      [true, 'TILL'],
    ]);
    expect(data.purchases.map((p: any) => p.reference)).toEqual(['R-1', 'R-2']);
    expect(data.returns).toEqual([expect.objectContaining({ amount_minor: 1000 })]);
    expect(data.redemptions).toHaveLength(2);
    expect(data.vouchers).toHaveLength(1);
    expect(data.vouchers[0]).not.toHaveProperty('code');
    expect(data.giftCards).toEqual([expect.objectContaining({ initial_minor: 500, currency: 'EUR' })]);
    expect(data.giftCards[0]).not.toHaveProperty('code_hash');
    expect(data.milesTransfers).toEqual([expect.objectContaining({ points: 20, frequent_flyer_number: PERSONAL.frequentFlyer })]);
    expect(data.surveyResponses[0].answers).toEqual([{ question: 'Milk?', answer: PERSONAL.answer }]);
    expect(data.stampProgress).toEqual([expect.objectContaining({ stamps: 2 })]);
    expect(data.lots.length).toBeGreaterThanOrEqual(3);
    expect(data.holds).toHaveLength(1);
    const kinds = data.ledgerEntries.map((e: any) => e.kind);
    expect(kinds).toEqual(expect.arrayContaining(['EARN', 'RETURN', 'REDEEM']));
    // No redeemed code leaks in the export under any name.
    const [voucher] = await t.dataSource.query('SELECT code FROM vouchers');
    expect(JSON.stringify(data)).not.toContain(voucher.code);
    expect((await t.operator.ok(ExportMemberDataDocument, { cardNumber: '12345678999' })).exportMemberData).toBeNull();
  });

  it('erases the personal data everywhere, keeps the ledger whole and verifiable, and is idempotent', async () => {
    const sealedBefore = await sealLedger(t.dataSource, 0);
    expect(sealedBefore).toBeGreaterThan(0);
    const balanceBefore = (await t.operator.ok(ExportMemberDataDocument, { cardNumber: card })).exportMemberData as any;

    const refused = await t.operator.ok(EraseMemberDocument, { input: { cardNumber: card, reason: 'x' } });
    expect(refused.eraseMember.userErrors.map((e) => e.code)).toEqual(['REASON_REQUIRED']);
    const unknown = await t.operator.ok(EraseMemberDocument, { input: { cardNumber: '12345678999', reason: 'GDPR request' } });
    expect(unknown.eraseMember.userErrors.map((e) => e.code)).toEqual(['UNKNOWN_MEMBER']);

    const { eraseMember } = await t.operator.ok(EraseMemberDocument, { input: { cardNumber: card, reason: 'GDPR art. 17 request #42' } });
    expect(eraseMember.userErrors).toEqual([]);
    expect(eraseMember.alreadyErased).toBe(false);
    expect(eraseMember.member).toMatchObject({
      cardNumber: card,
      firstName: null,
      lastName: null,
      email: null,
      language: null,
      greetingName: null,
      marketingConsent: { granted: false, at: null, source: null },
      erasedAt: expect.any(String),
    });
    const twice = await t.operator.ok(EraseMemberDocument, { input: { cardNumber: card, reason: 'again' } });
    expect(twice.eraseMember).toMatchObject({ alreadyErased: true, userErrors: [], member: { erasedAt: eraseMember.member!.erasedAt } });

    // No personal value is left in any column of any table, copies (idempotency answers) included.
    const columns: { table_name: string; column_name: string }[] = await t.dataSource.query(
      `SELECT c.table_name, c.column_name FROM information_schema.columns c
         JOIN information_schema.tables tb ON tb.table_schema = c.table_schema AND tb.table_name = c.table_name AND tb.table_type = 'BASE TABLE'
        WHERE c.table_schema = 'public' AND c.data_type IN ('text', 'character varying', 'jsonb', 'json')`,
    );
    const found: string[] = [];
    for (const { table_name, column_name } of columns) {
      for (const value of Object.values(PERSONAL)) {
        const [{ n }] = await t.dataSource.query(
          `SELECT count(*)::int AS n FROM "${table_name}" WHERE "${column_name}"::text LIKE '%' || $1 || '%'`,
          [value],
        );
        if (n > 0) found.push(`${table_name}.${column_name}: ${value}`);
      }
    }
    expect(found).toEqual([]);
    const [row] = await t.dataSource.query(
      `SELECT birth_date, marketing_consent, erasure_reason, (SELECT count(*)::int FROM member_consent_history h WHERE h.member_id = m.id) AS history
         FROM members m WHERE card_number = $1`,
      [card],
    );
    expect(row).toEqual({ birth_date: null, marketing_consent: false, erasure_reason: 'GDPR art. 17 request #42', history: 0 });

    // Ledger, lots, seals and partner events are untouched.
    expect(await auditLedger(t.dataSource)).toEqual([]);
    expect(await auditEvents(t.dataSource)).toEqual([]);
    expect(await verifyLedger(t.dataSource)).toEqual([]);
    const after = (await t.operator.ok(ExportMemberDataDocument, { cardNumber: card })).exportMemberData as any;
    expect(after.member).toMatchObject({
      points_balance: balanceBefore.member.points_balance,
      erased_at: expect.any(String),
      first_name: null,
    });
    expect(after.erasureReason).toBe('GDPR art. 17 request #42');
    expect(after.ledgerEntries).toEqual(balanceBefore.ledgerEntries);
    expect(after.lots).toEqual(balanceBefore.lots);
    expect(after.surveyResponses[0].answers).toEqual([]);
    expect(after.milesTransfers[0].frequent_flyer_number).toBeNull();
  });

  it('closes the card: no sign-in, no spending at a till, no profile changes; a period close still nets to zero', async () => {
    const signIn = await member.request(MeDocument);
    expect(signIn.status).toBe(401);
    expect(signIn.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    const atTill = await grocer.client.ok(RedeemRewardDocument, {
      input: { cardNumber: card, rewardId: voucherRewardId, idempotencyKey: newKey() },
    });
    expect(atTill.redeemReward.userErrors.map((e) => e.code)).toEqual(['MEMBER_ERASED']);
    const consent = await grocer.client.ok(SetMarketingConsentDocument, { input: { cardNumber: card, granted: true, source: 'TILL' } });
    expect(consent.setMarketingConsent.userErrors.map((e) => e.code)).toEqual(['MEMBER_ERASED']);
    // A late return still posts: the partner's issuance charge is reversed as usual.
    const late = await grocer.client.ok(RecordReturnDocument, {
      input: { reference: 'R-2', amount: { amount: '5', currency: 'EUR' }, idempotencyKey: newKey() },
    });
    expect(late.recordReturn.userErrors).toEqual([]);

    const { closeSettlementPeriod } = await t.operator.ok(CloseSettlementPeriodDocument, {
      input: { periodEnd: new Date().toISOString() },
    });
    const id = closeSettlementPeriod.period!.id;
    const { settlementPeriod } = await t.operator.ok(SettlementPeriodStatementsDocument, { id });
    const margin = (await t.operator.ok(SettlementMarginDocument, { id })).settlementPeriod!.operatorMargin;
    expect(margin.length).toBeGreaterThan(0);
    for (const m of margin) {
      const nets = settlementPeriod!.statements.filter((s) => s.currency === m.currency).reduce((sum, s) => sum + cents(s.net.amount), 0n);
      expect(nets + cents(m.amount)).toBe(0n);
    }
    expect(await auditLedger(t.dataSource)).toEqual([]);
  });
});
