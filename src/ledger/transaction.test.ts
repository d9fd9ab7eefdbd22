import { startTestApp, TestApp } from '../../test/support/test-app';
import {
  CreatePartnerDocument,
  EnrollMemberDocument,
  MemberHistoryDocument,
  MyBalanceDocument,
  TransactionNodeDocument,
} from '../../test/generated/graphql';
import { Ledger, partnerAccount } from './ledger.service';

let t: TestApp;
let ledger: Ledger;
const partners: Record<'fuel' | 'cinema', { id: string; localId: string; key: string }> = {} as never;
const card = '7000000001';
let memberLocalId: string;

beforeAll(async () => {
  t = await startTestApp();
  ledger = new Ledger(t.dataSource);
  for (const [name, category] of [
    ['fuel', 'fuel'],
    ['cinema', 'cinema'],
  ] as const) {
    const { createPartner } = await t.operator.ok(CreatePartnerDocument, {
      input: { name, category, currency: 'EUR', pointsPerUnit: '1', issuancePricePerPoint: '0.01', redemptionValuePerPoint: '0.008' },
    });
    const id = createPartner.partner!.id;
    partners[name] = { id, localId: Buffer.from(id, 'base64url').toString().split(':')[1], key: createPartner.apiKey! };
  }
  await t.operator.ok(EnrollMemberDocument, { input: { cardNumber: card } });
  [{ id: memberLocalId }] = await t.dataSource.query('SELECT id FROM members WHERE card_number = $1', [card]);

  // Five movements: earn 100 and 50 at fuel, spend 30 at cinema, hold 20 for the cinema, return 10 at fuel.
  const audit = { principal: 'test' };
  const fuel = partners.fuel.localId;
  const cinema = partners.cinema.localId;
  const expiresAt = new Date(Date.now() + 86_400_000 * 365);
  const first = await ledger.credit({
    memberId: memberLocalId,
    points: 100n,
    kind: 'EARN',
    source: partnerAccount(fuel, 'ISSUED'),
    fundingPartnerId: fuel,
    expiresAt,
    partnerId: fuel,
    audit: { ...audit, reference: 'R-1' },
  });
  await ledger.credit({
    memberId: memberLocalId,
    points: 50n,
    kind: 'EARN',
    source: partnerAccount(fuel, 'ISSUED'),
    fundingPartnerId: fuel,
    expiresAt,
    partnerId: fuel,
    audit,
  });
  await ledger.debit({
    memberId: memberLocalId,
    points: 30n,
    kind: 'REDEEM',
    destination: partnerAccount(cinema, 'REDEEMED'),
    partnerId: cinema,
    audit,
  });
  await ledger.hold({ memberId: memberLocalId, points: 20n, kind: 'MILES_TRANSFER', partnerId: cinema, expiresAt, audit });
  await ledger.reverse({ entryId: first.entryId, points: 10n, kind: 'RETURN', audit });
});
afterAll(() => t.stop());

const history = (token: string, args: { first?: number; after?: string | null; last?: number; before?: string | null } = {}) =>
  t.anonymous.as(token).ok(MemberHistoryDocument, { cardNumber: card, ...args });

describe("a member's balance and transactions", () => {
  it('shows the spendable balance, the held points and every movement newest first to the operator', async () => {
    const { member } = await history(t.config.operatorKey, { first: 10 });
    expect(member).toMatchObject({ balance: 90, heldPoints: 20 });
    expect(member!.transactions.edges.map((e) => [e.node.kind, e.node.points, e.node.partner?.name])).toEqual([
      ['RETURN', -10, 'fuel'],
      ['MILES_TRANSFER', -20, 'cinema'],
      ['REDEEM', -30, 'cinema'],
      ['EARN', 50, 'fuel'],
      ['EARN', 100, 'fuel'],
    ]);
    expect(member!.transactions.edges[4].node.reference).toBe('R-1');
  });

  it('pages with cursors in both directions', async () => {
    const op = t.config.operatorKey;
    const all = (await history(op, { first: 10 })).member!.transactions.edges.map((e) => e.node.id);
    const page1 = (await history(op, { first: 2 })).member!.transactions;
    expect(page1.edges.map((e) => e.node.id)).toEqual(all.slice(0, 2));
    expect(page1.pageInfo.hasNextPage).toBe(true);
    const page2 = (await history(op, { first: 2, after: page1.pageInfo.endCursor })).member!.transactions;
    expect(page2.edges.map((e) => e.node.id)).toEqual(all.slice(2, 4));
    const oldest = (await history(op, { last: 2 })).member!.transactions;
    expect(oldest.edges.map((e) => e.node.id)).toEqual(all.slice(3));
    const beforeOldest = (await history(op, { last: 1, before: oldest.pageInfo.startCursor })).member!.transactions;
    expect(beforeOldest.edges.map((e) => e.node.id)).toEqual(all.slice(2, 3));
  });

  it('shows a partner only what happened at it', async () => {
    const fuel = (await history(partners.fuel.key, { first: 10 })).member!.transactions.edges.map((e) => e.node.kind);
    expect(fuel).toEqual(['RETURN', 'EARN', 'EARN']);
    const cinema = (await history(partners.cinema.key, { first: 10 })).member!.transactions.edges.map((e) => e.node.kind);
    expect(cinema).toEqual(['MILES_TRANSFER', 'REDEEM']);
  });

  it('shows the member everything through me', async () => {
    const { me } = await t.anonymous.as(await t.memberToken(card)).ok(MyBalanceDocument);
    expect(me).toMatchObject({ balance: 90, heldPoints: 20 });
    expect(me!.transactions.edges).toHaveLength(5);
  });

  it('resolves a transaction node for the operator, the member and its partner only', async () => {
    const [fuelEarn] = (await history(partners.fuel.key, { first: 1 })).member!.transactions.edges;
    const id = fuelEarn.node.id;
    expect((await t.operator.ok(TransactionNodeDocument, { id })).node).toMatchObject({ __typename: 'Transaction', kind: 'RETURN' });
    expect((await t.anonymous.as(partners.fuel.key).ok(TransactionNodeDocument, { id })).node).toMatchObject({ kind: 'RETURN' });
    expect((await t.anonymous.as(await t.memberToken(card)).ok(TransactionNodeDocument, { id })).node).toMatchObject({ kind: 'RETURN' });
    expect((await t.anonymous.as(partners.cinema.key).ok(TransactionNodeDocument, { id })).node).toBeNull();
    expect((await t.anonymous.as(await t.memberToken('7000000002')).ok(TransactionNodeDocument, { id })).node).toBeNull();
  });
});
