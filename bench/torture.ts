import type { DataSource } from 'typeorm';
import { auditLedger, LedgerViolation } from '../src/ledger/ledger-audit';
import { auditEvents } from '../src/webhook/webhook-audit';

/**
 * The torture workload: concurrent clients run a random mix of value-moving operations against a
 * running server while a controller kills the server's database backends; clients retry every
 * failed request with the same idempotency key. An auditor then checks the ledger's invariants and
 * that what clients saw succeed is exactly what the ledger holds (Jepsen's bank workload, in spirit).
 */
export interface TortureOptions {
  url: string;
  operatorKey: string;
  memberToken: (card: string) => Promise<string>;
  /** The server's database, for the controller's kills and the auditor. */
  dataSource: DataSource;
  operations: number;
  clients: number;
  killEveryMs: number;
  /** Restart PostgreSQL once, half-way (the full run). */
  restart?: () => Promise<void>;
  seed?: number;
}

export interface TortureReport {
  operations: number;
  succeeded: number;
  refused: Record<string, number>;
  retries: number;
  unrecovered: string[];
  killedBackends: number;
  violations: LedgerViolation[];
  mismatches: string[];
  readyAfter: boolean;
}

const MEMBERS = 30;

export async function runTorture(o: TortureOptions): Promise<TortureReport> {
  let rng = o.seed ?? 42;
  const random = () => (rng = (Math.imul(rng, 1103515245) + 12345) >>> 0) / 2 ** 32;
  const pick = <T>(xs: T[]) => xs[Math.floor(random() * xs.length)];
  const report: TortureReport = {
    operations: 0,
    succeeded: 0,
    refused: {},
    retries: 0,
    unrecovered: [],
    killedBackends: 0,
    violations: [],
    mismatches: [],
    readyAfter: false,
  };

  const send = async (token: string, query: string, variables: unknown): Promise<{ data?: any; errors?: any[] }> => {
    // Retries with the very same request: the idempotency key makes a repeat safe.
    for (let attempt = 1; attempt <= 40; attempt++) {
      try {
        const r = await fetch(`${o.url}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query, variables }),
          signal: AbortSignal.timeout(15_000),
        });
        const body = (await r.json()) as { data?: any; errors?: any[] };
        const code = body.errors?.[0]?.extensions?.code;
        if (r.status < 500 && code !== 'INTERNAL_SERVER_ERROR' && code !== 'LEDGER_BUSY') return body;
      } catch {
        // connection refused or reset while the database restarts: retry
      }
      report.retries++;
      await new Promise((res) => setTimeout(res, Math.min(1000, 20 * attempt)));
    }
    report.unrecovered.push(query.slice(0, 60));
    return {};
  };

  // A small coalition: a grocer earns, a cinema honours vouchers, an airline takes miles.
  const partner = async (name: string, category: string) => {
    const { data } = await send(
      o.operatorKey,
      `mutation ($i: CreatePartnerInput!) { createPartner(input: $i) { partner { id } apiKey } }`,
      {
        i: {
          name: `${name} ${Date.now()}`,
          category,
          currency: 'EUR',
          pointsPerUnit: '1',
          issuancePricePerPoint: '0.01',
          redemptionValuePerPoint: '0.008',
        },
      },
    );
    return { id: data.createPartner.partner.id as string, key: data.createPartner.apiKey as string };
  };
  const grocer = await partner('Torture Grocer', `torture-grocery-${o.seed ?? 42}`);
  const cinema = await partner('Torture Cinema', `torture-cinema-${o.seed ?? 42}`);
  const airline = await partner('Torture Air', `torture-air-${o.seed ?? 42}`);
  const createReward = async (input: Record<string, unknown>) =>
    (await send(o.operatorKey, `mutation ($i: CreateRewardInput!) { createReward(input: $i) { reward { id } } }`, { i: input })).data
      .createReward.reward.id as string;
  const reward = await createReward({ name: 'Torture ticket', kind: 'VOUCHER', pointsCost: 50, fulfilledBy: cinema.id });
  const giftCardReward = await createReward({
    name: 'Torture gift card',
    kind: 'GIFT_CARD',
    pointsCost: 40,
    fulfilledBy: cinema.id,
    giftCardValue: { amount: '5.00', currency: 'EUR' },
  });
  await send(o.operatorKey, `mutation ($i: SetMilesRatioInput!) { setMilesRatio(input: $i) { ok } }`, {
    i: { airlineId: airline.id, direction: 'TO_MILES', points: 1, miles: 1, minimum: 10 },
  });
  const tag = `${o.seed ?? 42}${Date.now() % 100000}`;
  const cards = Array.from({ length: MEMBERS }, (_, i) => `T${tag}${String(i).padStart(3, '0')}`);
  for (const card of cards)
    await send(grocer.key, `mutation ($i: EnrollMemberInput!) { enrollMember(input: $i) { member { id } } }`, { i: { cardNumber: card } });
  const tokens = new Map(await Promise.all(cards.map(async (c) => [c, await o.memberToken(c)] as const)));

  // What clients saw succeed.
  let earned = 0;
  let returnedPoints = 0;
  let redemptions = 0;
  let giftCardCents = 0;
  const giftCards: string[] = [];
  const purchases: { reference: string; amount: string }[] = [];
  const pendingTransfers: string[] = [];
  let seq = 0;
  const outcome = (body: { data?: any }, field: string): any => {
    const payload = body.data?.[field];
    const code = payload?.userErrors?.[0]?.code;
    if (code) report.refused[code] = (report.refused[code] ?? 0) + 1;
    else if (payload) report.succeeded++;
    return code ? null : payload;
  };

  const operations: (() => Promise<void>)[] = [
    async () => {
      const n = ++seq;
      const amount = String(1 + Math.floor(random() * 100));
      const body = await send(
        grocer.key,
        `mutation ($i: RecordPurchaseInput!) { recordPurchase(input: $i) { pointsEarned userErrors { code } } }`,
        {
          i: { cardNumber: pick(cards), amount: { amount, currency: 'EUR' }, reference: `p-${tag}-${n}`, idempotencyKey: `p-${tag}-${n}` },
        },
      );
      const ok = outcome(body, 'recordPurchase');
      if (ok) {
        earned += ok.pointsEarned;
        purchases.push({ reference: `p-${tag}-${n}`, amount });
      }
    },
    async () => {
      const n = ++seq;
      const items = Array.from({ length: 5 }, (_, j) => ({
        cardNumber: pick(cards),
        amount: { amount: '7', currency: 'EUR' },
        reference: `b-${tag}-${n}-${j}`,
        idempotencyKey: `b-${tag}-${n}-${j}`,
      }));
      const body = await send(
        grocer.key,
        `mutation ($i: RecordPurchasesInput!) { recordPurchases(input: $i) { results { pointsEarned userErrors { code } } userErrors { code } } }`,
        { i: { purchases: items } },
      );
      for (const r of body.data?.recordPurchases?.results ?? []) {
        if (r.userErrors.length === 0) {
          report.succeeded++;
          earned += r.pointsEarned;
        } else report.refused[r.userErrors[0].code] = (report.refused[r.userErrors[0].code] ?? 0) + 1;
      }
    },
    async () => {
      const p = purchases.length > 0 ? purchases.splice(Math.floor(random() * purchases.length), 1)[0] : null;
      if (!p) return;
      const body = await send(
        grocer.key,
        `mutation ($i: RecordReturnInput!) { recordReturn(input: $i) { pointsReversed userErrors { code } } }`,
        {
          i: { reference: p.reference, amount: { amount: p.amount, currency: 'EUR' }, idempotencyKey: `r-${p.reference}` },
        },
      );
      const ok = outcome(body, 'recordReturn');
      if (ok) returnedPoints += ok.pointsReversed;
    },
    async () => {
      const card = pick(cards);
      const body = await send(
        tokens.get(card)!,
        `mutation ($i: RedeemRewardInput!) { redeemReward(input: $i) { redemption { id } userErrors { code } } }`,
        {
          i: { rewardId: reward, idempotencyKey: `v-${tag}-${++seq}` },
        },
      );
      if (outcome(body, 'redeemReward')) redemptions++;
    },
    async () => {
      const card = pick(cards);
      const body = await send(
        tokens.get(card)!,
        `mutation ($i: ConvertPointsToMilesInput!) { convertPointsToMiles(input: $i) { milesTransfer { id } userErrors { code } } }`,
        {
          i: {
            airlineId: airline.id,
            points: 10 + Math.floor(random() * 20),
            frequentFlyerNumber: 'TT-1',
            idempotencyKey: `m-${tag}-${++seq}`,
          },
        },
      );
      const ok = outcome(body, 'convertPointsToMiles');
      if (ok) pendingTransfers.push(ok.milesTransfer.id);
    },
    async () => {
      const transferId = pendingTransfers.shift();
      if (!transferId) return;
      const confirm = random() < 0.6;
      const body = await send(
        airline.key,
        `mutation ($i: ResolveMilesTransferInput!) { ${confirm ? 'confirmMilesTransfer' : 'rejectMilesTransfer'}(input: $i) { milesTransfer { status } userErrors { code } } }`,
        {
          i: { transferId, idempotencyKey: `x-${transferId}` },
        },
      );
      outcome(body, confirm ? 'confirmMilesTransfer' : 'rejectMilesTransfer');
    },
  ];
  operations.push(
    // A gift card bought with points, then spent at the cinema in two goes.
    async () => {
      const card = pick(cards);
      const body = await send(
        tokens.get(card)!,
        `mutation ($i: RedeemRewardInput!) { redeemReward(input: $i) { redemption { giftCard { code } } userErrors { code } } }`,
        {
          i: { rewardId: giftCardReward, idempotencyKey: `g-${tag}-${++seq}` },
        },
      );
      const ok = outcome(body, 'redeemReward');
      if (ok) {
        redemptions++;
        if (ok.redemption.giftCard.code) giftCards.push(ok.redemption.giftCard.code);
      }
    },
    async () => {
      const code = giftCards.length > 0 ? pick(giftCards) : null;
      if (!code) return;
      const body = await send(
        cinema.key,
        `mutation ($i: RedeemGiftCardInput!) { redeemGiftCard(input: $i) { giftCard { id } userErrors { code } } }`,
        {
          i: { code, amount: { amount: '2.50', currency: 'EUR' }, idempotencyKey: `s-${tag}-${++seq}` },
        },
      );
      if (outcome(body, 'redeemGiftCard')) giftCardCents += 250;
    },
    // A new member, expiry as of now, and a period close, now and then.
    async () => {
      const card = `T${tag}N${++seq}`;
      const body = await send(
        grocer.key,
        `mutation ($i: EnrollMemberInput!) { enrollMember(input: $i) { member { id } userErrors { code } } }`,
        { i: { cardNumber: card } },
      );
      outcome(body, 'enrollMember');
    },
    async () => {
      outcome(
        await send(o.operatorKey, `mutation ($i: ExpirePointsInput!) { expirePoints(input: $i) { expiredPoints userErrors { code } } }`, {
          i: { asOf: new Date().toISOString() },
        }),
        'expirePoints',
      );
    },
    async () => {
      outcome(
        await send(
          o.operatorKey,
          `mutation ($i: CloseSettlementPeriodInput!) { closeSettlementPeriod(input: $i) { period { id } userErrors { code } } }`,
          {
            i: { periodEnd: new Date(Date.now() - 1000).toISOString() },
          },
        ),
        'closeSettlementPeriod',
      );
    },
  );
  const weights = [36, 10, 9, 12, 10, 11, 4, 4, 2, 1, 1];
  const chooseOperation = () => {
    let r = random() * weights.reduce((a, b) => a + b, 0);
    for (let i = 0; i < weights.length; i++) if ((r -= weights[i]) < 0) return operations[i];
    return operations[0];
  };

  // The controller: kill the server's backends every killEveryMs; restart PostgreSQL once if asked.
  let stop = false;
  const controller = (async () => {
    let restarted = false;
    while (!stop) {
      await new Promise((res) => setTimeout(res, o.killEveryMs));
      if (stop) break;
      try {
        if (o.restart && !restarted && report.operations > o.operations / 2) {
          restarted = true;
          await o.restart();
          continue;
        }
        const killed = await o.dataSource.query(`
          SELECT pg_terminate_backend(pid) FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name = 'coalition' AND state <> 'idle'
           LIMIT 2`);
        report.killedBackends += killed.length;
      } catch {
        // the controller's own connection was killed or the server is restarting
      }
    }
  })();

  let remaining = o.operations;
  await Promise.all(
    Array.from({ length: o.clients }, async () => {
      while (remaining-- > 0) {
        await chooseOperation()();
        report.operations++;
      }
    }),
  );
  stop = true;
  await controller;
  // Anything still pending at the end is voided, so every hold is resolved exactly once.
  for (const transferId of pendingTransfers) {
    outcome(
      await send(
        airline.key,
        `mutation ($i: ResolveMilesTransferInput!) { rejectMilesTransfer(input: $i) { milesTransfer { status } userErrors { code } } }`,
        {
          i: { transferId, idempotencyKey: `x-${transferId}` },
        },
      ),
      'rejectMilesTransfer',
    );
  }

  // The auditor.
  report.violations = await auditWithRetry(o.dataSource);
  const [ledger] = await o.dataSource.query(
    `SELECT coalesce(sum(e.member_points) FILTER (WHERE e.kind = 'EARN' AND e.operation = 'CREDIT'), 0) AS earned,
            coalesce(-sum(e.member_points) FILTER (WHERE e.kind = 'RETURN'), 0) AS returned,
            count(*) FILTER (WHERE e.kind = 'REDEEM') AS redemptions,
            (SELECT coalesce(sum(u.amount_minor), 0) FROM gift_card_uses u JOIN gift_cards g ON g.id = u.gift_card_id
               JOIN members gm ON gm.id = g.member_id WHERE gm.card_number LIKE $1) AS gift_card_cents,
            (SELECT count(*) FROM settlement_items i WHERE NOT EXISTS (SELECT 1 FROM settlement_periods p, settlement_items_of(p.id) x WHERE x.id = i.id)
               AND i.created_at < (SELECT max(period_end) FROM settlement_periods)
               AND pg_visible_in_snapshot(i.xid, (SELECT snapshot FROM settlement_periods ORDER BY id DESC LIMIT 1))) AS unsettled,
            (SELECT count(*) FROM point_holds h JOIN members m ON m.id = h.member_id WHERE m.card_number LIKE $1 AND h.status = 'PENDING') AS pending,
            (SELECT count(*) FROM (SELECT reference FROM purchases GROUP BY partner_id, reference HAVING count(*) > 1) d) AS duplicates
       FROM ledger_entries e JOIN members m ON m.id = e.member_id WHERE m.card_number LIKE $1`,
    [`T${tag}%`],
  );
  const compare = (what: string, seen: number, held: number) => {
    if (seen !== held) report.mismatches.push(`${what}: clients saw ${seen}, the ledger holds ${held}`);
  };
  compare('points earned', earned, Number(ledger.earned));
  compare('points returned', returnedPoints, Number(ledger.returned));
  compare('redemptions', redemptions, Number(ledger.redemptions));
  compare('gift-card value spent (cents)', giftCardCents, Number(ledger.gift_card_cents));
  compare('settlement items closed in no period', 0, Number(ledger.unsettled));
  compare('holds left pending', 0, Number(ledger.pending));
  compare('duplicate purchase references', 0, Number(ledger.duplicates));
  // Every effect has exactly its event, for the partner concerned, even across killed backends.
  report.mismatches.push(...(await auditEvents(o.dataSource)));
  report.readyAfter = (await fetch(`${o.url}/ready`)).ok;
  return report;
}

async function auditWithRetry(dataSource: DataSource): Promise<LedgerViolation[]> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await auditLedger(dataSource);
    } catch (err) {
      if (attempt >= 10) throw err;
      await new Promise((res) => setTimeout(res, 200));
    }
  }
}
