import { SignJWT } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { getMetadataStorage } from 'type-graphql';
import { buildCoalitionSchema } from '../graphql/schema';
import { startTestApp, TEST_JWT_SECRET, TestApp } from '../../test/support/test-app';
import { MeDocument, TypenameDocument } from '../../test/generated/graphql';
import { onboardPartner } from '../../test/support/coalition-fixtures';
import { countStatements } from '../../test/support/statement-count';
import { Authenticator } from './credentials';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

describe('credentials', () => {
  it('answers { __typename } without credentials', async () => {
    const result = await t.anonymous.request(TypenameDocument);
    expect(result).toMatchObject({ status: 200, data: { __typename: 'Query' } });
  });

  it.each([
    ['a malformed header', 'Basic abc'],
    ['an unknown operator key', 'Bearer not-the-operator-key'],
    ['an unknown partner key', 'Bearer cpk_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
    ['a token that is not a JWT', 'Bearer a.b.c'],
  ])('refuses %s with UNAUTHENTICATED and 401, even for { __typename }', async (_what, header) => {
    const result = await t.anonymous.post({ query: '{ __typename }' }, { authorization: header });
    expect(result.status).toBe(401);
    expect(result.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(result.errors![0].message.length).toBeGreaterThan(10);
  });

  it('looks up the partner keys of requests arriving together in one statement, each resolved to its own partner', async () => {
    const [a, b, revoked] = [await onboardPartner(t), await onboardPartner(t), await onboardPartner(t)];
    await t.dataSource.query('UPDATE partner_api_keys SET revoked_at = now() WHERE partner_id = $1', [revoked.localId]);
    const authenticator = new Authenticator(t.config, t.dataSource);
    let answers: unknown[] = [];
    const statements = await countStatements(async () => {
      answers = await Promise.all(
        [a.key, b.key, revoked.key, a.key].map((key) =>
          authenticator.authenticate(`Bearer ${key}`).then(
            (principal) => principal,
            (err: Error) => err.message,
          ),
        ),
      );
    });
    expect(answers).toEqual([
      expect.objectContaining({ kind: 'PARTNER', partnerId: a.localId }),
      expect.objectContaining({ kind: 'PARTNER', partnerId: b.localId }),
      'Unknown or revoked partner API key',
      expect.objectContaining({ kind: 'PARTNER', partnerId: a.localId }),
    ]);
    expect(statements).toBe(1);
  });

  it('refuses member tokens that are expired, wrongly signed, unsigned or without an expiry', async () => {
    const secret = new TextEncoder().encode(TEST_JWT_SECRET);
    const tokens = [
      await new SignJWT({})
        .setProtectedHeader({ alg: 'HS256' })
        .setSubject('12345678')
        .setExpirationTime(Math.floor(Date.now() / 1000) - 60)
        .sign(secret),
      await t.memberToken('12345678', { secret: 'another-secret-another-secret-another-secret' }),
      await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('12345678').sign(secret),
      [
        Buffer.from('{"alg":"none"}').toString('base64url'),
        Buffer.from('{"sub":"12345678","exp":9999999999}').toString('base64url'),
        '',
      ].join('.'),
    ];
    for (const token of tokens) {
      const result = await t.anonymous.as(token).request(MeDocument);
      expect(result.status).toBe(401);
      expect(result.errors![0]).toMatchObject({
        message: expect.stringMatching(/^Invalid member token/),
        extensions: { code: 'UNAUTHENTICATED' },
      });
    }
  });

  it('accepts RS256 member tokens when a public key is configured', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const rs = await startTestApp({
      COALITION_MEMBER_JWT_PUBLIC_KEY: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      COALITION_MEMBER_JWT_SECRET: '',
      COALITION_MEMBER_JWT_ISSUER: 'https://id.example',
    });
    try {
      const sign = (issuer: string) =>
        new SignJWT({})
          .setProtectedHeader({ alg: 'RS256' })
          .setSubject('12345678')
          .setIssuer(issuer)
          .setExpirationTime('5m')
          .sign(privateKey);
      expect((await rs.anonymous.as(await sign('https://id.example')).request(MeDocument)).status).toBe(200);
      expect((await rs.anonymous.as(await sign('https://evil.example')).request(MeDocument)).status).toBe(401);
      // An HS256 token signed with the public key as secret (algorithm confusion) is refused.
      expect((await rs.anonymous.as(await t.memberToken('12345678')).request(MeDocument)).status).toBe(401);
    } finally {
      await rs.stop();
    }
  });
});

describe('authorization', () => {
  it('has every query and mutation declare who may call it', () => {
    const schema = buildCoalitionSchema();
    const authorized = new Set(getMetadataStorage().authorizedFields.map((f) => `${f.target.name}.${f.fieldName}`));
    const resolverFields = [...getMetadataStorage().queries, ...getMetadataStorage().mutations].map((q) => ({
      name: q.schemaName,
      key: `${q.target.name}.${q.methodName}`,
    }));
    const rootFields = [...Object.keys(schema.getQueryType()!.getFields()), ...Object.keys(schema.getMutationType()!.getFields())];
    expect(resolverFields.map((f) => f.name).sort()).toEqual(rootFields.sort());
    expect(resolverFields.filter((f) => !authorized.has(f.key)).map((f) => f.name)).toEqual([]);
  });
});
