import fc from 'fast-check';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
let partnerKey: string;
beforeAll(async () => {
  t = await startTestApp({ COALITION_MAX_BODY_BYTES: '65536' });
  const created = await t.operator.post({
    query: `mutation { createPartner(input: { name: "Fuzz", category: "fuzz", currency: "EUR", pointsPerUnit: "1",
      issuancePricePerPoint: "0.01", redemptionValuePerPoint: "0.01" }) { apiKey } }`,
  });
  partnerKey = created.data.createPartner.apiKey;
});
afterAll(() => t.stop());

const REQUESTS = 10_000;
const CONCURRENCY = 16;

/** Anything a hostile or broken client could put where a value goes. */
const junk = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 20 }),
  fc.string({ unit: fc.integer({ min: 0, max: 31 }).map((c) => String.fromCharCode(c)), maxLength: 10 }),
  fc.constantFrom('', ' ', '1e309', '-0', 'NaN', '1.005', '00012', '9'.repeat(60), '\u0000', '💳', 'DROP TABLE members;--', '"', '{}'),
  fc.double(),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map((b) => Number(b)),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 3 }),
  fc.string({ maxLength: 5000 }),
);

/** Requests built around the real mutations, every input replaced or bent. */
const adversarialMutation = fc
  .record({
    cardNumber: junk,
    amount: fc.oneof(junk, fc.record({ amount: junk, currency: junk })),
    reference: junk,
    idempotencyKey: junk,
    pointsCost: junk,
    extra: fc.option(fc.dictionary(fc.string({ maxLength: 8 }), junk, { maxKeys: 2 })),
  })
  .chain((v) =>
    fc.constantFrom(
      {
        query: 'mutation ($input: RecordPurchaseInput!) { recordPurchase(input: $input) { userErrors { code } } }',
        variables: {
          input: { ...v.extra, cardNumber: v.cardNumber, amount: v.amount, reference: v.reference, idempotencyKey: v.idempotencyKey },
        },
      },
      {
        query: 'mutation ($input: RecordReturnInput!) { recordReturn(input: $input) { userErrors { code } } }',
        variables: { input: { reference: v.reference, amount: v.amount, idempotencyKey: v.idempotencyKey } },
      },
      {
        query: 'mutation ($input: RedeemGiftCardInput!) { redeemGiftCard(input: $input) { userErrors { code } } }',
        variables: { input: { code: v.reference, amount: v.amount, idempotencyKey: v.idempotencyKey } },
      },
      {
        query: 'mutation ($input: CreateRewardInput!) { createReward(input: $input) { userErrors { code } } }',
        variables: { input: { name: v.reference, kind: 'VOUCHER', pointsCost: v.pointsCost, fulfilledBy: v.cardNumber } },
      },
      { query: 'query ($c: String!) { member(cardNumber: $c) { balance } }', variables: { c: v.cardNumber } },
      { query: 'query ($id: ID!) { node(id: $id) { id } }', variables: { id: v.reference } },
    ),
  );

const hostileDocument = fc.oneof(
  fc.integer({ min: 1, max: 60 }).map((n) => ({ query: `{ ${'a { '.repeat(n)}b${' }'.repeat(n)} }` })),
  fc
    .integer({ min: 1, max: 300 })
    .map((n) => ({ query: `{ ${Array.from({ length: n }, (_, i) => `a${i}: coalitionSettings { timeZone }`).join(' ')} }` })),
  fc.constant({ query: 'query { ...A } fragment A on Query { ...B } fragment B on Query { ...A }' }),
  fc.integer({ min: 2, max: 50 }).map((n) => Array.from({ length: n }, () => ({ query: '{ __typename }' }))),
  fc.string({ maxLength: 200 }).map((query) => ({ query })),
  fc.constant({ query: '{ __typename }', variables: 'not an object' }),
  fc.constant({ query: 12 }),
  fc.constant({}),
);

const rawBody = fc.oneof(
  fc.string({ maxLength: 200 }),
  fc.constantFrom('{', '[', 'null', '""', '{"query":', '\u0000\u0001', 'x'.repeat(70_000)),
  fc.json({ maxDepth: 4 }),
);

describe('hostile input (fast-check)', () => {
  it(`answers ${REQUESTS.toLocaleString('en')} malformed or adversarial requests with 4xx or stable-coded errors, never a 5xx, and changes no value`, async () => {
    const checksum = async () =>
      (
        await t.dataSource
          .query(`SELECT (SELECT count(*) FROM ledger_entries) || ':' || (SELECT coalesce(sum(abs(amount)), 0) FROM ledger_postings)
                                  || ':' || (SELECT count(*) FROM rewards) || ':' || (SELECT count(*) FROM purchases) AS c`)
      )[0].c;
    const before = await checksum();
    const requests = [
      ...fc.sample(
        adversarialMutation.map((body) => ({ body: JSON.stringify(body), json: true })),
        Math.floor(REQUESTS * 0.7),
      ),
      ...fc.sample(
        hostileDocument.map((body) => ({ body: JSON.stringify(body), json: true })),
        Math.floor(REQUESTS * 0.15),
      ),
      ...fc.sample(
        rawBody.map((body) => ({ body, json: false })),
        REQUESTS - Math.floor(REQUESTS * 0.7) - Math.floor(REQUESTS * 0.15),
      ),
    ];
    const failures: string[] = [];
    let next = 0;
    const worker = async () => {
      while (next < requests.length) {
        const { body } = requests[next++];
        const response = await fetch(`${t.app.url}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/graphql-response+json',
            authorization: `Bearer ${partnerKey}`,
          },
          body,
          signal: AbortSignal.timeout(10_000),
        });
        const text = await response.text();
        if (response.status >= 500) failures.push(`${response.status} for ${body.slice(0, 200)}: ${text.slice(0, 200)}`);
        else if (response.status === 200) {
          const parsed = JSON.parse(text) as { errors?: { extensions?: { code?: string } }[] };
          if (parsed.errors?.some((e) => !e.extensions?.code))
            failures.push(`error without a code for ${body.slice(0, 200)}: ${text.slice(0, 200)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    expect(failures.slice(0, 10)).toEqual([]);
    expect(await checksum()).toBe(before);
    // ≈ 30 s alone on the 2-core machine; beside the other test files in CI it has taken 63 s.
  }, 180_000);
});
