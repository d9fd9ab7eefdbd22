import { startTestApp, TestApp } from '../../test/support/test-app';
import {
  CreatePartnerApiKeyDocument,
  CreatePartnerDocument,
  CreatePartnerInput,
  PartnerContractDocument,
  PartnerNodeDocument,
  PartnersDocument,
  RevokePartnerApiKeyDocument,
  TypenameDocument,
} from '../../test/generated/graphql';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

let seq = 0;
const partnerInput = (overrides: Partial<CreatePartnerInput> = {}): CreatePartnerInput => ({
  name: `Partner ${++seq}`,
  category: 'grocery',
  currency: 'EUR',
  pointsPerUnit: '1',
  issuancePricePerPoint: '0.01',
  redemptionValuePerPoint: '0.008',
  ...overrides,
});

async function createPartner(overrides: Partial<CreatePartnerInput> = {}) {
  const { createPartner } = await t.operator.ok(CreatePartnerDocument, { input: partnerInput(overrides) });
  expect(createPartner.userErrors).toEqual([]);
  return { partner: createPartner.partner!, apiKey: createPartner.apiKey! };
}

const countPartners = async () => Number((await t.dataSource.query('SELECT count(*) AS n FROM partners'))[0].n);

describe('createPartner', () => {
  it('onboards a partner with contract version 1 and a working API key that is stored only as a hash', async () => {
    const { partner, apiKey } = await createPartner({
      name: 'Sunrise Pharmacy',
      category: 'Pharmacy',
      currency: 'GBP',
      pointsPerUnit: '2.5',
    });
    expect(partner).toMatchObject({ name: 'Sunrise Pharmacy', category: 'pharmacy', currency: 'GBP' });
    expect(apiKey).toMatch(/^cpk_[A-Za-z0-9_-]{43}$/);

    const stored = await t.dataSource.query('SELECT key_hash, key_prefix FROM partner_api_keys');
    expect(JSON.stringify(stored)).not.toContain(apiKey);

    const asPartner = t.anonymous.as(apiKey);
    const { node } = await asPartner.ok(PartnerContractDocument, { id: partner.id });
    expect(node).toMatchObject({
      name: 'Sunrise Pharmacy',
      contract: {
        version: 1,
        pointsPerUnit: '2.5',
        issuancePricePerPoint: '0.01',
        redemptionValuePerPoint: '0.008',
        giftCardReimbursementRate: '1',
        breakageShare: '0',
      },
    });
  });

  it.each([
    [{ currency: 'XYZ' }, 'CURRENCY_MISMATCH', ['input', 'currency']],
    [{ currency: 'XAU' }, 'CURRENCY_MISMATCH', ['input', 'currency']],
    [{ pointsPerUnit: '0' }, 'INVALID_RATE', ['input', 'pointsPerUnit']],
    [{ pointsPerUnit: '-1' }, 'INVALID_RATE', ['input', 'pointsPerUnit']],
    [{ issuancePricePerPoint: '0.00000000001' }, 'INVALID_RATE', ['input', 'issuancePricePerPoint']],
    [{ redemptionValuePerPoint: '-0.5' }, 'INVALID_RATE', ['input', 'redemptionValuePerPoint']],
    [{ giftCardReimbursementRate: '1.01' }, 'INVALID_RATE', ['input', 'giftCardReimbursementRate']],
    [{ name: '   ' }, 'INVALID_INPUT', ['input', 'name']],
    [{ name: 'x'.repeat(201) }, 'INVALID_INPUT', ['input', 'name']],
    [{ category: 'food & drink' }, 'INVALID_INPUT', ['input', 'category']],
  ])('refuses %j with %s and writes nothing', async (overrides, code, field) => {
    const before = await countPartners();
    const { createPartner } = await t.operator.ok(CreatePartnerDocument, { input: partnerInput(overrides) });
    expect(createPartner.partner).toBeNull();
    expect(createPartner.apiKey).toBeNull();
    expect(createPartner.userErrors).toEqual([expect.objectContaining({ code, field })]);
    expect(createPartner.userErrors[0].message.length).toBeGreaterThan(10);
    expect(await countPartners()).toBe(before);
  });

  it('reports every invalid field at once', async () => {
    const { createPartner } = await t.operator.ok(CreatePartnerDocument, {
      input: partnerInput({ name: '', pointsPerUnit: '0', giftCardReimbursementRate: '2' }),
    });
    expect(createPartner.userErrors.map((e) => e.field)).toEqual([
      ['input', 'name'],
      ['input', 'pointsPerUnit'],
      ['input', 'giftCardReimbursementRate'],
    ]);
  });

  it('refuses a second partner with the same name, whatever the case', async () => {
    await createPartner({ name: 'Shell Fuel' });
    const before = await countPartners();
    const { createPartner: again } = await t.operator.ok(CreatePartnerDocument, { input: partnerInput({ name: 'shell fuel' }) });
    expect(again.userErrors).toEqual([expect.objectContaining({ code: 'DUPLICATE_PARTNER', field: ['input', 'name'] })]);
    expect(await countPartners()).toBe(before);
  });

  it('refuses a Decimal given as a JSON number or in exponent notation, before anything runs', async () => {
    const before = await countPartners();
    for (const pointsPerUnit of [1.5, '1e3', '01.5', '.5']) {
      const result = await t.operator.post({
        query: 'mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { partner { id } } }',
        variables: { input: { ...partnerInput(), pointsPerUnit } },
      });
      expect(result.status).toBe(400);
      expect(result.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
      expect(result.errors![0].message).toMatch(/Decimal must be/);
    }
    expect(await countPartners()).toBe(before);
  });

  it('is for the operator only: a partner gets FORBIDDEN, an anonymous caller UNAUTHENTICATED with 401', async () => {
    const { apiKey } = await createPartner();
    const before = await countPartners();
    const asPartner = await t.anonymous.as(apiKey).request(CreatePartnerDocument, { input: partnerInput() });
    expect(asPartner.errors![0].extensions!.code).toBe('FORBIDDEN');
    const anonymous = await t.anonymous.request(CreatePartnerDocument, { input: partnerInput() });
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(await countPartners()).toBe(before);
  });
});

describe('partner API keys', () => {
  it('rotates: a new key works beside the old one, and a revoked key is UNAUTHENTICATED at once', async () => {
    const { partner, apiKey: first } = await createPartner();
    const { createPartnerApiKey } = await t.operator.ok(CreatePartnerApiKeyDocument, { input: { partnerId: partner.id } });
    const second = createPartnerApiKey.apiKey!;
    expect(second).not.toBe(first);
    expect((await t.anonymous.as(first).request(TypenameDocument)).status).toBe(200);
    expect((await t.anonymous.as(second).request(TypenameDocument)).status).toBe(200);

    const { node } = await t.anonymous.as(second).ok(PartnerContractDocument, { id: partner.id });
    const firstKeyId = (node as { apiKeys: { id: string }[] }).apiKeys[0].id;
    const { revokePartnerApiKey } = await t.anonymous.as(second).ok(RevokePartnerApiKeyDocument, { input: { apiKeyId: firstKeyId } });
    expect(revokePartnerApiKey.partnerApiKey!.revokedAt).not.toBeNull();

    const refused = await t.anonymous.as(first).request(TypenameDocument);
    expect(refused.status).toBe(401);
    expect(refused.errors![0]).toMatchObject({ message: 'Unknown or revoked partner API key', extensions: { code: 'UNAUTHENTICATED' } });
    expect((await t.anonymous.as(second).request(TypenameDocument)).status).toBe(200);
  });

  it("lets a partner revoke only its own keys, and answers UNKNOWN_API_KEY for another's", async () => {
    const a = await createPartner();
    const b = await createPartner();
    const { node } = await t.operator.ok(PartnerContractDocument, { id: b.partner.id });
    const bKeyId = (node as { apiKeys: { id: string }[] }).apiKeys[0].id;
    const { revokePartnerApiKey } = await t.anonymous.as(a.apiKey).ok(RevokePartnerApiKeyDocument, { input: { apiKeyId: bKeyId } });
    expect(revokePartnerApiKey.userErrors).toEqual([expect.objectContaining({ code: 'UNKNOWN_API_KEY' })]);
    expect((await t.anonymous.as(b.apiKey).request(TypenameDocument)).status).toBe(200);
  });

  it('answers UNKNOWN_PARTNER when issuing a key for an ID that is not a partner', async () => {
    const { createPartnerApiKey } = await t.operator.ok(CreatePartnerApiKeyDocument, { input: { partnerId: 'bm90LWEtcGFydG5lcg' } });
    expect(createPartnerApiKey.userErrors).toEqual([expect.objectContaining({ code: 'UNKNOWN_PARTNER', field: ['input', 'partnerId'] })]);
  });
});

describe('partner visibility', () => {
  it("shows a partner's contract and keys to the operator and to itself, never to another partner", async () => {
    const a = await createPartner();
    const b = await createPartner();
    expect((await t.operator.ok(PartnerContractDocument, { id: a.partner.id })).node).toMatchObject({ contract: { version: 1 } });
    const other = await t.anonymous.as(b.apiKey).request(PartnerContractDocument, { id: a.partner.id });
    expect(other.errors!.map((e) => e.extensions!.code)).toEqual(['FORBIDDEN', 'FORBIDDEN']);
    // The public face (name, category, currency) stays visible: rewards show who fulfils them.
    const { node } = await t.anonymous.as(b.apiKey).ok(PartnerNodeDocument, { id: a.partner.id });
    expect(node).toMatchObject({ __typename: 'Partner', name: a.partner.name });
  });

  it('resolves an API key node for its partner and the operator, and null for anyone else', async () => {
    const a = await createPartner();
    const b = await createPartner();
    const { node } = await t.operator.ok(PartnerContractDocument, { id: a.partner.id });
    const keyId = (node as { apiKeys: { id: string }[] }).apiKeys[0].id;
    expect((await t.anonymous.as(a.apiKey).ok(PartnerNodeDocument, { id: keyId })).node).toMatchObject({ __typename: 'PartnerApiKey' });
    expect((await t.operator.ok(PartnerNodeDocument, { id: keyId })).node).toMatchObject({ __typename: 'PartnerApiKey' });
    expect((await t.anonymous.as(b.apiKey).ok(PartnerNodeDocument, { id: keyId })).node).toBeNull();
  });

  it('answers null for malformed or unknown global IDs', async () => {
    for (const id of ['', 'not base64!', 'UGFydG5lcjo5OTk5OTk5', Buffer.from('Partner:abc').toString('base64url')]) {
      expect((await t.operator.ok(PartnerNodeDocument, { id })).node).toBeNull();
    }
  });
});

describe('partners connection', () => {
  it('pages forward and backward with opaque cursors', async () => {
    for (let i = 0; i < 5; i++) await createPartner();
    const all = (await t.operator.ok(PartnersDocument, { first: 100 })).partners.edges.map((e) => e.node.id);
    expect(all.length).toBeGreaterThanOrEqual(5);

    const page1 = (await t.operator.ok(PartnersDocument, { first: 2 })).partners;
    expect(page1.edges.map((e) => e.node.id)).toEqual(all.slice(0, 2));
    expect(page1.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    const page2 = (await t.operator.ok(PartnersDocument, { first: 2, after: page1.pageInfo.endCursor })).partners;
    expect(page2.edges.map((e) => e.node.id)).toEqual(all.slice(2, 4));
    expect(page2.pageInfo.hasPreviousPage).toBe(true);

    const last = (await t.operator.ok(PartnersDocument, { last: 2 })).partners;
    expect(last.edges.map((e) => e.node.id)).toEqual(all.slice(-2));
    expect(last.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const beforeLast = (await t.operator.ok(PartnersDocument, { last: 2, before: last.pageInfo.startCursor })).partners;
    expect(beforeLast.edges.map((e) => e.node.id)).toEqual(all.slice(-4, -2));
  });

  it('refuses pages over 100, both first and last, and foreign cursors', async () => {
    for (const args of [
      { first: 101 },
      { last: 101 },
      { first: -1 },
      { first: 1, last: 1 },
      { after: 'bogus' },
      { after: Buffer.from('cursor:1 OR 1=1').toString('base64url') },
    ]) {
      const result = await t.operator.request(PartnersDocument, args);
      expect(result.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    }
  });

  it('is for the operator only', async () => {
    const { apiKey } = await createPartner();
    const result = await t.anonymous.as(apiKey).request(PartnersDocument, { first: 1 });
    expect(result.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});
