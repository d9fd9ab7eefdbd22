import { countStatements } from '../../test/support/statement-count';
import { startTestApp, TestApp } from '../../test/support/test-app';
import {
  CreatePartnerDocument,
  EnrollMemberDocument,
  EnrollMemberInput,
  MeDocument,
  MemberByCardDocument,
  MemberNodeDocument,
  MembersDocument,
} from '../../test/generated/graphql';

let t: TestApp;
let partnerKey: string;
beforeAll(async () => {
  t = await startTestApp();
  const { createPartner } = await t.operator.ok(CreatePartnerDocument, {
    input: {
      name: 'Corner Grocer',
      category: 'grocery',
      currency: 'EUR',
      pointsPerUnit: '1',
      issuancePricePerPoint: '0.01',
      redemptionValuePerPoint: '0.008',
    },
  });
  partnerKey = createPartner.apiKey!;
});
afterAll(() => t.stop());

let seq = 100000;
const newCard = () => `4000${++seq}`;
const countMembers = async () => Number((await t.dataSource.query('SELECT count(*) AS n FROM members'))[0].n);

async function enroll(input: EnrollMemberInput, as = partnerKey) {
  return (await t.anonymous.as(as).ok(EnrollMemberDocument, { input })).enrollMember;
}

describe('enrollMember', () => {
  it('enrols a card at a partner till, recording the enrolling partner', async () => {
    const card = newCard();
    const { member, userErrors } = await enroll({ cardNumber: card, birthDate: '1990-02-28' });
    expect(userErrors).toEqual([]);
    expect(member).toMatchObject({ cardNumber: card });
    const [row] = await t.dataSource.query(
      'SELECT birth_date::text AS birth_date, enrolled_by_partner_id FROM members WHERE card_number = $1',
      [card],
    );
    expect(row.birth_date).toBe('1990-02-28');
    expect(row.enrolled_by_partner_id).not.toBeNull();
  });

  it('lets the operator enrol too, and normalises spaces and case in the card number', async () => {
    const { member } = await enroll({ cardNumber: ' 6000 12ab 34 ' }, t.config.operatorKey);
    expect(member!.cardNumber).toBe('600012AB34');
  });

  it('refuses an already enrolled card with DUPLICATE_CARD and keeps one member', async () => {
    const card = newCard();
    await enroll({ cardNumber: card });
    const before = await countMembers();
    const again = await enroll({ cardNumber: card.toLowerCase() });
    expect(again.member).toBeNull();
    expect(again.userErrors).toEqual([{ code: 'DUPLICATE_CARD', field: ['input', 'cardNumber'], message: expect.stringContaining(card) }]);
    expect(await countMembers()).toBe(before);
  });

  it('links a referral to an existing member and refuses an unknown referrer with UNKNOWN_MEMBER', async () => {
    const referrer = newCard();
    await enroll({ cardNumber: referrer });
    const referee = newCard();
    expect((await enroll({ cardNumber: referee, referredBy: referrer })).userErrors).toEqual([]);
    const [row] = await t.dataSource.query(
      'SELECT r.card_number FROM members m JOIN members r ON r.id = m.referred_by WHERE m.card_number = $1',
      [referee],
    );
    expect(row.card_number).toBe(referrer);

    const before = await countMembers();
    const refused = await enroll({ cardNumber: newCard(), referredBy: '999999999' });
    expect(refused.userErrors).toEqual([expect.objectContaining({ code: 'UNKNOWN_MEMBER', field: ['input', 'referredBy'] })]);
    expect(await countMembers()).toBe(before);
  });

  it.each([
    [{ cardNumber: '123' }, ['input', 'cardNumber']],
    [{ cardNumber: '1234-5678' }, ['input', 'cardNumber']],
    [{ cardNumber: '9'.repeat(33) }, ['input', 'cardNumber']],
    [{ cardNumber: '77777701', birthDate: '1990-02-30' }, ['input', 'birthDate']],
    [{ cardNumber: '77777702', birthDate: '2999-01-01' }, ['input', 'birthDate']],
    [{ cardNumber: '77777703', birthDate: '28/02/1990' }, ['input', 'birthDate']],
  ])('refuses %j with INVALID_INPUT and writes nothing', async (input, field) => {
    const before = await countMembers();
    const { member, userErrors } = await enroll(input);
    expect(member).toBeNull();
    expect(userErrors).toEqual([expect.objectContaining({ code: 'INVALID_INPUT', field })]);
    expect(await countMembers()).toBe(before);
  });

  it('is not for members', async () => {
    const card = newCard();
    const result = await t.anonymous.as(await t.memberToken(card)).request(EnrollMemberDocument, { input: { cardNumber: card } });
    expect(result.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});

describe('reading members', () => {
  it('lets partners and the operator look a card up, and a member read only itself', async () => {
    const card = newCard();
    const other = newCard();
    await enroll({ cardNumber: card });
    await enroll({ cardNumber: other });
    const token = await t.memberToken(card);

    expect((await t.anonymous.as(partnerKey).ok(MemberByCardDocument, { cardNumber: card })).member!.cardNumber).toBe(card);
    expect((await t.operator.ok(MemberByCardDocument, { cardNumber: card })).member!.cardNumber).toBe(card);
    expect((await t.anonymous.as(token).ok(MemberByCardDocument, { cardNumber: card })).member!.cardNumber).toBe(card);
    expect((await t.anonymous.as(token).ok(MeDocument)).me!.cardNumber).toBe(card);

    const foreign = await t.anonymous.as(token).request(MemberByCardDocument, { cardNumber: other });
    expect(foreign.errors![0].extensions!.code).toBe('FORBIDDEN');
    // Not even whether a card exists leaks to another member.
    const unknown = await t.anonymous.as(token).request(MemberByCardDocument, { cardNumber: '55555555' });
    expect(unknown.errors![0].extensions!.code).toBe('FORBIDDEN');
    expect((await t.anonymous.as(partnerKey).ok(MemberByCardDocument, { cardNumber: '55555555' })).member).toBeNull();
  });

  it('gathers lookups arriving together into one statement, each answered with its own card', async () => {
    const cards = [newCard(), newCard(), newCard()];
    for (const cardNumber of cards) await enroll({ cardNumber });
    let found: (string | null)[] = [];
    const statements = await countStatements(async () => {
      const members = await Promise.all([...cards, '55555555', cards[0]].map((card) => t.app.services.members.findByCard(card)));
      found = members.map((m) => m?.cardNumber ?? null);
    });
    expect(found).toEqual([...cards, null, cards[0]]);
    expect(statements).toBe(1);
    // The same burst over HTTP from different callers: each sees its own answer, or its refusal.
    const token = await t.memberToken(cards[1]);
    const answers = await Promise.all([
      t.anonymous.as(partnerKey).request(MemberByCardDocument, { cardNumber: cards[0] }),
      t.anonymous.as(token).request(MemberByCardDocument, { cardNumber: cards[1] }),
      t.anonymous.as(token).request(MemberByCardDocument, { cardNumber: cards[2] }),
      t.operator.request(MemberByCardDocument, { cardNumber: '55555555' }),
    ]);
    expect(answers.map((a) => a.data?.member?.cardNumber ?? a.errors?.[0].extensions?.code ?? null)).toEqual([
      cards[0],
      cards[1],
      'FORBIDDEN',
      null,
    ]);
  });

  it('resolves a member node for partners, the operator and the member, and null for another member', async () => {
    const card = newCard();
    const { member } = await enroll({ cardNumber: card });
    const id = member!.id;
    expect((await t.anonymous.as(partnerKey).ok(MemberNodeDocument, { id })).node).toMatchObject({
      __typename: 'Member',
      cardNumber: card,
    });
    expect((await t.operator.ok(MemberNodeDocument, { id })).node).toMatchObject({ cardNumber: card });
    expect((await t.anonymous.as(await t.memberToken(card)).ok(MemberNodeDocument, { id })).node).toMatchObject({ cardNumber: card });
    expect((await t.anonymous.as(await t.memberToken(newCard())).ok(MemberNodeDocument, { id })).node).toBeNull();
  });

  it('answers me with null for a valid token whose card is not enrolled, and is for members only', async () => {
    expect((await t.anonymous.as(await t.memberToken('31313131')).ok(MeDocument)).me).toBeNull();
    expect((await t.anonymous.as(partnerKey).request(MeDocument)).errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});

describe('members (operator lookup)', () => {
  const cards = ['7712000001', '7712000002', '7712000010', '7713000001'];
  beforeAll(async () => {
    for (const cardNumber of [...cards].reverse()) await t.operator.ok(EnrollMemberDocument, { input: { cardNumber } });
  });

  it('finds members by card number prefix in card-number order, paged by cursor', async () => {
    const prefix = await t.operator.ok(MembersDocument, { search: '7712' });
    expect(prefix.members.edges.map((e) => e.node.cardNumber)).toEqual(cards.slice(0, 3));
    const first = await t.operator.ok(MembersDocument, { search: ' 77 12 ', first: 2 });
    expect(first.members.edges.map((e) => e.node.cardNumber)).toEqual(cards.slice(0, 2));
    expect(first.members.pageInfo.hasNextPage).toBe(true);
    const rest = await t.operator.ok(MembersDocument, { search: '7712', first: 2, after: first.members.pageInfo.endCursor });
    expect(rest.members.edges.map((e) => e.node.cardNumber)).toEqual([cards[2]]);
    expect(rest.members.pageInfo.hasNextPage).toBe(false);
    const back = await t.operator.ok(MembersDocument, { search: '7712', last: 1, before: rest.members.pageInfo.startCursor });
    expect(back.members.edges.map((e) => e.node.cardNumber)).toEqual([cards[1]]);
    expect((await t.operator.ok(MembersDocument, { search: '7712000010' })).members.edges.map((e) => e.node.cardNumber)).toEqual([
      cards[2],
    ]);
    expect((await t.operator.ok(MembersDocument, { search: '7714' })).members.edges).toEqual([]);
  });

  it('lists every member without a search, and is for the operator only', async () => {
    const all = await t.operator.ok(MembersDocument, { first: 100 });
    expect(all.members.edges.map((e) => e.node.cardNumber)).toEqual(expect.arrayContaining(cards));
    const sorted = all.members.edges.map((e) => e.node.cardNumber);
    expect(sorted).toEqual([...sorted].sort());
    const asPartner = await t.anonymous.as(partnerKey).request(MembersDocument, { search: '77' });
    expect(asPartner.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});
