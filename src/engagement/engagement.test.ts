import { auditLedger } from '../ledger/ledger-audit';
import { enrolMember, newKey, onboardPartner, TestPartner } from '../../test/support/coalition-fixtures';
import { startTestApp, TestApp } from '../../test/support/test-app';
import {
  CreateSurveyDocument,
  GrantBirthdayBonusesDocument,
  GrantGoodwillDocument,
  MemberStatusDocument,
  RecordPurchaseDocument,
  SubmitSurveyDocument,
  UpdateCoalitionSettingsDocument,
} from '../../test/generated/graphql';

let t: TestApp;
let grocer: TestPartner;
beforeAll(async () => {
  t = await startTestApp();
  grocer = await onboardPartner(t);
  await t.operator.ok(UpdateCoalitionSettingsDocument, {
    input: { referralBonusPoints: 50, birthdayBonusPoints: 25, timeZone: 'Europe/Berlin' },
  });
});
afterAll(() => t.stop());
afterEach(async () => expect(await auditLedger(t.dataSource)).toEqual([]));

const balance = async (card: string) => (await t.operator.ok(MemberStatusDocument, { cardNumber: card })).member!.balance;
const buy = (card: string) =>
  grocer.client.ok(RecordPurchaseDocument, {
    input: { cardNumber: card, amount: { amount: '10', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
  });

describe('goodwill', () => {
  it('is granted by a partner or the operator with a reason, and shown to the member with it', async () => {
    const card = await enrolMember(t);
    const byPartner = await grocer.client.ok(GrantGoodwillDocument, {
      input: { cardNumber: card, points: 40, reason: 'Late delivery', idempotencyKey: newKey() },
    });
    expect(byPartner.grantGoodwill).toMatchObject({
      transaction: { kind: 'ADJUSTMENT', points: 40, reason: 'Late delivery' },
      member: { balance: 40 },
    });
    const byOperator = await t.operator.ok(GrantGoodwillDocument, {
      input: { cardNumber: card, points: 10, reason: 'Sorry!', idempotencyKey: newKey() },
    });
    expect(byOperator.grantGoodwill.member!.balance).toBe(50);
    const funders = await t.dataSource.query(
      `SELECT a.owner_kind FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
        WHERE a.role = 'GOODWILL' ORDER BY p.entry_id`,
    );
    expect(funders.map((f: { owner_kind: string }) => f.owner_kind)).toEqual(['PARTNER', 'OPERATOR']);
  });

  it('keeps line breaks in a reason but refuses NUL, other controls and bidi overrides with INVALID_INPUT', async () => {
    const card = await enrolMember(t);
    const grant = (reason: string) =>
      grocer.client.request(GrantGoodwillDocument, { input: { cardNumber: card, points: 5, reason, idempotencyKey: newKey() } });
    const multiLine = await grant('Late delivery\nsecond try failed too');
    expect(multiLine.data!.grantGoodwill).toMatchObject({
      transaction: { reason: 'Late delivery\nsecond try failed too' },
      userErrors: [],
    });
    for (const reason of ['Late\u0000delivery', 'Late \u001b[31mdelivery', 'Late \u202Edelivery', 'Late\u009Bdelivery']) {
      const refused = await grant(reason);
      expect(refused.errors).toBeUndefined();
      expect(refused.data!.grantGoodwill.userErrors).toMatchObject([{ code: 'INVALID_INPUT', field: ['input', 'reason'] }]);
    }
    expect(multiLine.data!.grantGoodwill.member!.balance).toBe(5);
  });

  it('refuses a grant without a reason, and members cannot grant', async () => {
    const card = await enrolMember(t);
    const noReason = await grocer.client.ok(GrantGoodwillDocument, {
      input: { cardNumber: card, points: 40, reason: ' ', idempotencyKey: newKey() },
    });
    expect(noReason.grantGoodwill.userErrors[0]).toMatchObject({ code: 'REASON_REQUIRED', field: ['input', 'reason'] });
    const unknown = await grocer.client.ok(GrantGoodwillDocument, {
      input: { cardNumber: '1212121212', points: 4, reason: 'sorry', idempotencyKey: newKey() },
    });
    expect(unknown.grantGoodwill.userErrors[0].code).toBe('UNKNOWN_MEMBER');
    const member = await t.anonymous
      .as(await t.memberToken(card))
      .request(GrantGoodwillDocument, { input: { cardNumber: card, points: 4, reason: 'me', idempotencyKey: 'k' } });
    expect(member.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect(await balance(card)).toBe(0);
  });
});

describe('surveys', () => {
  it('store the answers and pay once per member', async () => {
    const { createSurvey } = await t.operator.ok(CreateSurveyDocument, {
      input: { name: 'Store visit', points: 15, funderPartnerId: grocer.id },
    });
    const card = await enrolMember(t);
    const member = t.anonymous.as(await t.memberToken(card));
    const input = { surveyId: createSurvey.survey!.id, answers: [{ question: 'How was it?', answer: 'Great' }], idempotencyKey: newKey() };
    expect((await member.ok(SubmitSurveyDocument, { input })).submitSurvey).toMatchObject({ transaction: { kind: 'BONUS', points: 15 } });
    const [stored] = await t.dataSource.query('SELECT answers FROM survey_responses');
    expect(stored.answers).toEqual([{ question: 'How was it?', answer: 'Great' }]);
    const twice = await member.ok(SubmitSurveyDocument, { input: { ...input, idempotencyKey: newKey() } });
    expect(twice.submitSurvey.userErrors[0].code).toBe('SURVEY_ALREADY_COMPLETED');
    const unknown = await member.ok(SubmitSurveyDocument, { input: { ...input, surveyId: 'bm9wZQ', idempotencyKey: newKey() } });
    expect(unknown.submitSurvey.userErrors[0].code).toBe('UNKNOWN_SURVEY');
    expect(await balance(card)).toBe(15);
  });
});

describe('referral bonus', () => {
  it('pays both members once, on the referee’s first purchase', async () => {
    const referrer = await enrolMember(t);
    const referee = await enrolMember(t, { referredBy: referrer });
    await buy(referee);
    expect(await balance(referee)).toBe(10 + 50);
    expect(await balance(referrer)).toBe(50);
    await buy(referee);
    expect(await balance(referee)).toBe(20 + 50);
    expect(await balance(referrer)).toBe(50);
  });
});

describe('birthday bonus', () => {
  it('is paid on the day in the coalition’s time zone, once a year', async () => {
    // 23:30 UTC on 14 March is already 15 March in Berlin.
    const asOf = '2031-03-14T23:30:00Z';
    const card = await enrolMember(t, { birthDate: '1990-03-15' });
    const notToday = await enrolMember(t, { birthDate: '1990-03-14' });
    const first = await t.operator.ok(GrantBirthdayBonusesDocument, { input: { asOf } });
    expect(first.grantBirthdayBonuses.granted).toBe(1);
    expect(await balance(card)).toBe(25);
    expect(await balance(notToday)).toBe(0);
    expect((await t.operator.ok(GrantBirthdayBonusesDocument, { input: { asOf } })).grantBirthdayBonuses.granted).toBe(0);
  });

  it('celebrates 29 February on 28 February in other years', async () => {
    const card = await enrolMember(t, { birthDate: '2000-02-29' });
    await t.operator.ok(GrantBirthdayBonusesDocument, { input: { asOf: '2031-02-28T12:00:00Z' } });
    expect(await balance(card)).toBe(25);
  });
});

describe('coalition settings', () => {
  it('refuse an unknown time zone and out-of-range values', async () => {
    const zone = await t.operator.ok(UpdateCoalitionSettingsDocument, { input: { timeZone: 'Mars/Olympus' } });
    expect(zone.updateCoalitionSettings.userErrors[0]).toMatchObject({ code: 'INVALID_INPUT', field: ['input', 'timeZone'] });
    const months = await t.operator.ok(UpdateCoalitionSettingsDocument, { input: { expiryMonths: 0 } });
    expect(months.updateCoalitionSettings.userErrors[0].code).toBe('INVALID_INPUT');
  });
});
