import { ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { freePort, startEmbeddedDatabase } from '../src/database/embedded-database';
import { databaseUrl, withClient } from '../src/database/pg-admin';
import { graphqlLoad, LoadResult, median, medianResult, medianRun } from './load';
import { Ceiling, findPgbench, pgbenchCeiling } from './pgbench';

/**
 * `npm run bench`: measures Coalition against the database's own ceiling, in one run, on the same
 * PostgreSQL (DATABASE_URL, else embedded). Prints a table and writes bench/results/latest.json.
 */
const OPERATOR_KEY = 'bench-operator-key-0123456789abcdefghijklmnop';
const SECONDS = Number(process.env.BENCH_SECONDS ?? 15);
/** Runs of each load a kept target is judged on (single purchases, reads); the median is reported. */
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const MEMBERS = Number(process.env.BENCH_MEMBERS ?? 100_000);
const PARTNERS = 100;
const HISTORY = Number(process.env.BENCH_HISTORY ?? 100_000);
const CLOSE_ITEMS = Number(process.env.BENCH_CLOSE_ITEMS ?? 1_000_000);
const ANALYTICS_PURCHASES = Number(process.env.BENCH_ANALYTICS_PURCHASES ?? 1_000_000);
const root = path.join(__dirname, '..', '..');
/** BENCH_ONLY=purchase,batch,events,reads,redeem,close,analytics runs those sections (plus the ceiling unless BENCH_CEILING=off). */
const ONLY = process.env.BENCH_ONLY ? new Set(process.env.BENCH_ONLY.split(',')) : null;
const want = (section: string) => !ONLY || ONLY.has(section);

interface Row {
  name: string;
  value: number;
  unit: string;
  ratio?: number;
  ratioTo?: string;
  p50?: number;
  p99?: number;
  note?: string;
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const embedded = process.env.DATABASE_URL
    ? null
    : await startEmbeddedDatabase(path.join(root, '.coalition-data', 'bench'), console.error);
  const baseUrl = process.env.DATABASE_URL ?? embedded!.url;
  const benchUrl = await freshDatabase(baseUrl, 'coalition_bench');
  let server: ChildProcess | null = null;
  try {
    // 1. The ceiling.
    const pgbench = process.env.BENCH_CEILING === 'off' ? null : findPgbench();
    let ceiling: Ceiling | null = null;
    if (pgbench) {
      ceiling = await pgbenchCeiling(pgbench, await freshDatabase(baseUrl, 'coalition_pgbench'), 20, [
        { clients: 16, scale: 10 },
        { clients: 64, scale: 64 },
      ]);
      for (const c of ceiling.tpcb)
        rows.push({ name: `pgbench TPC-B-like, ${c.clients} clients, scale ${c.scale}`, value: c.tps, unit: 'tps' });
      rows.push({ name: 'pgbench select-only, 16 clients', value: ceiling.selectOnly, unit: 'tps' });
      await dropDatabase(baseUrl, 'coalition_pgbench');
    } else {
      console.error(
        process.env.BENCH_CEILING === 'off'
          ? 'pgbench skipped (BENCH_CEILING=off): absolute figures only'
          : 'no pgbench found (the embedded PostgreSQL ships none): absolute figures only',
      );
    }
    // A load is compared with TPC-B at its own number of clients where measured, else at 16.
    const vsTpcb = (v: number, clients = 16) => {
      const c = ceiling?.tpcb.find((t) => t.clients === clients) ?? ceiling?.tpcb[0];
      return c ? { ratio: v / c.tps, ratioTo: c.clients === 16 ? 'TPC-B' : `TPC-B ${c.clients}` } : {};
    };
    const vsSelect = (v: number) => (ceiling ? { ratio: v / ceiling.selectOnly, ratioTo: 'select-only' } : {});

    // 2. The server, in its own process, on the same PostgreSQL.
    const port = await freePort();
    // BENCH_CPU_PROF=<dir>: the server writes a V8 CPU profile there when it stops.
    const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
    server = spawn(process.execPath, [...profile, path.join(root, 'dist', 'src', 'main.js')], {
      env: {
        ...process.env,
        DATABASE_URL: benchUrl,
        PORT: String(port),
        HOST: '127.0.0.1',
        COALITION_OPERATOR_KEY: OPERATOR_KEY,
        COALITION_JOBS: 'off',
        COALITION_WEBHOOKS: 'off',
        // BENCH_WORKERS=N: the server as WEB_CONCURRENCY=N npm start runs it (node:cluster workers).
        WEB_CONCURRENCY: process.env.BENCH_WORKERS ?? '1',
        // One busy partner's gateway sends well over the default 1,000 value-moving requests a second.
        COALITION_RATE_LIMIT: '1000000',
        LOG_LEVEL: 'warn',
        NODE_ENV: 'production',
        COALITION_MEMBER_JWT_SECRET: OPERATOR_KEY,
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    });
    const url = `http://127.0.0.1:${port}`;
    await waitReady(url);

    // 3. A realistic coalition: 100 partners in 20 categories, 100,000 members, a reward.
    const gql = async (token: string, query: string, variables?: unknown) => {
      const r = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      return (await r.json()) as { data: any; errors?: unknown[] };
    };
    const partners: { id: string; key: string }[] = [];
    for (let i = 0; i < PARTNERS; i++) {
      const { data } = await gql(
        OPERATOR_KEY,
        `mutation ($input: CreatePartnerInput!) { createPartner(input: $input) { partner { id } apiKey } }`,
        {
          input: {
            name: `Bench partner ${i}`,
            category: `category-${i % 20}`,
            currency: 'EUR',
            pointsPerUnit: '1',
            issuancePricePerPoint: '0.01',
            redemptionValuePerPoint: '0.008',
          },
        },
      );
      partners.push({ id: data.createPartner.partner.id, key: data.createPartner.apiKey });
    }
    await withClient(benchUrl, async (c) => {
      await c.query(`INSERT INTO members (card_number) SELECT 'B' || lpad(g::text, 9, '0') FROM generate_series(1, $1) g`, [MEMBERS]);
      // A coalition with a past: HISTORY earlier purchases, posted by the ledger's own batch
      // function from SQL, so every table the write path touches holds realistic data.
      const partnerIds = (await c.query<{ id: string }>('SELECT id FROM partners ORDER BY id')).rows.map((r) => r.id);
      for (let chunk = 0; chunk * 1000 < HISTORY; chunk++) {
        const partnerId = partnerIds[chunk % partnerIds.length];
        await c.query(
          `SELECT coalition_record_purchases((
             SELECT jsonb_agg(jsonb_build_object('idx', g - 1, 'scope', $1::text, 'partner', $2::bigint, 'principal', $1::text,
                      'key', 'history-' || $3::int || '-' || g, 'fingerprint', '00',
                      'card', 'B' || lpad((1 + ($3::int * 1000 + g) * 7919 % $4::int)::text, 9, '0'), 'amount', '2500',
                      'currency', 'EUR', 'digits', 2, 'reference', 'history-' || $3::int || '-' || g))
               FROM generate_series(1, 1000) g))`,
          [`partner:${partnerId}`, partnerId, chunk, MEMBERS],
        );
      }
      // As autovacuum would after a bulk load. Plans cached on empty tables (seq scans) would
      // otherwise stay in the server's pooled connections until autovacuum's next ANALYZE.
      await c.query('ANALYZE');
    });
    const card = (i: number) => `B${String(1 + ((Math.imul(i + 1, 2654435761) >>> 0) % MEMBERS)).padStart(9, '0')}`;
    const purchase = (i: number, tag: string) =>
      JSON.stringify({
        query: 'mutation ($input: RecordPurchaseInput!) { recordPurchase(input: $input) { pointsEarned userErrors { code } } }',
        variables: {
          input: {
            cardNumber: card(i),
            amount: { amount: '12.34', currency: 'EUR' },
            reference: `${tag}-${i}`,
            idempotencyKey: `${tag}-${i}`,
          },
        },
      });
    const batchBody = (i: number, tag: string) =>
      JSON.stringify({
        query:
          'mutation ($input: RecordPurchasesInput!) { recordPurchases(input: $input) { results { pointsEarned } userErrors { code } } }',
        variables: {
          input: {
            purchases: Array.from({ length: 1000 }, (_, j) => ({
              cardNumber: card(i * 1000 + j + 7),
              amount: { amount: '5.00', currency: 'EUR' },
              reference: `${tag}-${i}-${j}`,
              idempotencyKey: `${tag}-${i}-${j}`,
            })),
          },
        },
      });
    let failures = 0;
    let firstFailure: string | undefined;
    const unexpected = (body: string) => {
      failures++;
      firstFailure ??= body.slice(0, 200);
    };
    const noUserErrors = (body: string) => {
      if (!body.includes('"userErrors":[]')) unexpected(body);
    };

    // Warm-up, not measured: every pooled connection plans its statements against the loaded tables.
    await graphqlLoad({ url, connections: 16, seconds: 3, token: (i) => partners[i % PARTNERS].key, body: (i) => purchase(i, 'warm') });

    // 4. Single purchases over HTTP.
    const single = async (name: string, connections: number, busy: boolean): Promise<LoadResult> => {
      const r = await medianRun(ROUNDS, (round) =>
        graphqlLoad({
          url,
          connections,
          seconds: SECONDS,
          token: busy ? partners[0].key : (i) => partners[i % PARTNERS].key,
          body: (i) => purchase(i, `${name}r${round}`),
          check: noUserErrors,
        }),
      );
      rows.push({
        name: `recordPurchase, ${busy ? 'one busy partner' : 'uniform partners'}, ${connections} clients`,
        value: r.requestsPerSecond,
        unit: 'purchases/s',
        p50: r.p50,
        p99: r.p99,
        ...vsTpcb(r.requestsPerSecond, connections),
        note: runsNote(r.runs),
      });
      return r;
    };
    if (want('purchase')) {
      const uniform16 = await single('u16', 16, false);
      await single('u64', 64, false);
      const busy16 = await single('b16', 16, true);
      await single('b64', 64, true);
      rows.push({
        name: 'one busy partner ÷ uniform partners (16 clients)',
        value: busy16.requestsPerSecond / uniform16.requestsPerSecond,
        unit: 'ratio',
      });
    }

    // 5. Batches of 1,000.
    if (want('batch')) {
      const batch = await graphqlLoad({
        url,
        connections: 4,
        seconds: SECONDS,
        token: (i) => partners[i % PARTNERS].key,
        body: (i) => batchBody(i, 'batch'),
      });
      rows.push({
        name: 'recordPurchases, batches of 1,000, 4 clients',
        value: batch.requestsPerSecond * 1000,
        unit: 'purchases/s',
        p50: batch.p50,
        p99: batch.p99,
        ...vsTpcb(batch.requestsPerSecond * 1000),
      });
    }

    // 5b. What partner events cost the write path: the same loads with the event triggers on and
    // off, in the order on, off, off, on twice so that drift over the run cancels out; medians. Every partner has
    // an endpoint, so each purchase also writes its delivery row; sending is the dispatcher's work,
    // off the write path (this server runs with COALITION_WEBHOOKS=off).
    if (want('events')) {
      const triggers = await withClient(benchUrl, async (c) => {
        await c.query(
          `INSERT INTO webhook_endpoints (partner_id, url, secret) SELECT id, 'https://hooks.invalid/bench', 'whsec_' || md5(id::text) FROM partners`,
        );
        return (
          await c.query<{ tgname: string; relname: string }>(
            `SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid WHERE t.tgname LIKE '%\\_event\\_%'`,
          )
        ).rows;
      });
      const setEvents = (on: boolean) =>
        withClient(benchUrl, async (c) => {
          for (const t of triggers) await c.query(`ALTER TABLE ${t.relname} ${on ? 'ENABLE' : 'DISABLE'} TRIGGER ${t.tgname}`);
        });
      const measure = { single: { on: [] as number[], off: [] as number[] }, batch: { on: [] as number[], off: [] as number[] } };
      let round = 0;
      for (const on of [true, false, false, true, true, false, false, true]) {
        await setEvents(on);
        const state = on ? 'on' : 'off';
        const single = await graphqlLoad({
          url,
          connections: 16,
          seconds: SECONDS,
          token: (i) => partners[i % PARTNERS].key,
          body: (i) => purchase(i, `ev${round}`),
          check: noUserErrors,
        });
        measure.single[state].push(single.requestsPerSecond);
        const batch = await graphqlLoad({
          url,
          connections: 4,
          seconds: SECONDS,
          token: (i) => partners[i % PARTNERS].key,
          body: (i) => batchBody(i, `ev${round}`),
        });
        measure.batch[state].push(batch.requestsPerSecond * 1000);
        round++;
      }
      // The same cost without HTTP, load generator or pool in the way: one connection calling the
      // batch function with 1,000 purchases, events on and off alternately, 10 calls each.
      const callMs = { on: [] as number[], off: [] as number[] };
      for (let call = 0; call < 20; call++) {
        const on = call % 4 === 0 || call % 4 === 3;
        await setEvents(on);
        const partnerId = Buffer.from(partners[call % PARTNERS].id, 'base64url')
          .toString()
          .split(':')[1];
        await withClient(benchUrl, async (c) => {
          const started = process.hrtime.bigint();
          await c.query(
            `SELECT coalition_record_purchases((
               SELECT jsonb_agg(jsonb_build_object('idx', g - 1, 'scope', $1::text, 'partner', $2::bigint, 'principal', $1::text,
                        'key', 'sql-' || $3::int || '-' || g, 'fingerprint', '00',
                        'card', 'B' || lpad((1 + ($3::int * 1000 + g) * 7919 % $4::int)::text, 9, '0'), 'amount', '2500',
                        'currency', 'EUR', 'digits', 2, 'reference', 'sql-' || $3::int || '-' || g))
                 FROM generate_series(1, 1000) g))`,
            [`partner:${partnerId}`, partnerId, call, MEMBERS],
          );
          callMs[on ? 'on' : 'off'].push(Number(process.hrtime.bigint() - started) / 1e6);
        });
      }
      await setEvents(true);
      for (const [what, m] of [
        ['recordPurchase, 16 clients', measure.single],
        ['recordPurchases, batches of 1,000, 4 clients', measure.batch],
      ] as const) {
        const off = median(m.off);
        const on = median(m.on);
        rows.push({ name: `${what}, events off`, value: off, unit: 'purchases/s', note: m.off.map(Math.round).join(', ') });
        rows.push({ name: `${what}, events on`, value: on, unit: 'purchases/s', note: m.on.map(Math.round).join(', ') });
        rows.push({ name: `${what}: write-path cost of events`, value: (1 - on / off) * 100, unit: '%', note: 'target ≤ 5 %' });
      }
      const [offMs, onMs] = [median(callMs.off), median(callMs.on)];
      rows.push({
        name: 'coalition_record_purchases, 1,000 items, one connection, events off',
        value: offMs,
        unit: 'ms',
        note: callMs.off.map(Math.round).join(', '),
      });
      rows.push({
        name: 'coalition_record_purchases, 1,000 items, one connection, events on',
        value: onMs,
        unit: 'ms',
        note: callMs.on.map(Math.round).join(', '),
      });
      rows.push({ name: 'coalition_record_purchases: cost of events', value: (onMs / offMs - 1) * 100, unit: '%', note: 'target ≤ 5 %' });
    }

    // 6. Balance and history reads, and the floor under them: the cheapest GraphQL request there is
    // (no resolver, no database) through the same HTTP server, authentication and Apollo pipeline.
    if (want('reads')) {
      // The kept target is on the balance read (≥ 0.8× the floor, p99 < 20 ms); the history read is its
      // member app's next screen. The three loads take turns in each round, so that the machine's
      // drift over the rounds weighs on the floor as on the reads.
      const memberRead = (name: string, query: string) => ({
        name,
        body: (i: number) => JSON.stringify({ query, variables: { c: card(i) } }),
        check: (body: string) => {
          if (!body.includes('"balance"')) unexpected(body);
        },
      });
      const loads: { name: string; body: (i: number) => string; check?: (body: string) => void }[] = [
        { name: 'floor: { __typename } over HTTP, 16 clients', body: () => JSON.stringify({ query: '{ __typename }' }) },
        memberRead('member { balance }, 16 clients', 'query ($c: String!) { member(cardNumber: $c) { balance } }'),
        memberRead(
          'member { balance transactions(first: 20) }, 16 clients',
          'query ($c: String!) { member(cardNumber: $c) { balance transactions(first: 20) { edges { node { id kind points createdAt } } } } }',
        ),
      ];
      const runs: LoadResult[][] = loads.map(() => []);
      for (let round = 0; round < ROUNDS; round++) {
        for (const [k, load] of loads.entries()) {
          runs[k].push(
            await graphqlLoad({ url, connections: 16, seconds: SECONDS, token: OPERATOR_KEY, body: load.body, check: load.check }),
          );
        }
      }
      const [floor, ...reads] = runs.map(medianResult);
      rows.push({
        name: loads[0].name,
        value: floor.requestsPerSecond,
        unit: 'queries/s',
        p50: floor.p50,
        p99: floor.p99,
        ...vsSelect(floor.requestsPerSecond),
        note: runsNote(floor.runs),
      });
      reads.forEach((r, k) => {
        // Judged round by round against that round's floor: the median of those ratios.
        const ratios = r.runs.map((v, round) => v / floor.runs[round]);
        rows.push({
          name: loads[k + 1].name,
          value: r.requestsPerSecond,
          unit: 'queries/s',
          p50: r.p50,
          p99: r.p99,
          ratio: median(ratios),
          ratioTo: 'floor',
          note:
            ratios.length > 1
              ? `${runsNote(r.runs)}; ${ratios.map((x) => `${x.toFixed(2)}×`).join(', ')} of each round's floor`
              : undefined,
        });
      });
    }

    // 7. Redemptions under contention: 64 clients on 10 members holding 2,000 points each.
    if (want('redeem')) {
      const { data: rewardData } = await gql(
        OPERATOR_KEY,
        `mutation ($input: CreateRewardInput!) { createReward(input: $input) { reward { id } } }`,
        {
          input: { name: 'Bench voucher', kind: 'VOUCHER', pointsCost: 10, fulfilledBy: partners[1].id },
        },
      );
      const hot = Array.from({ length: 10 }, (_, i) => `H${String(i).padStart(9, '0')}`);
      await withClient(benchUrl, (c) => c.query(`INSERT INTO members (card_number) SELECT unnest($1::text[])`, [hot]));
      for (const c of hot) {
        await gql(partners[1].key, 'mutation ($input: RecordPurchaseInput!) { recordPurchase(input: $input) { userErrors { code } } }', {
          input: { cardNumber: c, amount: { amount: '2000', currency: 'EUR' }, reference: `seed-${c}`, idempotencyKey: `seed-${c}` },
        });
      }
      let redeemed = 0;
      let refused = 0;
      const redeem = await graphqlLoad({
        url,
        connections: 64,
        seconds: SECONDS,
        token: partners[1].key,
        body: (i) =>
          JSON.stringify({
            query: 'mutation ($input: RedeemRewardInput!) { redeemReward(input: $input) { redemption { id } userErrors { code } } }',
            variables: {
              input: { rewardId: rewardData.createReward.reward.id, cardNumber: hot[i % hot.length], idempotencyKey: `redeem-${i}` },
            },
          }),
        check: (body) =>
          body.includes('"redemption":{') ? redeemed++ : body.includes('INSUFFICIENT_POINTS') ? refused++ : unexpected(body),
      });
      const [{ rows: redemptions, balances }] = await withClient(benchUrl, async (c) => [
        {
          rows: Number(
            (await c.query(`SELECT count(*) AS n FROM redemptions r JOIN members m ON m.id = r.member_id WHERE m.card_number LIKE 'H%'`))
              .rows[0].n,
          ),
          balances: (await c.query(`SELECT points_balance FROM members WHERE card_number LIKE 'H%'`)).rows.map((r) =>
            Number(r.points_balance),
          ),
        },
      ]);
      // From the database: every redemption took exactly its 10 points and no balance went below
      // zero; and no client saw a redemption the database lacks. Requests still in flight when the
      // load stopped may commit with nobody counting their answer: reported, not a double-spend.
      const doubleSpends =
        balances.filter((b) => b < 0).length +
        Math.abs(20_000 - 10 * redemptions - balances.reduce((a, b) => a + b, 0)) +
        Math.max(0, redeemed - redemptions);
      const unanswered = redemptions - redeemed;
      rows.push({
        name: 'redeemReward, 64 clients on 10 members',
        value: redeem.requestsPerSecond,
        unit: 'requests/s',
        p50: redeem.p50,
        p99: redeem.p99,
        note: `${redemptions} redeemed (${unanswered} answered after the load stopped), ${refused} refused INSUFFICIENT_POINTS, double-spends: ${doubleSpends}`,
      });
    }

    // 8. Closing a period of 1,000,000 entries across 100 partners.
    if (want('analytics')) {
      // 18 months of history: enrolments spread over them, ANALYTICS_PURCHASES purchases after each
      // member's enrolment, heavy buyers more often (id drawn by random()²) and each member fading
      // out at its own point (so there are lapsed and at-risk members), written straight into the
      // tables: only the reports read them, so triggers and foreign-key checks are skipped.
      await withClient(benchUrl, async (c) => {
        await c.query(`UPDATE members SET created_at = now() - (id * 7919 % 548) * interval '1 day' - (id % 1440) * interval '1 minute'`);
        await c.query(`SET session_replication_role = replica`);
        await c.query(
          `WITH ms AS (SELECT id, created_at, row_number() OVER (ORDER BY id) - 1 AS n FROM members),
                ps AS (SELECT p.id, p.currency, (SELECT min(k.id) FROM partner_contracts k WHERE k.partner_id = p.id) AS contract_id,
                              row_number() OVER (ORDER BY p.id) - 1 AS n FROM partners p),
                picks AS (SELECT g, floor($2::int * power(random(), 2))::int AS mn, g % (SELECT count(*) FROM partners) AS pn
                            FROM generate_series(1, $1::int) g)
           INSERT INTO purchases (partner_id, member_id, reference, amount_minor, currency, contract_id, points, created_at)
           SELECT ps.id, ms.id, 'analytics-' || picks.g, 300 + (picks.g::bigint * 7907) % 20000, ps.currency, ps.contract_id, 0,
                  ms.created_at + (now() - ms.created_at) * random() * (0.2 + 0.8 * (ms.n * 37 % 100) / 100.0)
             FROM picks JOIN ms ON ms.n = picks.mn JOIN ps ON ps.n = picks.pn`,
          [ANALYTICS_PURCHASES, MEMBERS],
        );
        await c.query(`UPDATE members SET marketing_consent = true, marketing_consent_at = now(), marketing_consent_source = 'bench',
                              first_name = 'Member ' || id WHERE id % 3 = 0`);
        await c.query(`SET session_replication_role = origin`);
        await c.query('ANALYZE purchases, members');
      });
      const timed = async (name: string, query: string, variables?: unknown) => {
        const started = process.hrtime.bigint();
        const answer = await gql(OPERATOR_KEY, query, variables);
        if (answer.errors) throw new Error(`${name}: ${JSON.stringify(answer.errors)}`);
        rows.push({ name, value: Number(process.hrtime.bigint() - started) / 1e9, unit: 's' });
      };
      const report = `query ($partnerId: ID) { retentionReport(partnerId: $partnerId) { windows { activeMembers repeatPurchaseRate }
        cohorts { month size retention } segments { segment members spend { amount currency } } atRiskMembers } }`;
      const of = `${ANALYTICS_PURCHASES.toLocaleString('en')} purchases`;
      await timed(`retentionReport, coalition, ${of}`, report);
      await timed(`retentionReport, one partner (1/${PARTNERS} of them)`, report, { partnerId: partners[0].id });
      await timed(
        `atRiskFollowUps(first: 100), coalition`,
        `{ atRiskFollowUps(first: 100) { edges { node { cardNumber firstName email } } pageInfo { hasNextPage } } }`,
      );
      await timed(
        `refreshSegments, ${MEMBERS.toLocaleString('en')} members`,
        'mutation { refreshSegments { members userErrors { code } } }',
      );
    }
    if (want('close')) {
      await withClient(benchUrl, (c) =>
        c.query(
          `INSERT INTO settlement_items (partner_id, currency, kind, quantity, unit_amount, reference)
         SELECT p.id, 'EUR', 'ISSUANCE', 1 + g % 50, -0.01, 'bench' FROM generate_series(1, $1) g
           JOIN (SELECT id, row_number() OVER (ORDER BY id) - 1 AS n FROM partners) p ON p.n = g % 100`,
          [CLOSE_ITEMS - 0],
        ),
      );
      const rssBefore = vmHwm(server.pid!);
      const started = process.hrtime.bigint();
      const closed = await gql(
        OPERATOR_KEY,
        'mutation ($input: CloseSettlementPeriodInput!) { closeSettlementPeriod(input: $input) { period { id } userErrors { code message } } }',
        {
          input: { periodEnd: new Date().toISOString() },
        },
      );
      const closeSeconds = Number(process.hrtime.bigint() - started) / 1e9;
      if (!closed.data?.closeSettlementPeriod?.period) throw new Error(`close failed: ${JSON.stringify(closed)}`);
      const [{ n: closedItems }] = (
        await withClient(benchUrl, (c) =>
          c.query(`SELECT count(*) AS n FROM settlement_items_of((SELECT max(id) FROM settlement_periods))`),
        )
      ).rows;
      rows.push({
        name: `closeSettlementPeriod over ${Number(closedItems).toLocaleString('en')} items, 100 partners`,
        value: closeSeconds,
        unit: 's',
        note: `server peak RSS ${rssBefore} → ${vmHwm(server.pid!)} MB`,
      });
    }
    rows.push({
      name: `server RSS at the end of the load${Number(process.env.BENCH_WORKERS ?? 1) > 1 ? ' (the cluster primary only)' : ''}`,
      value: vmRss(server.pid!),
      unit: 'MB',
    });
    rows.push({ name: 'unexpected answers during the load', value: failures, unit: 'count', note: firstFailure });

    print(rows);
    mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
    writeFileSync(
      path.join(root, 'bench', 'results', 'latest.json'),
      JSON.stringify(
        {
          at: new Date().toISOString(),
          seconds: SECONDS,
          members: MEMBERS,
          workers: Number(process.env.BENCH_WORKERS ?? 1),
          database: process.env.DATABASE_URL ? 'external' : 'embedded',
          rows,
        },
        null,
        2,
      ) + '\n',
    );
  } finally {
    server?.kill('SIGTERM');
    await new Promise((r) => (server ? server.once('exit', r) : r(undefined)));
    // BENCH_KEEP_DB=1 leaves the seeded coalition_bench database for EXPLAIN and pgbench scripts.
    if (process.env.BENCH_KEEP_DB !== '1') await dropDatabase(baseUrl, 'coalition_bench').catch(() => undefined);
    await embedded?.stop();
  }
}

/** Every run's throughput, for a figure reported as the median of its runs. */
function runsNote(runs: number[]): string | undefined {
  return runs.length > 1 ? `median of ${runs.map((v) => Math.round(v).toLocaleString('en-US')).join(', ')}/s` : undefined;
}

function print(rows: Row[]): void {
  const fmt = (v: number, unit: string) =>
    unit === 'ratio' || unit === 's' ? v.toFixed(2) : unit === '%' || unit === 'ms' ? v.toFixed(1) : Math.round(v).toLocaleString('en');
  console.log('\n| measurement | value | unit | vs pgbench | p50 ms | p99 ms | note |');
  console.log('|---|---:|---|---:|---:|---:|---|');
  for (const r of rows) {
    const ratio = r.ratio === undefined ? '' : `${r.ratio.toFixed(2)}× ${r.ratioTo}`;
    console.log(`| ${r.name} | ${fmt(r.value, r.unit)} | ${r.unit} | ${ratio} | ${r.p50 ?? ''} | ${r.p99 ?? ''} | ${r.note ?? ''} |`);
  }
}

function procStatus(pid: number, field: string): number {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : NaN;
}
const vmRss = (pid: number) => procStatus(pid, 'VmRSS');
const vmHwm = (pid: number) => procStatus(pid, 'VmHWM');

async function freshDatabase(baseUrl: string, name: string): Promise<string> {
  await dropDatabase(baseUrl, name);
  await withClient(baseUrl, (c) => c.query(`CREATE DATABASE ${name}`));
  return databaseUrl(baseUrl, name);
}

async function dropDatabase(baseUrl: string, name: string): Promise<void> {
  await withClient(baseUrl, (c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

async function waitReady(url: string): Promise<void> {
  for (let i = 0; i < 120; i++) {
    try {
      if ((await fetch(`${url}/ready`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error('server did not become ready');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
