import { print } from 'graphql';
import http from 'node:http';
import { Client } from 'pg';
import { RecordPurchaseDocument } from './generated/graphql';
import { enrolMember, onboardPartner } from './support/coalition-fixtures';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp({ COALITION_MAX_BODY_BYTES: '4096' });
});
afterAll(() => t.stop());

describe('HTTP surface', () => {
  it('answers /health and /ready', async () => {
    expect(await (await fetch(`${t.app.url}/health`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${t.app.url}/ready`);
    expect(ready.status).toBe(200);
    const body = (await ready.json()) as { status: string; journal: { coveredUntil: string; runningOut: boolean } };
    expect(body).toMatchObject({ status: 'ready', journal: { runningOut: false } });
    expect(new Date(body.journal.coveredUntil).getTime()).toBeGreaterThan(Date.now() + 60 * 86_400_000);
  });

  it('answers unknown files and non-GET requests off /graphql with 404', async () => {
    for (const response of [await fetch(`${t.app.url}/nope.js`), await fetch(`${t.app.url}/nope`, { method: 'POST' })]) {
      expect(response.status).toBe(404);
      expect(((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0].extensions.code).toBe('NOT_FOUND');
    }
  });

  it('serves the console at / and its own routes (npm test builds it first)', async () => {
    for (const page of ['/', '/operator', '/member/history']) {
      const response = await fetch(`${t.app.url}${page}`);
      expect([page, response.status, response.headers.get('content-type')]).toEqual([page, 200, 'text/html;charset=utf-8']);
      expect(await response.text()).toContain('<title>Coalition console</title>');
    }
    const html = await (await fetch(`${t.app.url}/`)).text();
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)![1];
    const asset = await fetch(`${t.app.url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
  });

  it('serves queries over GET and refuses mutations over GET', async () => {
    const query = await fetch(`${t.app.url}/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { 'apollo-require-preflight': '1' },
    });
    expect(await query.json()).toEqual({ data: { __typename: 'Query' } });
    const mutation = await fetch(`${t.app.url}/graphql?query=${encodeURIComponent('mutation { __typename }')}`, {
      headers: { 'apollo-require-preflight': '1', authorization: `Bearer ${t.config.operatorKey}` },
    });
    expect(mutation.status).toBe(405);
  });

  it('marks every GraphQL answer uncacheable (cache-control: no-store), data and errors alike', async () => {
    const post = (query: string) =>
      fetch(`${t.app.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
    for (const response of [await post('{ __typename }'), await post('{ viewerRole }'), await post('{ nope }')]) {
      expect(response.headers.get('cache-control')).toBe('no-store');
    }
  });

  it('refuses malformed JSON with 400 and an oversized body with 413', async () => {
    const malformed = await t.anonymous.post('{"query": ');
    expect(malformed.status).toBe(400);
    expect(malformed.errors![0].extensions!.code).toBe('BAD_REQUEST');
    const oversized = await t.anonymous.post({ query: `{ __typename } # ${'x'.repeat(5000)}` });
    expect(oversized.status).toBe(413);
    expect(oversized.errors![0].extensions!.code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('echoes a valid x-request-id and makes one up otherwise', async () => {
    const given = await fetch(`${t.app.url}/health`, { headers: { 'x-request-id': 'pos-42.abc' } });
    expect(given.headers.get('x-request-id')).toBe('pos-42.abc');
    const made = await fetch(`${t.app.url}/health`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(made.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('answers a GraphQL syntax error with 400 GRAPHQL_PARSE_FAILED', async () => {
    const result = await t.anonymous.post({ query: '{ __typename' });
    expect(result.status).toBe(400);
    expect(result.errors![0].extensions!.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('hides a server fault behind INTERNAL_SERVER_ERROR, leaking no SQL', async () => {
    // Break the database behind the server's back, then mend it.
    await t.dataSource.query('ALTER TABLE members RENAME TO members_away');
    try {
      const result = await t.operator.post({ query: '{ member(cardNumber: "12345678") { id } }' });
      expect(result.errors).toEqual([
        { message: 'Internal server error', path: ['member'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      ]);
    } finally {
      await t.dataSource.query('ALTER TABLE members_away RENAME TO members');
    }
  });
});

describe('graceful shutdown', () => {
  it('finishes an in-flight request, then refuses new connections and closes the pool', async () => {
    const own = await startTestApp();
    const { port } = new URL(own.app.url);
    // A request whose body is still arriving when the stop begins.
    const inFlight = new Promise<{ status: number; body: string }>((resolve, reject) => {
      const req = http.request(
        { host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers: { 'content-type': 'application/json' } },
        (res) => {
          let body = '';
          res.on('data', (c) => (body += c));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        },
      );
      req.on('error', reject);
      req.write('{"query":');
      setTimeout(() => req.end('"{ __typename }"}'), 300);
    });
    await new Promise((r) => setTimeout(r, 100));
    const stopped = own.stop();
    expect(await inFlight).toEqual({ status: 200, body: expect.stringContaining('"__typename":"Query"') });
    await stopped;
    expect(own.dataSource.isInitialized).toBe(false);
    await expect(fetch(`${own.app.url}/health`)).rejects.toThrow();
  });

  it('commits purchases already accepted when their clients hang up during the stop, before closing the pool', async () => {
    const own = await startTestApp();
    const grocer = await onboardPartner(own);
    const card = await enrolMember(own);
    const blocker = new Client({ connectionString: own.config.databaseUrl! });
    await blocker.connect();
    // Hold the member's row so the purchases wait in the database and in the gathering queue.
    await blocker.query('BEGIN');
    await blocker.query('SELECT 1 FROM members WHERE card_number = $1 FOR UPDATE', [card]);
    const references = ['HANGUP-1', 'HANGUP-2', 'HANGUP-3'];
    const aborts = references.map(() => new AbortController());
    for (const [i, reference] of references.entries()) {
      void fetch(`${own.app.url}/graphql`, {
        method: 'POST',
        signal: aborts[i].signal,
        headers: { 'content-type': 'application/json', authorization: `Bearer ${grocer.key}` },
        body: JSON.stringify({
          query: print(RecordPurchaseDocument),
          variables: { input: { cardNumber: card, amount: { amount: '1', currency: 'EUR' }, reference, idempotencyKey: reference } },
        }),
      }).catch(() => undefined);
      await new Promise((r) => setTimeout(r, 100));
    }
    aborts.forEach((a) => a.abort());
    const stopped = own.app.stop();
    await new Promise((r) => setTimeout(r, 300));
    await blocker.query('COMMIT');
    await stopped;
    const { rows } = await blocker.query('SELECT count(*)::int AS n FROM purchases WHERE reference = ANY($1)', [references]);
    await blocker.end();
    await own.stop(); // drops its database
    expect(rows[0].n).toBe(3);
  });
});

describe('hostile documents', () => {
  it('refuses documents nested too deep, with too many aliases or tokens, and batched operations, with a 400', async () => {
    const depth = await t.operator.post({
      query: `{ settlementPeriods(first: 1) { edges { node { statements { lines { items(first: 1) { edges { node { transaction { partner { apiKeys { id } } } } } } } } } } } }`,
    });
    expect(depth.status).toBe(400);
    expect(depth.errors![0].message).toMatch(/depth/i);

    const aliases = await t.operator.post({
      query: `{ ${Array.from({ length: 20 }, (_, i) => `a${i}: coalitionSettings { timeZone }`).join(' ')} }`,
    });
    expect(aliases.status).toBe(400);
    expect(aliases.errors![0].message).toMatch(/alias/i);

    const tokens = await t.operator.post({ query: `{ a(${'b:1,'.repeat(700)}) }` });
    expect(tokens.status).toBe(400);
    expect(tokens.errors![0]).toMatchObject({
      message: expect.stringMatching(/more tha[nt] 2000 tokens/),
      extensions: { code: 'GRAPHQL_PARSE_FAILED' },
    });

    const batched = await t.operator.post([{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(batched.status).toBe(400);
  });
});
