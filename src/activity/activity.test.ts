import { auditLedger } from '../ledger/ledger-audit';
import { enrolMember, newKey, onboardPartner, TestPartner } from '../../test/support/coalition-fixtures';
import { GraphQLClient, startTestApp, TestApp } from '../../test/support/test-app';
import {
  ActivityRulesDocument,
  CloseSettlementPeriodDocument,
  CreateActivityRuleDocument,
  CreateActivityRuleInput,
  MemberStatusDocument,
  RecordActivityDocument,
  SetActivityRuleActiveDocument,
  SettlementPeriodStatementsDocument,
} from '../../test/generated/graphql';

let t: TestApp;
let grocer: TestPartner;
let rival: TestPartner;
beforeAll(async () => {
  t = await startTestApp();
  grocer = await onboardPartner(t);
  rival = await onboardPartner(t);
});
afterAll(() => t.stop());
afterEach(async () => expect(await auditLedger(t.dataSource)).toEqual([]));

let codes = 0;
const nextCode = () => `ACT_${process.pid}_${++codes}`;

async function rule(by: GraphQLClient, input: Partial<CreateActivityRuleInput> = {}) {
  const { createActivityRule } = await by.ok(CreateActivityRuleDocument, {
    input: { code: nextCode(), name: 'Wrote a review', points: 25, ...input },
  });
  expect(createActivityRule.userErrors).toEqual([]);
  return createActivityRule.activityRule!;
}

const report = (by: GraphQLClient, card: string, code: string, idempotencyKey = newKey()) =>
  by.ok(RecordActivityDocument, { input: { cardNumber: card, code, reference: `review-${idempotencyKey}`, idempotencyKey } });

const balance = async (card: string) => (await t.operator.ok(MemberStatusDocument, { cardNumber: card })).member!.balance;

describe('activity rules', () => {
  it('credit the member a BONUS with the rule’s name and the reporter’s reference', async () => {
    const { code } = await rule(t.operator, { name: 'App check-in', points: 10 });
    const card = await enrolMember(t);
    const { recordActivity } = await grocer.client.ok(RecordActivityDocument, {
      input: { cardNumber: card, code, reference: 'checkin-7', idempotencyKey: newKey() },
    });
    expect(recordActivity).toMatchObject({
      transaction: { kind: 'BONUS', points: 10, reason: 'App check-in', reference: 'checkin-7' },
      member: { balance: 10 },
      userErrors: [],
    });
  });

  it('cap credits per member per period, counted under the member lock: 10 concurrent reports with a cap of 3 credit exactly 3', async () => {
    const { code } = await rule(t.operator, { capCount: 3, capPeriod: 'WEEK' });
    const card = await enrolMember(t);
    const other = await enrolMember(t);
    const results = await Promise.all(Array.from({ length: 10 }, () => report(grocer.client, card, code)));
    const errors = results.map((r) => r.recordActivity.userErrors.map((e) => e.code)[0] ?? 'CREDITED');
    expect(errors.filter((e) => e === 'CREDITED')).toHaveLength(3);
    expect(errors.filter((e) => e === 'ACTIVITY_CAP_REACHED')).toHaveLength(7);
    expect(await balance(card)).toBe(75);
    // The cap is per member.
    expect((await report(grocer.client, other, code)).recordActivity.member!.balance).toBe(25);
  });

  it('earn only inside their window and while active', async () => {
    const card = await enrolMember(t);
    const later = await rule(t.operator, { startsAt: new Date(Date.now() + 86_400_000).toISOString() });
    const over = await rule(t.operator, {
      startsAt: new Date(Date.now() - 2 * 86_400_000).toISOString(),
      endsAt: new Date(Date.now() - 86_400_000).toISOString(),
    });
    const paused = await rule(grocer.client);
    const { setActivityRuleActive } = await grocer.client.ok(SetActivityRuleActiveDocument, {
      input: { ruleId: paused.id, active: false },
    });
    expect(setActivityRuleActive.activityRule).toMatchObject({ active: false });
    for (const { code } of [later, over, paused]) {
      expect((await report(grocer.client, card, code)).recordActivity.userErrors[0].code).toBe('ACTIVITY_NOT_ACTIVE');
    }
    await grocer.client.ok(SetActivityRuleActiveDocument, { input: { ruleId: paused.id, active: true } });
    expect((await report(grocer.client, card, paused.code)).recordActivity.member!.balance).toBe(25);
  });

  it('replay the first answer for the same key, credit once, and refuse the key for another request', async () => {
    const { code } = await rule(t.operator, { capCount: 5, capPeriod: 'DAY' });
    const card = await enrolMember(t);
    const key = newKey();
    const first = await report(grocer.client, card, code, key);
    const again = await report(grocer.client, card, code, key);
    expect(again.recordActivity).toEqual(first.recordActivity);
    expect(await balance(card)).toBe(25);
    const other = await grocer.client.ok(RecordActivityDocument, {
      input: { cardNumber: card, code, reference: 'something else', idempotencyKey: key },
    });
    expect(other.recordActivity.userErrors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
  });

  it('let a partner fund and report its own rules and the operator’s, never another partner’s', async () => {
    const own = await rule(grocer.client);
    expect(own.funder).toEqual({ id: grocer.id });
    const foreign = await grocer.client.ok(CreateActivityRuleDocument, {
      input: { code: nextCode(), name: 'x', points: 5, funderPartnerId: rival.id },
    });
    expect(foreign.createActivityRule.userErrors[0].code).toBe('NOT_ALLOWED');
    const operatorRule = await rule(t.operator);
    const card = await enrolMember(t);
    expect((await report(rival.client, card, own.code)).recordActivity.userErrors[0].code).toBe('UNKNOWN_ACTIVITY');
    expect((await report(rival.client, card, operatorRule.code)).recordActivity.userErrors).toEqual([]);
    expect((await report(t.operator, card, own.code)).recordActivity.userErrors).toEqual([]);
    const seen = (await rival.client.ok(ActivityRulesDocument, { first: 100 })).activityRules.edges.map((e) => e.node.code);
    expect(seen).toContain(operatorRule.code);
    expect(seen).not.toContain(own.code);
  });

  it('refuse unknown codes, unknown cards, duplicate codes and malformed rules, changing nothing', async () => {
    const { code } = await rule(t.operator);
    const card = await enrolMember(t);
    expect((await report(grocer.client, card, 'NO_SUCH_THING')).recordActivity.userErrors[0].code).toBe('UNKNOWN_ACTIVITY');
    expect((await report(grocer.client, '1212121212', code)).recordActivity.userErrors[0].code).toBe('UNKNOWN_MEMBER');
    const duplicate = await t.operator.ok(CreateActivityRuleDocument, { input: { code, name: 'again', points: 1 } });
    expect(duplicate.createActivityRule.userErrors[0].code).toBe('DUPLICATE_ACTIVITY');
    const bad = await t.operator.ok(CreateActivityRuleDocument, { input: { code: 'review', name: 'x', points: 1, capCount: 3 } });
    expect(bad.createActivityRule.userErrors.map((e) => e.field)).toEqual([
      ['input', 'code'],
      ['input', 'capCount'],
    ]);
    expect(await balance(card)).toBe(0);
  });

  it('bill the funder at its issuance price on the PROMOTION line of its statement', async () => {
    const funder = await onboardPartner(t, { issuancePricePerPoint: '0.012' });
    const { code } = await rule(t.operator, { points: 40, funderPartnerId: funder.id });
    const card = await enrolMember(t);
    for (const by of [grocer.client, t.operator]) expect((await report(by, card, code)).recordActivity.userErrors).toEqual([]);
    const { closeSettlementPeriod } = await t.operator.ok(CloseSettlementPeriodDocument, {
      input: { periodEnd: new Date().toISOString() },
    });
    const { settlementPeriod } = await t.operator.ok(SettlementPeriodStatementsDocument, { id: closeSettlementPeriod.period!.id });
    const statement = settlementPeriod!.statements.find((s) => s.partner.id === funder.id)!;
    expect(statement.lines).toEqual([{ kind: 'PROMOTION', points: 80, amount: { amount: '-0.96', currency: 'EUR' } }]);
  });
});
