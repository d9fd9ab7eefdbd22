import { enrolMember, newKey, onboardPartner, TestPartner } from '../../test/support/coalition-fixtures';
import { countStatements } from '../../test/support/statement-count';
import { GraphQLClient, startTestApp, TestApp } from '../../test/support/test-app';
import {
  CloseSettlementPeriodDocument,
  ConfirmMilesTransferDocument,
  ConvertPointsToMilesDocument,
  CurrentPartnerDocument,
  PartnerMilesTransfersDocument,
  PartnerPurchasesDocument,
  PartnerPurchasesQueryVariables,
  PartnerStatementsDocument,
  PartnerStatementsQueryVariables,
  PendingMilesTransfersDocument,
  RecordPurchaseDocument,
  RecordReturnDocument,
  RejectMilesTransferDocument,
  SetMilesRatioDocument,
} from '../../test/generated/graphql';

let t: TestApp;
let airline: TestPartner;
let otherAirline: TestPartner;
let grocer: TestPartner;
let rival: TestPartner;
let card: string;
let member: GraphQLClient;
beforeAll(async () => {
  t = await startTestApp();
  airline = await onboardPartner(t, { category: 'airline' });
  otherAirline = await onboardPartner(t, { category: 'airline-2' });
  grocer = await onboardPartner(t, { category: 'grocery' });
  rival = await onboardPartner(t, { category: 'grocery-2' });
  for (const a of [airline, otherAirline]) {
    await t.operator.ok(SetMilesRatioDocument, { input: { airlineId: a.id, direction: 'TO_MILES', points: 2, miles: 1 } });
  }
  card = await enrolMember(t);
  member = t.anonymous.as(await t.memberToken(card));
});
afterAll(() => t.stop());

const purchase = (partner: TestPartner, cardNumber: string, amount: string, reference = newKey()) =>
  partner.client.ok(RecordPurchaseDocument, {
    input: { cardNumber, amount: { amount, currency: 'EUR' }, reference, idempotencyKey: newKey() },
  });
const codeOf = (result: { errors?: readonly { extensions?: Record<string, unknown> }[] }) => result.errors?.[0]?.extensions?.code;

describe('currentPartner', () => {
  it('answers the calling partner, null for the operator and members, and needs credentials', async () => {
    expect((await airline.client.ok(CurrentPartnerDocument, {})).currentPartner).toEqual({ id: airline.id, name: airline.name });
    expect((await t.operator.ok(CurrentPartnerDocument, {})).currentPartner).toBeNull();
    expect((await member.ok(CurrentPartnerDocument, {})).currentPartner).toBeNull();
    const anonymous = await t.anonymous.request(CurrentPartnerDocument, {});
    expect([anonymous.status, codeOf(anonymous)]).toEqual([401, 'UNAUTHENTICATED']);
  });
});

describe('Partner.milesTransfers', () => {
  const ids: Record<'confirmed' | 'rejected' | 'pending' | 'lapsed', string> = { confirmed: '', rejected: '', pending: '', lapsed: '' };
  const list = (
    client: GraphQLClient,
    id: string,
    vars: { status?: 'PENDING' | 'CONFIRMED' | 'REJECTED' | 'EXPIRED'; first?: number; after?: string } = {},
  ) => client.request(PartnerMilesTransfersDocument, { id, ...vars });
  const transfersOf = async (client: GraphQLClient, id: string, vars: Parameters<typeof list>[2] = {}) => {
    const { data, errors } = await list(client, id, vars);
    expect(errors).toBeUndefined();
    return (
      data!.node as {
        milesTransfers: {
          edges: { cursor: string; node: { id: string; status: string } }[];
          pageInfo: { hasNextPage: boolean; endCursor: string | null };
        };
      }
    ).milesTransfers;
  };

  beforeAll(async () => {
    await purchase(grocer, card, '100');
    const toMiles = async (airlineId: string, points: number) =>
      (
        await member.ok(ConvertPointsToMilesDocument, {
          input: { airlineId, points, frequentFlyerNumber: 'FF-1001', idempotencyKey: newKey() },
        })
      ).convertPointsToMiles.milesTransfer!.id;
    ids.confirmed = await toMiles(airline.id, 10);
    ids.rejected = await toMiles(airline.id, 12);
    ids.pending = await toMiles(airline.id, 14);
    ids.lapsed = await toMiles(airline.id, 16);
    await toMiles(otherAirline.id, 18);
    await airline.client.ok(ConfirmMilesTransferDocument, { input: { transferId: ids.confirmed, idempotencyKey: newKey() } });
    await airline.client.ok(RejectMilesTransferDocument, { input: { transferId: ids.rejected, idempotencyKey: newKey() } });
    // Past its expiry but not yet swept: the airline can no longer confirm it.
    await t.dataSource.query(
      `UPDATE point_holds SET expires_at = now() - interval '1 second'
        WHERE id = (SELECT hold_id FROM miles_transfers WHERE id = $1)`,
      [Buffer.from(ids.lapsed, 'base64url').toString().split(':')[1]],
    );
  });

  it('lists an airline its own transfers oldest first, with the contract fields, paged by cursor', async () => {
    const all = await transfersOf(airline.client, airline.id);
    expect(all.edges.map((e) => [e.node.id, e.node.status])).toEqual([
      [ids.confirmed, 'CONFIRMED'],
      [ids.rejected, 'REJECTED'],
      [ids.pending, 'PENDING'],
      [ids.lapsed, 'EXPIRED'],
    ]);
    expect(all.edges[0].node).toMatchObject({ points: 10, miles: 5, frequentFlyerNumber: 'FF-1001' });
    const first = await transfersOf(airline.client, airline.id, { first: 3 });
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await transfersOf(airline.client, airline.id, { first: 3, after: first.pageInfo.endCursor! });
    expect(rest.edges.map((e) => e.node.id)).toEqual([ids.lapsed]);
    expect(rest.pageInfo.hasNextPage).toBe(false);
  });

  it('filters by status: PENDING is what the airline can still answer', async () => {
    const statuses = { PENDING: [ids.pending], CONFIRMED: [ids.confirmed], REJECTED: [ids.rejected], EXPIRED: [ids.lapsed] } as const;
    for (const [status, expected] of Object.entries(statuses)) {
      const page = await transfersOf(airline.client, airline.id, { status: status as keyof typeof statuses });
      expect([status, page.edges.map((e) => e.node.id)]).toEqual([status, expected]);
      expect(page.edges.every((e) => e.node.status === status)).toBe(true);
    }
    const { currentPartner } = await airline.client.ok(PendingMilesTransfersDocument, {});
    expect(currentPartner!.milesTransfers.edges.map((e) => e.node.id)).toEqual([ids.pending]);
  });

  it('shows the operator any airline’s, and refuses another partner and members with FORBIDDEN', async () => {
    expect((await transfersOf(t.operator, airline.id)).edges).toHaveLength(4);
    expect((await transfersOf(otherAirline.client, otherAirline.id)).edges).toHaveLength(1);
    expect((await transfersOf(grocer.client, grocer.id)).edges).toEqual([]);
    expect(codeOf(await list(otherAirline.client, airline.id))).toBe('FORBIDDEN');
    expect(codeOf(await list(member, airline.id))).toBe('FORBIDDEN');
  });
});

describe('Partner.purchases', () => {
  type Page = {
    edges: { cursor: string; node: { id: string; reference: string; createdAt: string; cardNumber: string } & Record<string, unknown> }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
  };
  const list = (client: GraphQLClient, id: string, vars: Omit<PartnerPurchasesQueryVariables, 'id'> = {}) =>
    client.request(PartnerPurchasesDocument, { id, ...vars });
  const purchasesOf = async (client: GraphQLClient, id: string, vars: Omit<PartnerPurchasesQueryVariables, 'id'> = {}): Promise<Page> => {
    const { data, errors } = await list(client, id, vars);
    expect(errors).toBeUndefined();
    return (data!.node as { purchases: Page }).purchases;
  };
  const refs = ['R-1', 'R-2', 'R-3'];
  let otherCard: string;

  beforeAll(async () => {
    otherCard = await enrolMember(t);
    await purchase(grocer, card, '40.00', refs[0]);
    await purchase(grocer, otherCard, '25.50', refs[1]);
    await purchase(grocer, card, '10.00', refs[2]);
    await purchase(rival, card, '99.00', 'R-1');
    for (const amount of ['5.00', '2.50']) {
      await grocer.client.ok(RecordReturnDocument, {
        input: { reference: refs[0], amount: { amount, currency: 'EUR' }, idempotencyKey: newKey() },
      });
    }
  });

  it('lists a partner its purchases newest first, each with its card, amounts, points and returns', async () => {
    const page = await purchasesOf(grocer.client, grocer.id, { first: 10 });
    const own = page.edges.filter((e) => refs.includes(e.node.reference));
    expect(own.map((e) => [e.node.reference, e.node.cardNumber])).toEqual([
      ['R-3', card],
      ['R-2', otherCard],
      ['R-1', card],
    ]);
    expect(own[2].node).toMatchObject({
      amount: { amount: '40.00', currency: 'EUR' },
      points: 40,
      returnedAmount: { amount: '7.50', currency: 'EUR' },
      returns: [
        { amount: { amount: '5.00', currency: 'EUR' }, points: 5 },
        { amount: { amount: '2.50', currency: 'EUR' }, points: 2 },
      ],
    });
    expect(own[0].node).toMatchObject({ returnedAmount: { amount: '0.00' }, returns: [] });
  });

  it('pages forward and backward by cursor and filters by reference and time', async () => {
    const all = await purchasesOf(grocer.client, grocer.id, { first: 100 });
    const first = await purchasesOf(grocer.client, grocer.id, { first: 2 });
    expect(first.edges.map((e) => e.node.id)).toEqual(all.edges.slice(0, 2).map((e) => e.node.id));
    expect(first.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const next = await purchasesOf(grocer.client, grocer.id, { first: 2, after: first.pageInfo.endCursor });
    expect(next.edges.map((e) => e.node.id)).toEqual(all.edges.slice(2, 4).map((e) => e.node.id));
    const back = await purchasesOf(grocer.client, grocer.id, { last: 1, before: next.pageInfo.startCursor });
    expect(back.edges.map((e) => e.node.id)).toEqual([all.edges[1].node.id]);
    expect(back.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });

    const byReference = await purchasesOf(grocer.client, grocer.id, { reference: ' R-2 ' });
    expect(byReference.edges.map((e) => e.node.cardNumber)).toEqual([otherCard]);
    const r2 = all.edges.find((e) => e.node.reference === 'R-2')!.node.createdAt;
    const r3 = all.edges.find((e) => e.node.reference === 'R-3')!.node.createdAt;
    const range = await purchasesOf(grocer.client, grocer.id, { from: r2, to: r3 });
    expect(range.edges.map((e) => e.node.reference)).toEqual(['R-2']);
    expect(codeOf(await list(grocer.client, grocer.id, { first: 101 }))).toBe('BAD_USER_INPUT');
  });

  it('never shows another partner’s purchases; the operator sees any partner’s; node(id) follows the same rule', async () => {
    const rivalOwn = await purchasesOf(rival.client, rival.id);
    expect(rivalOwn.edges.map((e) => e.node.reference)).toEqual(['R-1']);
    expect(rivalOwn.edges[0].node).toMatchObject({ amount: { amount: '99.00' } });
    expect(codeOf(await list(rival.client, grocer.id))).toBe('FORBIDDEN');
    expect(codeOf(await list(member, grocer.id))).toBe('FORBIDDEN');
    const asOperator = await purchasesOf(t.operator, grocer.id, { first: 100 });
    expect(asOperator.edges.map((e) => e.node.id)).toEqual(
      (await purchasesOf(grocer.client, grocer.id, { first: 100 })).edges.map((e) => e.node.id),
    );

    const id = rivalOwn.edges[0].node.id;
    const node = (client: GraphQLClient) =>
      client.post({ query: 'query ($id: ID!) { node(id: $id) { ... on Purchase { reference } } }', variables: { id } });
    expect((await node(rival.client)).data?.node).toEqual({ reference: 'R-1' });
    expect((await node(t.operator)).data?.node).toEqual({ reference: 'R-1' });
    expect((await node(grocer.client)).data?.node).toBeNull();
  });
});

describe('Partner.statements', () => {
  type Page = {
    edges: { cursor: string; node: { currency: string; period: { id: string }; partner: { id: string } } }[];
    pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null; startCursor: string | null };
  };
  const statementsOf = async (client: GraphQLClient, id: string, vars: Omit<PartnerStatementsQueryVariables, 'id'> = {}): Promise<Page> => {
    const { data, errors } = await client.request(PartnerStatementsDocument, { id, ...vars });
    expect(errors).toBeUndefined();
    return (data!.node as { statements: Page }).statements;
  };
  const periods: string[] = [];

  beforeAll(async () => {
    for (const amount of ['3.00', '4.00']) {
      await purchase(grocer, card, amount);
      await purchase(rival, card, amount);
      const { closeSettlementPeriod } = await t.operator.ok(CloseSettlementPeriodDocument, {
        input: { periodEnd: new Date().toISOString() },
      });
      periods.unshift(closeSettlementPeriod.period!.id);
    }
  });

  it('lists a partner its own statements, newest period first, paged by cursor', async () => {
    const all = await statementsOf(grocer.client, grocer.id);
    expect(all.edges.map((e) => [e.node.period.id, e.node.currency, e.node.partner.id])).toEqual([
      [periods[0], 'EUR', grocer.id],
      [periods[1], 'EUR', grocer.id],
    ]);
    const first = await statementsOf(grocer.client, grocer.id, { first: 1 });
    expect(first.edges.map((e) => e.node.period.id)).toEqual([periods[0]]);
    expect(first.pageInfo.hasNextPage).toBe(true);
    const rest = await statementsOf(grocer.client, grocer.id, { first: 1, after: first.pageInfo.endCursor });
    expect(rest.edges.map((e) => e.node.period.id)).toEqual([periods[1]]);
    expect(rest.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    const back = await statementsOf(grocer.client, grocer.id, { last: 1, before: rest.pageInfo.startCursor });
    expect(back.edges.map((e) => e.node.period.id)).toEqual([periods[0]]);
  });

  it('never shows another partner’s statements; the operator sees any partner’s', async () => {
    const rivalOwn = await statementsOf(rival.client, rival.id);
    expect(rivalOwn.edges.map((e) => e.node.partner.id)).toEqual([rival.id, rival.id]);
    expect(codeOf(await rival.client.request(PartnerStatementsDocument, { id: grocer.id }))).toBe('FORBIDDEN');
    expect(codeOf(await member.request(PartnerStatementsDocument, { id: grocer.id }))).toBe('FORBIDDEN');
    expect((await statementsOf(t.operator, grocer.id)).edges.map((e) => e.node.period.id)).toEqual(periods);
  });
});

describe('list costs', () => {
  it('sends as many SQL statements for a long page as for a page of one', async () => {
    const pages: [string, (first: number) => Promise<unknown>][] = [
      ['purchases', (first) => t.operator.ok(PartnerPurchasesDocument, { id: grocer.id, first })],
      ['milesTransfers', (first) => t.operator.ok(PartnerMilesTransfersDocument, { id: airline.id, first })],
      ['statements', (first) => t.operator.ok(PartnerStatementsDocument, { id: grocer.id, first })],
    ];
    for (const [name, page] of pages) {
      const one = await countStatements(() => page(1));
      const many = await countStatements(() => page(100));
      expect([name, many]).toEqual([name, one]);
      expect(one).toBeGreaterThanOrEqual(1);
      expect(one).toBeLessThanOrEqual(3);
    }
  });
});
