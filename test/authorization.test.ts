import {
  GraphQLArgument,
  GraphQLField,
  GraphQLInputType,
  GraphQLNamedType,
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isScalarType,
} from 'graphql';
import { buildCoalitionSchema } from '../src/graphql/schema';
import { enrolMember, newKey, onboardPartner, TestPartner } from './support/coalition-fixtures';
import { GraphQLClient, startTestApp, TestApp } from './support/test-app';
import {
  CloseSettlementPeriodDocument,
  ConvertPointsToMilesDocument,
  CreateRewardDocument,
  CreateWebhookEndpointDocument,
  MemberStatusDocument,
  PartnerContractDocument,
  RecordPurchaseDocument,
  RedeemRewardDocument,
  SetMilesRatioDocument,
} from './generated/graphql';

type Caller = 'OPERATOR' | 'PARTNER' | 'MEMBER' | 'ANONYMOUS';
const O: Caller[] = ['OPERATOR'];
const P: Caller[] = ['PARTNER'];
const M: Caller[] = ['MEMBER'];
const OP: Caller[] = ['OPERATOR', 'PARTNER'];
const ANY: Caller[] = ['OPERATOR', 'PARTNER', 'MEMBER'];

/** Who may call each root field: the table the API promises (see the README's roles). */
const WHO_MAY: Record<string, Caller[]> = {
  'Query.coalitionSettings': ANY,
  'Query.currentPartner': ANY,
  'Query.me': M,
  'Query.member': ANY,
  'Query.members': O,
  'Query.milesRatios': ANY,
  'Query.node': ANY,
  'Query.partners': O,
  'Query.pointsFlow': O,
  'Query.pointsLiability': O,
  'Query.promotions': ANY,
  'Query.retentionReport': OP,
  'Query.atRiskFollowUps': OP,
  'Query.rewards': ANY,
  'Query.settlementPeriod': OP,
  'Query.settlementPeriods': OP,
  'Query.settlementDisputes': OP,
  'Query.serviceCases': O,
  'Query.serviceCaseStats': OP,
  'Query.tiers': ANY,
  'Mutation.addCompetitors': O,
  'Mutation.amendPartnerContract': O,
  'Mutation.closeSettlementPeriod': O,
  'Mutation.confirmMilesTransfer': P,
  'Mutation.convertMilesToPoints': P,
  'Mutation.convertPointsToMiles': M,
  'Mutation.createPartner': O,
  'Mutation.createPartnerApiKey': O,
  'Mutation.createPromotion': OP,
  'Mutation.createReward': O,
  'Mutation.createStampCard': OP,
  'Mutation.createSurvey': O,
  'Mutation.createTier': O,
  'Mutation.disputeSettlementLine': P,
  'Mutation.enrollMember': OP,
  'Mutation.enrollMe': M,
  'Mutation.eraseMember': O,
  'Mutation.setMarketingConsent': ANY,
  'Mutation.updateMemberProfile': M,
  'Query.exportMemberData': O,
  'Query.exportMyData': M,
  'Mutation.expirePoints': O,
  'Mutation.grantBirthdayBonuses': O,
  'Mutation.grantGoodwill': OP,
  'Mutation.markPaymentInstructionPaid': O,
  'Mutation.postSettlementAdjustment': O,
  'Mutation.recordPurchase': P,
  'Mutation.recordPurchases': P,
  'Mutation.recordReturn': P,
  'Mutation.refreshSegments': O,
  'Mutation.redeemGiftCard': P,
  'Mutation.redeemReward': ['MEMBER', 'PARTNER'],
  'Mutation.rejectMilesTransfer': P,
  'Mutation.resolveSettlementDispute': O,
  'Mutation.reviewTiers': O,
  'Mutation.revokePartnerApiKey': OP,
  'Mutation.setCategoryExclusive': O,
  'Mutation.setMilesRatio': O,
  'Mutation.setPartnerCategory': O,
  'Mutation.submitSurvey': M,
  'Mutation.updateCoalitionSettings': O,
  'Mutation.useVoucher': P,
  'Mutation.createWebhookEndpoint': P,
  'Query.viewerRole': ['OPERATOR', 'PARTNER', 'MEMBER'],
  'Mutation.updateWebhookEndpoint': OP,
  'Mutation.rotateWebhookEndpointSecret': OP,
  'Mutation.deleteWebhookEndpoint': OP,
  'Mutation.sendWebhookTestEvent': OP,
  'Mutation.replayWebhookDeliveries': OP,
  'Mutation.openServiceCase': OP,
  'Mutation.resolveServiceCase': OP,
  'Mutation.rateServiceCase': M,
  'Query.activityRules': OP,
  'Query.charities': ANY,
  'Mutation.createActivityRule': OP,
  'Mutation.setActivityRuleActive': OP,
  'Mutation.recordActivity': OP,
  'Mutation.donatePoints': M,
};

let t: TestApp;
let grocer: TestPartner;
let rival: TestPartner;
let card: string;
let otherCard: string;
let clients: Record<Caller, GraphQLClient>;
beforeAll(async () => {
  t = await startTestApp();
  grocer = await onboardPartner(t, { category: 'grocery' });
  rival = await onboardPartner(t, { category: 'airline' });
  card = await enrolMember(t);
  otherCard = await enrolMember(t);
  clients = { OPERATOR: t.operator, PARTNER: grocer.client, MEMBER: t.anonymous.as(await t.memberToken(card)), ANONYMOUS: t.anonymous };
});
afterAll(() => t.stop());

/** A value of the right type for a required argument; only authorization is under test. */
function sample(type: GraphQLInputType): string {
  if (isNonNullType(type)) return sample(type.ofType);
  if (isListType(type)) return `[${sample(type.ofType)}]`;
  const named = type as GraphQLNamedType;
  if (isEnumType(named)) return named.getValues()[0].name;
  if (isInputObjectType(named)) {
    const fields = Object.values(named.getFields()).filter((f) => isNonNullType(f.type));
    return `{ ${fields.map((f) => `${f.name}: ${sample(f.type)}`).join(', ')} }`;
  }
  if (isScalarType(named)) {
    // Strings are the member's own card number, so `member(cardNumber:)` is allowed for its member.
    return (
      { Int: '1', Points: '1', Boolean: 'true', Decimal: '"1"', DateTime: `"${new Date().toISOString()}"`, ID: '"eA"' }[named.name] ??
      `"${card}"`
    );
  }
  throw new Error(`no sample for ${String(type)}`);
}

function document(kind: 'query' | 'mutation', field: GraphQLField<unknown, unknown>): string {
  const args = field.args.filter((a: GraphQLArgument) => isNonNullType(a.type)).map((a) => `${a.name}: ${sample(a.type)}`);
  // Erasing the sample member would close its sign-in for the rest of the file: erase a card never enrolled.
  if (field.name === 'eraseMember') return `mutation { eraseMember(input: { cardNumber: "00000000", reason: "sweep" }) { __typename } }`;
  const selection = isLeafType(getNamedType(field.type)) ? '' : ' { __typename }';
  return `${kind} { ${field.name}${args.length ? `(${args.join(', ')})` : ''}${selection} }`;
}

describe('authorization sweep', () => {
  const schema = buildCoalitionSchema();
  const roots = [
    ...Object.values(schema.getQueryType()!.getFields()).map((f) => ({ kind: 'query' as const, coordinate: `Query.${f.name}`, field: f })),
    ...Object.values(schema.getMutationType()!.getFields()).map((f) => ({
      kind: 'mutation' as const,
      coordinate: `Mutation.${f.name}`,
      field: f,
    })),
  ];

  it('has an entry in the table for every query and mutation', () => {
    expect(roots.map((r) => r.coordinate).sort()).toEqual(Object.keys(WHO_MAY).sort());
  });

  it('lets each caller call exactly what the table allows: others get FORBIDDEN, anonymous callers UNAUTHENTICATED (401)', async () => {
    const mismatches: string[] = [];
    for (const { kind, coordinate, field } of roots) {
      for (const caller of ['OPERATOR', 'PARTNER', 'MEMBER', 'ANONYMOUS'] as Caller[]) {
        const result = await clients[caller].post({ query: document(kind, field) });
        const code = result.errors?.[0]?.extensions?.code;
        const allowed = WHO_MAY[coordinate].includes(caller);
        const refusedAs = caller === 'ANONYMOUS' ? 'UNAUTHENTICATED' : 'FORBIDDEN';
        if (allowed && (code === 'FORBIDDEN' || code === 'UNAUTHENTICATED' || result.status >= 500))
          mismatches.push(`${coordinate} refused ${caller}: ${code}`);
        if (!allowed && code !== refusedAs) mismatches.push(`${coordinate} let ${caller} through (${code ?? result.status})`);
        if (!allowed && caller === 'ANONYMOUS' && result.status !== 401) mismatches.push(`${coordinate} anonymous status ${result.status}`);
      }
    }
    expect(mismatches).toEqual([]);
  });
});

describe('object visibility', () => {
  it('never shows a partner another partner’s contract, history or wallet, nor a member another member', async () => {
    await grocer.client.ok(RecordPurchaseDocument, {
      input: { cardNumber: card, amount: { amount: '50', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
    });
    const rivalView = (await rival.client.ok(MemberStatusDocument, { cardNumber: card })).member!;
    expect(rivalView.transactions.edges).toEqual([]);
    expect(rivalView.vouchers).toEqual([]);
    expect((await rival.client.request(PartnerContractDocument, { id: grocer.id })).errors![0].extensions!.code).toBe('FORBIDDEN');
    const asMember = t.anonymous.as(await t.memberToken(card));
    expect((await asMember.request(MemberStatusDocument, { cardNumber: otherCard })).errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  it('resolves node(id) for each object type only for those allowed to see it', async () => {
    // One of each: a voucher redemption, a miles transfer, a settlement period.
    const { createReward } = await t.operator.ok(CreateRewardDocument, {
      input: { name: 'Bag', kind: 'VOUCHER', pointsCost: 10, fulfilledBy: grocer.id },
    });
    const owner = t.anonymous.as(await t.memberToken(card));
    const { redeemReward } = await owner.ok(RedeemRewardDocument, {
      input: { rewardId: createReward.reward!.id, idempotencyKey: newKey() },
    });
    await t.operator.ok(SetMilesRatioDocument, { input: { airlineId: rival.id, direction: 'TO_MILES', points: 1, miles: 1 } });
    const { convertPointsToMiles } = await owner.ok(ConvertPointsToMilesDocument, {
      input: { airlineId: rival.id, points: 5, frequentFlyerNumber: 'FF-9', idempotencyKey: newKey() },
    });
    const { closeSettlementPeriod } = await t.operator.ok(CloseSettlementPeriodDocument, {
      input: { periodEnd: new Date().toISOString() },
    });
    const { createWebhookEndpoint } = await grocer.client.ok(CreateWebhookEndpointDocument, { input: { url: 'http://127.0.0.1:9/hook' } });
    const status = (await owner.ok(MemberStatusDocument, { cardNumber: card })).member!;
    const ids: Record<string, { id: string; sees: string[] }> = {
      Partner: { id: grocer.id, sees: ['operator', 'grocer', 'rival', 'owner', 'stranger'] },
      Member: { id: await nodeIdOfMember(card), sees: ['operator', 'grocer', 'rival', 'owner'] },
      Transaction: { id: await firstTransactionId(card), sees: ['operator', 'grocer', 'owner'] },
      Reward: { id: createReward.reward!.id, sees: ['operator', 'grocer', 'rival', 'owner', 'stranger'] },
      Redemption: { id: redeemReward.redemption!.id, sees: ['operator', 'grocer', 'owner'] },
      MilesTransfer: { id: convertPointsToMiles.milesTransfer!.id, sees: ['operator', 'rival', 'owner'] },
      Purchase: { id: await firstPurchaseId(grocer), sees: ['operator', 'grocer'] },
      SettlementPeriod: { id: closeSettlementPeriod.period!.id, sees: ['operator', 'grocer', 'rival'] },
      WebhookEndpoint: { id: createWebhookEndpoint.webhookEndpoint!.id, sees: ['operator', 'grocer'] },
    };
    expect(status.vouchers).toHaveLength(1);
    const viewers: Record<string, GraphQLClient> = {
      operator: t.operator,
      grocer: grocer.client,
      rival: rival.client,
      owner,
      stranger: t.anonymous.as(await t.memberToken(otherCard)),
    };
    const wrong: string[] = [];
    for (const [type, { id, sees }] of Object.entries(ids)) {
      for (const [viewer, client] of Object.entries(viewers)) {
        const result = await client.post({ query: 'query ($id: ID!) { node(id: $id) { __typename id } }', variables: { id } });
        const visible = result.data?.node != null;
        if (visible !== sees.includes(viewer)) wrong.push(`${type} ${visible ? 'shown to' : 'hidden from'} ${viewer}`);
      }
      const anonymous = await t.anonymous.post({ query: 'query ($id: ID!) { node(id: $id) { id } }', variables: { id } });
      if (anonymous.status !== 401) wrong.push(`${type} answered anonymous with ${anonymous.status}`);
    }
    expect(wrong).toEqual([]);
  });
});

/** Who may read each field of a Partner that is its own business (anyone else: FORBIDDEN). */
const PARTNER_FIELDS_WHO_MAY: Record<string, ('operator' | 'itself' | 'another partner' | 'member')[]> = {
  contract: ['operator', 'itself'],
  apiKeys: ['operator', 'itself'],
  milesTransfers: ['operator', 'itself'],
  purchases: ['operator', 'itself'],
  statements: ['operator', 'itself'],
  webhookEndpoints: ['operator', 'itself'],
};

describe('partner self-service fields', () => {
  it('show a partner’s own affairs to the operator and the partner itself, FORBIDDEN to others', async () => {
    const viewers = {
      operator: t.operator,
      itself: grocer.client,
      'another partner': rival.client,
      member: t.anonymous.as(await t.memberToken(card)),
    };
    const wrong: string[] = [];
    for (const [field, allowed] of Object.entries(PARTNER_FIELDS_WHO_MAY)) {
      for (const [viewer, client] of Object.entries(viewers)) {
        const result = await client.post({
          query: `query ($id: ID!) { node(id: $id) { ... on Partner { ${field} { __typename } } } }`,
          variables: { id: grocer.id },
        });
        const code = result.errors?.[0]?.extensions?.code;
        const may = allowed.includes(viewer as keyof typeof viewers);
        if (may && code !== undefined) wrong.push(`Partner.${field} refused ${viewer}: ${code}`);
        if (!may && code !== 'FORBIDDEN') wrong.push(`Partner.${field} let ${viewer} through (${code})`);
      }
    }
    expect(wrong).toEqual([]);
  });
});

async function firstPurchaseId(partner: TestPartner): Promise<string> {
  const [row] = await t.dataSource.query('SELECT id FROM purchases WHERE partner_id = $1 ORDER BY id LIMIT 1', [partner.localId]);
  return Buffer.from(`Purchase:${row.id}`).toString('base64url');
}

async function nodeIdOfMember(cardNumber: string): Promise<string> {
  const [row] = await t.dataSource.query('SELECT id FROM members WHERE card_number = $1', [cardNumber]);
  return Buffer.from(`Member:${row.id}`).toString('base64url');
}

async function firstTransactionId(cardNumber: string): Promise<string> {
  const [row] = await t.dataSource.query(
    `SELECT e.id FROM ledger_entries e JOIN members m ON m.id = e.member_id WHERE m.card_number = $1 AND e.kind = 'EARN' ORDER BY e.id LIMIT 1`,
    [cardNumber],
  );
  return Buffer.from(`Transaction:${row.id}`).toString('base64url');
}
