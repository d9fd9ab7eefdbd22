import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { connect, createServer, Socket } from 'node:net';
import path from 'node:path';
import { withClient } from '../src/database/pg-admin';
import { buildServer, serverEnv, spawnServer } from './support/server-process';
import { TEST_OPERATOR_KEY } from './support/test-app';

/**
 * A real primary and a streaming standby (PostgreSQL 15, pg_basebackup -R), both logging every
 * statement, and a server reading from the standby. Which database served a read is told by the
 * statement appearing in that database's log.
 */
const BIN = '/usr/lib/postgresql/15/bin';
const MAX_LAG_MS = 1500;
const root = path.join(__dirname, '..');

const asPostgres = (command: string, ...args: string[]) =>
  execFileSync('runuser', ['-u', 'postgres', '--', path.join(BIN, command), ...args], { stdio: 'pipe' });

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * The server reaches the standby through this proxy, which the test can break: every connection
 * cut and new ones accepted but never answered (a replica host that hangs), so a read is sent to
 * the replica before the next poll can notice.
 */
async function tcpProxy(target: number) {
  const sockets = new Set<Socket>();
  let broken = false;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  };
  const server = createServer((client) => {
    track(client);
    if (broken) return;
    const upstream = connect(target, '127.0.0.1');
    track(upstream);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const cutAll = () => sockets.forEach((socket) => socket.destroy());
  return {
    port: (server.address() as { port: number }).port,
    setBroken(value: boolean) {
      broken = value;
      cutAll();
    },
    close: () => new Promise((resolve) => (cutAll(), server.close(resolve))),
  };
}

let proxy: Awaited<ReturnType<typeof tcpProxy>>;
let serverOutput = '';
let dir: string;
let primaryPort: number;
let standbyPort: number;
let build: ReturnType<typeof buildServer>;
let server: ReturnType<typeof spawnServer>;
let url: string;
const standby = () => `postgres://postgres@127.0.0.1:${standbyPort}/postgres`;
const primary = () => `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
const startStandby = () => asPostgres('pg_ctl', '-D', `${dir}/standby`, '-l', `${dir}/standby.log`, '-w', 'start');

beforeAll(async () => {
  mkdirSync(path.join(root, '.coalition-data'), { recursive: true });
  dir = mkdtempSync(path.join(root, '.coalition-data', 'replicas-'));
  execFileSync('chown', ['postgres:postgres', dir]);
  [primaryPort, standbyPort] = [await freePort(), await freePort()];
  asPostgres('initdb', '-D', `${dir}/primary`, '-A', 'trust', '-U', 'postgres');
  appendFileSync(
    `${dir}/primary/postgresql.conf`,
    `listen_addresses = '127.0.0.1'\nunix_socket_directories = '${dir}'\nwal_level = replica\nlog_statement = all\nfsync = off\n`,
  );
  writeFileSync(`${dir}/primary/postgresql.auto.conf`, `port = ${primaryPort}\n`);
  asPostgres('pg_ctl', '-D', `${dir}/primary`, '-l', `${dir}/primary.log`, '-w', 'start');
  asPostgres('pg_basebackup', '-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', `${dir}/standby`, '-R', '-X', 'stream');
  appendFileSync(`${dir}/standby/postgresql.auto.conf`, `port = ${standbyPort}\n`);
  startStandby();
  proxy = await tcpProxy(standbyPort);
  build = buildServer();
  server = spawnServer(
    build.dir,
    serverEnv(primary(), {
      DATABASE_REPLICA_URLS: `postgres://postgres@127.0.0.1:${proxy.port}/postgres`,
      DATABASE_REPLICA_MAX_LAG_MS: String(MAX_LAG_MS),
      COALITION_WEBHOOKS: 'off',
    }),
  );
  server.child.stdout!.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
  url = await server.ready;
}, 120_000);

afterAll(async () => {
  server?.child.kill('SIGTERM');
  if (server && server.child.exitCode === null) await new Promise((resolve) => server.child.once('exit', resolve));
  await proxy?.close();
  build?.remove();
  for (const db of ['standby', 'primary']) {
    try {
      asPostgres('pg_ctl', '-D', `${dir}/${db}`, '-m', 'immediate', 'stop');
    } catch {
      // Not running (a test stopped it, or it never started).
    }
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function graphql<T>(credential: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}`, ...headers },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  return { status: response.status, lsn: response.headers.get('coalition-lsn'), body };
}

/** Statements each database has logged that read members (the poller's position queries do not). */
const memberReads = (db: 'primary' | 'standby') =>
  readFileSync(`${dir}/${db}.log`, 'utf8')
    .split('\n')
    .filter((line) => /(statement|execute [^:]*): SELECT .*card_number/.test(line)).length;

async function servedBy(read: () => Promise<unknown>): Promise<{ primary: number; standby: number }> {
  const before = { primary: memberReads('primary'), standby: memberReads('standby') };
  await read();
  return { primary: memberReads('primary') - before.primary, standby: memberReads('standby') - before.standby };
}

const memberQuery = (card: string) => `{ member(cardNumber: "${card}") { cardNumber } }`;
const enroll = (card: string) =>
  graphql(TEST_OPERATOR_KEY, `mutation { enrollMember(input: { cardNumber: "${card}" }) { member { cardNumber } userErrors { code } } }`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function eventually(check: () => Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (await check()) return;
    await sleep(100);
  }
  throw new Error(`timed out waiting until ${what}`);
}

let partnerKey: string;

it('serves query reads from the replica, and a caller reads its own write at once even while replay is paused', async () => {
  const created = await graphql<{ createPartner: { apiKey: string } }>(
    TEST_OPERATOR_KEY,
    'mutation { createPartner(input: { name: "Replica Cafe", category: "food", currency: "EUR", pointsPerUnit: "1", issuancePricePerPoint: "0.01", redemptionValuePerPoint: "0.01" }) { apiKey userErrors { code } } }',
  );
  partnerKey = created.body.data!.createPartner.apiKey;
  const first = await enroll('7000000001');
  expect(first.lsn).toMatch(/^[0-9A-F]+\/[0-9A-F]+$/);
  // Once the replica has replayed the enrolment, reads of it go there.
  await eventually(
    async () => (await servedBy(() => graphql(partnerKey, memberQuery('7000000001')))).standby > 0,
    'the replica serves reads',
  );
  const read = await servedBy(() => graphql(partnerKey, memberQuery('7000000001')));
  expect(read).toEqual({ primary: 0, standby: 1 });

  await withClient(standby(), (c) => c.query('SELECT pg_wal_replay_pause()'));
  const written = await enroll('7000000002');
  expect(written.body.data).toEqual({ enrollMember: { member: { cardNumber: '7000000002' }, userErrors: [] } });
  // The writer (operator) sees its member: the replica has not replayed it, so the primary answers.
  let own: Awaited<ReturnType<typeof graphql>> | undefined;
  expect(await servedBy(async () => (own = await graphql(TEST_OPERATOR_KEY, memberQuery('7000000002'))))).toEqual({
    primary: 1,
    standby: 0,
  });
  expect(own!.body.data).toEqual({ member: { cardNumber: '7000000002' } });
  // Another caller within the lag bound is served by the replica: stale, the member not there yet.
  let other: Awaited<ReturnType<typeof graphql>> | undefined;
  expect(await servedBy(async () => (other = await graphql(partnerKey, memberQuery('7000000002'))))).toEqual({ primary: 0, standby: 1 });
  expect(other!.body.data).toEqual({ member: null });
  // ...unless it sends the LSN the writer got (a client whose next request lands on another process).
  let handedOn: Awaited<ReturnType<typeof graphql>> | undefined;
  const withLsn = await servedBy(
    async () => (handedOn = await graphql(partnerKey, memberQuery('7000000002'), { 'coalition-lsn': written.lsn! })),
  );
  expect(withLsn).toEqual({ primary: 1, standby: 0 });
  expect(handedOn!.body.data).toEqual({ member: { cardNumber: '7000000002' } });
});

it('refuses a malformed Coalition-LSN with INVALID_LSN', async () => {
  const answer = await graphql(partnerKey, memberQuery('7000000001'), { 'coalition-lsn': 'yesterday' });
  expect(answer.status).toBe(400);
  expect(answer.body.errors).toEqual([expect.objectContaining({ extensions: expect.objectContaining({ code: 'INVALID_LSN' }) })]);
});

it('skips a replica lagging past the bound, and uses it again once it catches up', async () => {
  // Replay is still paused and the primary has moved on: past the bound every read goes to the primary.
  await sleep(MAX_LAG_MS + 500);
  let late: Awaited<ReturnType<typeof graphql>> | undefined;
  expect(await servedBy(async () => (late = await graphql(partnerKey, memberQuery('7000000002'))))).toEqual({ primary: 1, standby: 0 });
  expect(late!.body.data).toEqual({ member: { cardNumber: '7000000002' } });
  await withClient(standby(), (c) => c.query('SELECT pg_wal_replay_resume()'));
  await eventually(async () => (await servedBy(() => graphql(partnerKey, memberQuery('7000000002')))).standby > 0, 'the replica caught up');
});

it('answers from the primary while the replica is down, and returns to it when it is back', async () => {
  asPostgres('pg_ctl', '-D', `${dir}/standby`, '-m', 'immediate', 'stop');
  // At once, before any poll noticed: the read fails on the replica and is run again on the primary.
  for (let i = 0; i < 3; i++) {
    const answer = await graphql(partnerKey, memberQuery('7000000001'));
    expect(answer.body).toEqual({ data: { member: { cardNumber: '7000000001' } } });
  }
  expect(await servedBy(() => graphql(partnerKey, memberQuery('7000000001')))).toEqual({ primary: 1, standby: 0 });
  startStandby();
  await eventually(
    async () => (await servedBy(() => graphql(partnerKey, memberQuery('7000000001')))).standby > 0,
    'reads returned to the replica',
  );
});

it('runs a read again on the primary when it fails on the replica, before any poll noticed', async () => {
  proxy.setBroken(true);
  const answer = await graphql(partnerKey, memberQuery('7000000001'));
  expect(answer.body).toEqual({ data: { member: { cardNumber: '7000000001' } } });
  expect(serverOutput).toContain('read failed on a replica; running it on the primary');
  proxy.setBroken(false);
  await eventually(
    async () => (await servedBy(() => graphql(partnerKey, memberQuery('7000000001')))).standby > 0,
    'reads returned to the replica',
  );
});
