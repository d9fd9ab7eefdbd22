import { migrations } from '../migrations';
import { withClient } from '../src/database/pg-admin';
import { buildServer, serverEnv, spawnServer } from './support/server-process';
import { TEST_OPERATOR_KEY } from './support/test-app';
import { createTestDatabase } from './support/test-database';

/** Several server processes on one database, started at once in no particular order. */
let build: ReturnType<typeof buildServer>;
beforeAll(() => {
  build = buildServer();
});
afterAll(() => build.remove());

it('start together on a new database: one migrates while the others wait, and all serve', async () => {
  const database = await createTestDatabase({ empty: true });
  const servers = Array.from({ length: 3 }, () => spawnServer(build.dir, serverEnv(database.url)));
  try {
    const urls = await Promise.all(servers.map((s) => s.ready));
    for (const url of urls) {
      expect((await fetch(`${url}/ready`)).status).toBe(200);
      const answer = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_OPERATOR_KEY}` },
        body: JSON.stringify({ query: '{ viewerRole }' }),
      });
      expect(await answer.json()).toEqual({ data: { viewerRole: 'OPERATOR' } });
    }
    const applied = await withClient(database.url, (c) => c.query<{ name: string }>('SELECT name FROM schema_migrations ORDER BY id'));
    expect(applied.rows.map((r) => r.name)).toEqual(migrations.map((m) => new m().name));
  } finally {
    for (const s of servers) s.child.kill('SIGTERM');
    await Promise.all(servers.map((s) => new Promise((r) => (s.child.exitCode !== null ? r(null) : s.child.once('exit', r)))));
    await database.drop();
  }
});

it('WEB_CONCURRENCY=2 runs two workers on one port, both serving, and stops them all on SIGTERM', async () => {
  const database = await createTestDatabase({ empty: true });
  const server = spawnServer(build.dir, serverEnv(database.url, { WEB_CONCURRENCY: '2' }));
  let out = '';
  server.child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const readyPids = () => new Set([...out.matchAll(/"pid":(\d+)[^\n]*"msg":"Coalition ready"/g)].map((m) => m[1]));
  try {
    const url = await server.ready;
    for (let i = 0; readyPids().size < 2; i++) {
      if (i > 300) throw new Error(`second worker not ready: ${out.slice(-1000)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(readyPids().has(String(server.child.pid))).toBe(false); // the primary serves nothing itself
    const answers = await Promise.all(
      Array.from({ length: 20 }, () =>
        fetch(`${url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${TEST_OPERATOR_KEY}` },
          body: JSON.stringify({ query: '{ viewerRole }' }),
        }).then((r) => r.json() as Promise<{ data?: { viewerRole: string } }>),
      ),
    );
    expect(answers.every((a) => a.data?.viewerRole === 'OPERATOR')).toBe(true);
    server.child.kill('SIGTERM');
    const code = await new Promise((r) => server.child.once('exit', r));
    expect(code).toBe(0);
    // Each worker drained and closed its pool, then the primary stopped.
    expect(out.match(/"msg":"stopped"/g)).toHaveLength(3);
  } finally {
    server.child.kill('SIGKILL');
    await database.drop();
  }
});
