import { auditLedger } from '../ledger/ledger-audit';
import { enrolMember, newKey, onboardPartner, TestPartner } from '../../test/support/coalition-fixtures';
import { GraphQLClient, startTestApp, TestApp } from '../../test/support/test-app';
import {
  CharitiesDocument,
  CloseSettlementPeriodDocument,
  DonatePointsDocument,
  MemberDonationsDocument,
  RecordPurchaseDocument,
  SettlementMarginDocument,
  SettlementPeriodStatementsDocument,
} from '../../test/generated/graphql';

let t: TestApp;
let grocer: TestPartner;
let charity: TestPartner;
beforeAll(async () => {
  t = await startTestApp();
  grocer = await onboardPartner(t, { pointsPerUnit: '10', issuancePricePerPoint: '0.01' });
  charity = await onboardPartner(t, { name: 'Clean Rivers Fund', category: 'charity', redemptionValuePerPoint: '0.0075' });
});
afterAll(() => t.stop());
afterEach(async () => expect(await auditLedger(t.dataSource)).toEqual([]));

/** A member with `points` earned at the grocer, and a client signed in as it. */
async function memberWith(points: number): Promise<{ card: string; member: GraphQLClient }> {
  const card = await enrolMember(t);
  await grocer.client.ok(RecordPurchaseDocument, {
    input: { cardNumber: card, amount: { amount: String(points / 10), currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
  });
  return { card, member: t.anonymous.as(await t.memberToken(card)) };
}

const donate = (member: GraphQLClient, points: number, charityId = charity.id, idempotencyKey = newKey()) =>
  member.ok(DonatePointsDocument, { input: { charityId, points, idempotencyKey } });

describe('donations', () => {
  it('list the charities with what a point is worth to each', async () => {
    const { charities } = await t.anonymous.as(await t.memberToken((await memberWith(10)).card)).ok(CharitiesDocument);
    expect(charities).toEqual([{ id: charity.id, name: 'Clean Rivers Fund', currency: 'EUR', valuePerPoint: '0.0075' }]);
  });

  it('debit the points, show the donation to the member and pay the charity on its DONATION line; nets and margin sum to zero', async () => {
    const { card, member } = await memberWith(1000);
    const { donatePoints } = await donate(member, 300);
    expect(donatePoints).toMatchObject({
      donation: { points: 300, value: { amount: '2.25', currency: 'EUR' }, charity: { id: charity.id, name: 'Clean Rivers Fund' } },
      member: { balance: 700 },
      userErrors: [],
    });
    const { member: seen } = await member.ok(MemberDonationsDocument, { cardNumber: card, first: 10 });
    expect(seen!.donations.edges.map((e) => e.node)).toMatchObject([
      { points: 300, value: { amount: '2.25' }, charity: { name: 'Clean Rivers Fund' } },
    ]);
    expect(seen!.transactions.edges[0].node).toEqual({ kind: 'REDEEM', points: -300, reason: 'Donation to Clean Rivers Fund' });
    // The grocer does not see the member's donations; the charity does.
    expect((await grocer.client.ok(MemberDonationsDocument, { cardNumber: card })).member!.donations.edges).toEqual([]);
    expect((await charity.client.ok(MemberDonationsDocument, { cardNumber: card })).member!.donations.edges).toHaveLength(1);

    const { closeSettlementPeriod } = await t.operator.ok(CloseSettlementPeriodDocument, {
      input: { periodEnd: new Date().toISOString() },
    });
    const id = closeSettlementPeriod.period!.id;
    const { settlementPeriod } = await t.operator.ok(SettlementPeriodStatementsDocument, { id });
    const statements = settlementPeriod!.statements;
    expect(statements.find((s) => s.partner.id === charity.id)!.lines).toEqual([
      { kind: 'DONATION', points: 300, amount: { amount: '2.25', currency: 'EUR' } },
    ]);
    // The charity sees its own statement.
    const own = (await charity.client.ok(SettlementPeriodStatementsDocument, { id })).settlementPeriod!.statements;
    expect(own.map((s) => [s.partner.id, s.net.amount])).toEqual([[charity.id, '2.25']]);
    const { settlementPeriod: margin } = await t.operator.ok(SettlementMarginDocument, { id });
    const cents = (amount: string) => BigInt(amount.replace('.', ''));
    const nets = statements.reduce((sum, s) => sum + cents(s.net.amount), 0n);
    expect(margin!.operatorMargin).toHaveLength(1);
    expect(nets + cents(margin!.operatorMargin[0].amount)).toBe(0n);
  });

  it('replay the first donation for the same key', async () => {
    const { member } = await memberWith(500);
    const key = newKey();
    const first = await donate(member, 200, charity.id, key);
    expect(await donate(member, 200, charity.id, key)).toEqual(first);
    expect(first.donatePoints.member!.balance).toBe(300);
  });

  it('refuse too few points, a partner that is not a charity and below the minimum, changing nothing', async () => {
    const { card, member } = await memberWith(150);
    expect((await donate(member, 151)).donatePoints.userErrors[0].code).toBe('INSUFFICIENT_POINTS');
    expect((await donate(member, 100, grocer.id)).donatePoints.userErrors[0]).toMatchObject({ code: 'NOT_A_CHARITY' });
    expect((await donate(member, 99)).donatePoints.userErrors[0].code).toBe('BELOW_MINIMUM');
    const { member: after } = await member.ok(MemberDonationsDocument, { cardNumber: card });
    expect(after).toMatchObject({ balance: 150, donations: { edges: [] } });
  });

  it('are for members only', async () => {
    const refused = await grocer.client.request(DonatePointsDocument, {
      input: { charityId: charity.id, points: 100, idempotencyKey: 'k' },
    });
    expect(refused.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});
