import { Webhook } from 'standardwebhooks';
import type { QueryRunner } from 'typeorm';
import { startApp } from '../app';
import { createLogger } from '../server/logger';
import { Ledger } from '../ledger/ledger.service';
import { enrolMember, newKey, onboardPartner, TestPartner } from '../../test/support/coalition-fixtures';
import { startTestApp, TestApp } from '../../test/support/test-app';
import { WebhookReceiver } from '../../test/support/webhook-receiver';
import {
  CloseSettlementPeriodDocument,
  ConfirmMilesTransferDocument,
  ConvertPointsToMilesDocument,
  CreateRewardDocument,
  CreateWebhookEndpointDocument,
  DeleteWebhookEndpointDocument,
  RecordPurchaseDocument,
  RecordPurchasesDocument,
  RecordReturnDocument,
  RedeemGiftCardDocument,
  RedeemRewardDocument,
  RejectMilesTransferDocument,
  ReplayWebhookDeliveriesDocument,
  RotateWebhookEndpointSecretDocument,
  SendWebhookTestEventDocument,
  SetMilesRatioDocument,
  UpdateWebhookEndpointDocument,
  UseVoucherDocument,
  WebhookDeliveriesDocument,
  WebhookEndpointsDocument,
} from '../../test/generated/graphql';
import { auditEvents } from './webhook-audit';
import { WebhookSender } from './webhook-sender';

let t: TestApp;
let receiver: WebhookReceiver;
beforeAll(async () => {
  t = await startTestApp({
    COALITION_WEBHOOKS: 'on',
    COALITION_WEBHOOK_POLL: '50ms',
    COALITION_WEBHOOK_TIMEOUT: '1s',
    COALITION_WEBHOOK_RETRY_SCHEDULE: '200ms,200ms',
  });
  receiver = await WebhookReceiver.start();
});
afterEach(async () => expect(await auditEvents(t.dataSource)).toEqual([]));
afterAll(async () => {
  await t.stop();
  await receiver.stop();
});

async function endpoint(partner: TestPartner, path: string, eventTypes?: string[], url = receiver.url(path)) {
  const { createWebhookEndpoint } = await partner.client.ok(CreateWebhookEndpointDocument, { input: { url, eventTypes } });
  expect(createWebhookEndpoint.userErrors).toEqual([]);
  return { id: createWebhookEndpoint.webhookEndpoint!.id, secret: createWebhookEndpoint.secret!, path };
}

const purchase = (partner: TestPartner, card: string, amount: string, reference = newKey()) =>
  partner.client.ok(RecordPurchaseDocument, {
    input: { cardNumber: card, amount: { amount, currency: 'EUR' }, reference, idempotencyKey: newKey() },
  });

const deliveries = async (client: TestApp['operator'], endpointId: string) => {
  const { node } = await client.ok(WebhookDeliveriesDocument, { endpointId, first: 100 });
  if (!node || !('deliveries' in node)) throw new Error('not an endpoint');
  return { endpoint: node, deliveries: node.deliveries.edges.map((e) => e.node) };
};

/** Waits until the delivery workers' fan-out has passed the newest event (it skipped or queued it). */
async function fannedOut(): Promise<void> {
  for (;;) {
    const [{ done }] = await t.dataSource.query(
      `SELECT pg_visible_in_snapshot(e.xid, s.snapshot) AS done FROM partner_events e, webhook_fan_out_state s ORDER BY e.id DESC LIMIT 1`,
    );
    if (done) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Every webhook at `path` verifies with `secret` exactly as a receiver using the standardwebhooks package would. */
function verifiedAt(path: string, secret: string) {
  const wh = new Webhook(secret);
  return receiver.at(path).map((r) => ({ ...r, verified: wh.verify(r.body, r.headers) as { type: string; data: any } }));
}

describe('events in the same transaction as their effect, to the partner concerned', () => {
  it('delivers every event type, signed, and only to the partner it concerns', async () => {
    const grocer = await onboardPartner(t, { pointsPerUnit: '10' });
    const sponsor = await onboardPartner(t);
    const cinema = await onboardPartner(t);
    const airline = await onboardPartner(t);
    const bystander = await onboardPartner(t);
    const g = await endpoint(grocer, '/grocer');
    const s = await endpoint(sponsor, '/sponsor');
    const c = await endpoint(cinema, '/cinema');
    const a = await endpoint(airline, '/airline', [
      'miles_transfer.requested',
      'miles_transfer.confirmed',
      'miles_transfer.rejected',
      'miles_transfer.expired',
    ]);
    const b = await endpoint(bystander, '/bystander');
    const card = await enrolMember(t);
    const member = t.anonymous.as(await t.memberToken(card));

    const reference = newKey();
    await purchase(grocer, card, '300.00', reference);
    const returned = await grocer.client.ok(RecordReturnDocument, {
      input: { reference, amount: { amount: '40.00', currency: 'EUR' }, idempotencyKey: newKey() },
    });
    expect(returned.recordReturn.userErrors).toEqual([]);
    const batch = await grocer.client.ok(RecordPurchasesDocument, {
      input: {
        purchases: [1, 2, 3].map((i) => ({
          cardNumber: card,
          amount: { amount: `${i}.00`, currency: 'EUR' },
          reference: newKey(),
          idempotencyKey: newKey(),
        })),
      },
    });
    expect(batch.recordPurchases.results.every((r) => r.userErrors.length === 0)).toBe(true);

    const reward = async (kind: 'VOUCHER' | 'GIFT_CARD') =>
      (
        await t.operator.ok(CreateRewardDocument, {
          input: {
            name: `Cinema ${kind}`,
            kind,
            pointsCost: 100,
            fulfilledBy: cinema.id,
            sponsoredBy: sponsor.id,
            sponsorContribution: { amount: '0.50', currency: 'EUR' },
            ...(kind === 'GIFT_CARD' ? { giftCardValue: { amount: '10.00', currency: 'EUR' } } : {}),
          },
        })
      ).createReward.reward!.id;
    const voucher = await member.ok(RedeemRewardDocument, { input: { rewardId: await reward('VOUCHER'), idempotencyKey: newKey() } });
    await cinema.client.ok(UseVoucherDocument, { input: { code: voucher.redeemReward.redemption!.voucher!.code } });
    const gift = await member.ok(RedeemRewardDocument, { input: { rewardId: await reward('GIFT_CARD'), idempotencyKey: newKey() } });
    const spent = await cinema.client.ok(RedeemGiftCardDocument, {
      input: { code: gift.redeemReward.redemption!.giftCard!.code!, amount: { amount: '2.50', currency: 'EUR' }, idempotencyKey: newKey() },
    });
    expect(spent.redeemGiftCard.userErrors).toEqual([]);

    await t.operator.ok(SetMilesRatioDocument, {
      input: { airlineId: airline.id, direction: 'TO_MILES', points: 2, miles: 1, minimum: 100 },
    });
    const toMiles = async () =>
      (
        await member.ok(ConvertPointsToMilesDocument, {
          input: { airlineId: airline.id, points: 200, frequentFlyerNumber: 'FF-1', idempotencyKey: newKey() },
        })
      ).convertPointsToMiles.milesTransfer!.id;
    await airline.client.ok(ConfirmMilesTransferDocument, { input: { transferId: await toMiles(), idempotencyKey: newKey() } });
    await airline.client.ok(RejectMilesTransferDocument, { input: { transferId: await toMiles(), idempotencyKey: newKey() } });
    await toMiles();
    await new Ledger(t.dataSource).expireHolds(new Date(Date.now() + 7 * 86_400_000), 'test');

    const closed = await t.operator.ok(CloseSettlementPeriodDocument, { input: { periodEnd: new Date().toISOString() } });
    expect(closed.closeSettlementPeriod.userErrors).toEqual([]);

    const types = (path: string, secret: string) => verifiedAt(path, secret).map((r) => r.verified.type);
    const expected = {
      [g.path]: ['purchase.recorded', 'purchase.returned', 'purchase.recorded', 'purchase.recorded', 'purchase.recorded'],
      [s.path]: ['reward.redeemed', 'reward.redeemed'],
      [c.path]: ['reward.redeemed', 'voucher.used', 'reward.redeemed', 'gift_card.redeemed'],
      [a.path]: [
        'miles_transfer.requested',
        'miles_transfer.confirmed',
        'miles_transfer.requested',
        'miles_transfer.rejected',
        'miles_transfer.requested',
        'miles_transfer.expired',
      ],
    };
    // Settlement closes with a statement and a payment instruction for every partner with a net.
    await receiver.until(
      () =>
        receiver.at(g.path).length >= 7 &&
        receiver.at(s.path).length >= 4 &&
        receiver.at(c.path).length >= 6 &&
        receiver.at(a.path).length >= 6,
    );
    await new Promise((r) => setTimeout(r, 300)); // nothing more is on its way
    for (const [path, secret] of [
      [g.path, g.secret],
      [s.path, s.secret],
      [c.path, c.secret],
    ]) {
      expect(types(path, secret).sort()).toEqual([...expected[path], 'settlement.statement_closed', 'payment_instruction.created'].sort());
    }
    // The airline subscribed to miles events only.
    expect(types(a.path, a.secret).sort()).toEqual([...expected[a.path]].sort());
    expect(receiver.at(b.path)).toEqual([]);

    const events = (path: string, secret: string) => verifiedAt(path, secret).map((r) => r.verified);
    const grocerEvents = events(g.path, g.secret);
    expect(grocerEvents.find((e) => e.type === 'purchase.recorded' && e.data.reference === reference)!.data).toMatchObject({
      reference,
      cardNumber: card,
      amount: { amount: '300.00', currency: 'EUR' },
      points: 3000,
    });
    expect(grocerEvents.find((e) => e.type === 'purchase.returned')!.data).toMatchObject({
      reference,
      amount: { amount: '40.00', currency: 'EUR' },
      pointsReversed: 400,
      returnedSoFar: { amount: '40.00', currency: 'EUR' },
    });
    expect(grocerEvents.find((e) => e.type === 'settlement.statement_closed')!.data).toMatchObject({
      periodId: closed.closeSettlementPeriod.period!.id,
      net: { amount: '-26.60', currency: 'EUR' },
    });
    // The fulfiller learns who redeemed; the sponsor only its contribution.
    const sponsorView = events(s.path, s.secret).filter((e) => e.type === 'reward.redeemed');
    expect(sponsorView.every((e) => e.data.role === 'SPONSOR' && !('cardNumber' in e.data))).toBe(true);
    expect(sponsorView[0].data.contribution).toEqual({ amount: '0.50', currency: 'EUR' });
    const cinemaView = events(c.path, c.secret);
    expect(
      cinemaView.filter((e) => e.type === 'reward.redeemed').every((e) => e.data.role === 'FULFILLER' && e.data.cardNumber === card),
    ).toBe(true);
    expect(cinemaView.find((e) => e.type === 'gift_card.redeemed')!.data).toMatchObject({
      amount: { amount: '2.50', currency: 'EUR' },
      balance: { amount: '7.50', currency: 'EUR' },
    });
    // No partner's endpoint saw another partner's card activity.
    for (const [path, secret] of [
      [s.path, s.secret],
      [a.path, a.secret],
    ]) {
      expect(events(path, secret).some((e) => e.data.reference === reference)).toBe(false);
    }
    // Standard Webhooks headers and body.
    const [first] = receiver.at(g.path);
    expect(first.headers['webhook-id']).toMatch(/^msg_[0-9a-f]{32}$/);
    expect(Math.abs(Number(first.headers['webhook-timestamp']) - Date.now() / 1000)).toBeLessThan(60);
    expect(Object.keys(first.json).sort()).toEqual(['data', 'timestamp', 'type']);
    expect(() => new Webhook(b.secret).verify(first.body, first.headers)).toThrow('No matching signature found');
  });

  it('writes nothing when the effect is refused, and one event per purchase however often it is retried', async () => {
    const grocer = await onboardPartner(t);
    const g = await endpoint(grocer, '/refused');
    const card = await enrolMember(t);
    const input = { cardNumber: card, amount: { amount: '5.00', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() };
    await grocer.client.ok(RecordPurchaseDocument, { input });
    await grocer.client.ok(RecordPurchaseDocument, { input }); // replay: the first result, no new effect
    const duplicate = await grocer.client.ok(RecordPurchaseDocument, { input: { ...input, idempotencyKey: newKey() } });
    expect(duplicate.recordPurchase.userErrors[0].code).toBe('DUPLICATE_REFERENCE');
    const unknown = await grocer.client.ok(RecordPurchaseDocument, {
      input: { ...input, cardNumber: '0000000', idempotencyKey: newKey() },
    });
    expect(unknown.recordPurchase.userErrors[0].code).toBe('UNKNOWN_MEMBER');
    await receiver.until(() => receiver.at(g.path).length >= 1);
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.at(g.path).map((r) => r.json.type)).toEqual(['purchase.recorded']);
    const [{ count }] = await t.dataSource.query(`SELECT count(*)::int AS count FROM partner_events WHERE partner_id = $1`, [
      grocer.localId,
    ]);
    expect(count).toBe(1);
  });
});

describe('the events audit', () => {
  // Inside a transaction that is rolled back: the audit must see what a broken trigger would leave.
  const inRollback = async (run: (q: QueryRunner) => Promise<void>) => {
    const runner = t.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      await run(runner);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  };

  it('finds an event without its effect', () =>
    inRollback(async (q) => {
      const [grocer] = await q.query(`SELECT id FROM partners LIMIT 1`);
      await q.query(`INSERT INTO partner_events (partner_id, type, source_id) VALUES ($1, 'purchase.recorded', -1)`, [grocer.id]);
      expect(await auditEvents(q)).toEqual(['purchase.recorded: 0 effects without their event, 1 events without their effect']);
    }));

  it('finds an effect without its event', () =>
    inRollback(async (q) => {
      await q.query(`ALTER TABLE purchase_returns DISABLE TRIGGER purchase_returns_event_purchase_returned`);
      await q.query(`INSERT INTO purchase_returns (purchase_id, amount_minor, points) SELECT min(id), 1, 0 FROM purchases`);
      expect(await auditEvents(q)).toEqual(['purchase.returned: 1 effects without their event, 0 events without their effect']);
    }));
});

describe('delivery', () => {
  it('retries a failing receiver with the same webhook-id until it answers 2xx, and logs each attempt', async () => {
    const grocer = await onboardPartner(t);
    const e = await endpoint(grocer, '/flaky');
    let calls = 0;
    receiver.respond = (r) => (r.path === '/flaky' && ++calls <= 2 ? { status: 500 } : { status: 200 });
    await purchase(grocer, await enrolMember(t), '1.00');
    await receiver.until(() => receiver.at('/flaky').length >= 3);
    const attempts = verifiedAt('/flaky', e.secret);
    expect(new Set(attempts.map((a) => a.headers['webhook-id'])).size).toBe(1);
    // First retry after the schedule's first delay (200 ms ± 20 %).
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(150);
    await new Promise((r) => setTimeout(r, 200));
    const { endpoint: state, deliveries: log } = await deliveries(grocer.client, e.id);
    expect(state.status).toBe('ACTIVE');
    expect(log).toHaveLength(1);
    expect(log[0]).toMatchObject({ status: 'DELIVERED', attempts: 3, lastStatusCode: 200, lastError: null, nextAttemptAt: null });
    expect(log[0].event.type).toBe('purchase.recorded');
    receiver.respond = () => ({ status: 200 });
  });

  it('counts a receiver slower than the timeout as a failure and tries again', async () => {
    const grocer = await onboardPartner(t);
    const e = await endpoint(grocer, '/slow');
    let calls = 0;
    receiver.respond = (r) => (r.path === '/slow' && ++calls === 1 ? { status: 200, delayMs: 3_000 } : { status: 204 });
    await purchase(grocer, await enrolMember(t), '1.00');
    await receiver.until(() => receiver.at('/slow').length >= 2);
    await new Promise((r) => setTimeout(r, 200));
    const [delivery] = (await deliveries(grocer.client, e.id)).deliveries;
    expect(delivery).toMatchObject({ status: 'DELIVERED', attempts: 2, lastStatusCode: 204 });
    const [first, second] = receiver.at('/slow');
    expect(second.at - first.at).toBeGreaterThanOrEqual(1_000); // the 1 s timeout, then the retry
    receiver.respond = () => ({ status: 200 });
  });

  it('disables an endpoint that stays down through the schedule, and replays what it missed once enabled again', async () => {
    const grocer = await onboardPartner(t);
    const down = await WebhookReceiver.start();
    const url = down.url('/down');
    await down.stop(); // connection refused from now on
    const e = await endpoint(grocer, '/down', undefined, url);
    const card = await enrolMember(t);
    const since = new Date(Date.now() - 1000).toISOString();
    await purchase(grocer, card, '1.00');
    let state: Awaited<ReturnType<typeof deliveries>>;
    const deadline = Date.now() + 10_000;
    do {
      await new Promise((r) => setTimeout(r, 100));
      state = await deliveries(grocer.client, e.id);
    } while (state.endpoint.status !== 'DISABLED' && Date.now() < deadline);
    expect(state.endpoint.disabledAt).not.toBeNull();
    expect(state.deliveries[0]).toMatchObject({ status: 'FAILED', attempts: 3, lastStatusCode: null });
    expect(state.deliveries[0].lastError).toMatch(/ECONNREFUSED/);

    // While disabled nothing is queued for it; the partner's events are still recorded.
    await purchase(grocer, card, '2.00');
    await fannedOut();
    expect((await deliveries(grocer.client, e.id)).deliveries).toHaveLength(1);

    const updated = await grocer.client.ok(UpdateWebhookEndpointDocument, {
      input: { endpointId: e.id, url: receiver.url('/back'), enabled: true },
    });
    expect(updated.updateWebhookEndpoint.webhookEndpoint).toMatchObject({ status: 'ACTIVE', disabledAt: null });
    const replay = await grocer.client.ok(ReplayWebhookDeliveriesDocument, { input: { endpointId: e.id, since } });
    expect(replay.replayWebhookDeliveries.queued).toBe(2);
    await receiver.until(() => receiver.at('/back').length >= 2);
    const amounts = verifiedAt('/back', e.secret).map((r) => r.verified.data.amount.amount);
    expect(amounts.sort()).toEqual(['1.00', '2.00']);
    // Replaying again queues nothing new: both were delivered.
    await new Promise((r) => setTimeout(r, 200));
    expect(
      (await grocer.client.ok(ReplayWebhookDeliveriesDocument, { input: { endpointId: e.id, since } })).replayWebhookDeliveries.queued,
    ).toBe(0);
    const tooOld = await grocer.client.ok(ReplayWebhookDeliveriesDocument, {
      input: { endpointId: e.id, since: new Date(Date.now() - 31 * 86_400_000).toISOString() },
    });
    expect(tooOld.replayWebhookDeliveries.userErrors[0].code).toBe('INVALID_INPUT');
  });

  it('signs with the old and the new secret after a rotation', async () => {
    const grocer = await onboardPartner(t);
    const e = await endpoint(grocer, '/rotated');
    const { rotateWebhookEndpointSecret } = await grocer.client.ok(RotateWebhookEndpointSecretDocument, { input: { endpointId: e.id } });
    const fresh = rotateWebhookEndpointSecret.secret!;
    expect(fresh).toMatch(/^whsec_/);
    expect(fresh).not.toBe(e.secret);
    await purchase(grocer, await enrolMember(t), '1.00');
    await receiver.until(() => receiver.at('/rotated').length >= 1);
    const [got] = receiver.at('/rotated');
    expect(got.headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(fresh).verify(got.body, got.headers)).toMatchObject({ type: 'purchase.recorded' });
    expect(new Webhook(e.secret).verify(got.body, got.headers)).toMatchObject({ type: 'purchase.recorded' });
  });

  it('sends a test event to one endpoint alone, whatever it subscribed to', async () => {
    const grocer = await onboardPartner(t);
    const only = await endpoint(grocer, '/test-only', ['voucher.used']);
    const other = await endpoint(grocer, '/test-other');
    const { sendWebhookTestEvent } = await grocer.client.ok(SendWebhookTestEventDocument, { input: { endpointId: only.id } });
    expect(sendWebhookTestEvent.delivery).toMatchObject({ status: 'PENDING', event: { type: 'webhook.test' } });
    await receiver.until(() => receiver.at('/test-only').length >= 1);
    expect(verifiedAt('/test-only', only.secret)[0].verified).toMatchObject({ type: 'webhook.test', data: { endpointId: only.id } });
    expect(receiver.at(other.path)).toEqual([]);
  });

  it('lets only the partner itself and the operator see and manage its endpoints', async () => {
    const grocer = await onboardPartner(t);
    const other = await onboardPartner(t);
    const e = await endpoint(grocer, '/mine', ['purchase.recorded']);
    const listed = await t.operator.ok(WebhookEndpointsDocument, { partnerId: grocer.id });
    expect(listed.node).toMatchObject({ webhookEndpoints: [{ id: e.id, url: receiver.url('/mine'), eventTypes: ['purchase.recorded'] }] });
    expect(JSON.stringify(listed)).not.toContain('whsec_');
    expect((await other.client.request(WebhookEndpointsDocument, { partnerId: grocer.id })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const member = t.anonymous.as(await t.memberToken(await enrolMember(t)));
    expect((await member.request(WebhookEndpointsDocument, { partnerId: grocer.id })).errors?.[0].extensions?.code).toBe('FORBIDDEN');
    for (const doc of [RotateWebhookEndpointSecretDocument, SendWebhookTestEventDocument, DeleteWebhookEndpointDocument]) {
      const answer = (await other.client.ok(doc as typeof DeleteWebhookEndpointDocument, { input: { endpointId: e.id } })) as Record<
        string,
        { userErrors: { code: string }[] }
      >;
      expect(Object.values(answer)[0].userErrors[0].code).toBe('UNKNOWN_WEBHOOK_ENDPOINT');
    }
    expect((await other.client.ok(WebhookDeliveriesDocument, { endpointId: e.id })).node).toBeNull();
    const created = await t.operator.request(CreateWebhookEndpointDocument, { input: { url: receiver.url('/op') } });
    expect(created.errors?.[0].extensions?.code).toBe('FORBIDDEN');

    // The operator may delete it; nothing is sent to a deleted endpoint.
    expect((await t.operator.ok(DeleteWebhookEndpointDocument, { input: { endpointId: e.id } })).deleteWebhookEndpoint.userErrors).toEqual(
      [],
    );
    await purchase(grocer, await enrolMember(t), '1.00');
    await new Promise((r) => setTimeout(r, 300));
    expect(receiver.at('/mine')).toEqual([]);
    expect((await grocer.client.ok(WebhookEndpointsDocument, { partnerId: grocer.id })).node).toMatchObject({ webhookEndpoints: [] });
  });
});

describe('endpoint URLs and event types', () => {
  const create = (partner: TestPartner, url: string, eventTypes?: string[]) =>
    partner.client.ok(CreateWebhookEndpointDocument, { input: { url, eventTypes } }).then((r) => r.createWebhookEndpoint);

  it('refuses malformed URLs, private and link-local addresses, and unknown event types, creating nothing', async () => {
    const grocer = await onboardPartner(t);
    const cases: [string, string][] = [
      ['not a url', 'INVALID_WEBHOOK_URL'],
      ['ftp://127.0.0.1/x', 'INVALID_WEBHOOK_URL'],
      ['http://user:pw@127.0.0.1/x', 'INVALID_WEBHOOK_URL'],
      ['http://10.0.0.7/hook', 'WEBHOOK_URL_NOT_ALLOWED'],
      ['http://192.168.1.1/hook', 'WEBHOOK_URL_NOT_ALLOWED'],
      ['http://169.254.169.254/latest/meta-data', 'WEBHOOK_URL_NOT_ALLOWED'],
      ['http://[fd00::1]/hook', 'WEBHOOK_URL_NOT_ALLOWED'],
      ['http://[::ffff:10.0.0.1]/hook', 'WEBHOOK_URL_NOT_ALLOWED'],
      ['http://0.0.0.0/hook', 'WEBHOOK_URL_NOT_ALLOWED'],
    ];
    for (const [url, code] of cases) {
      const answer = await create(grocer, url);
      expect([url, answer.userErrors[0]?.code, answer.secret]).toEqual([url, code, null]);
    }
    const badType = await create(grocer, receiver.url('/x'), ['purchase.recorded', 'purchase.exploded']);
    expect(badType.userErrors[0]).toMatchObject({ code: 'UNKNOWN_EVENT_TYPE', field: ['input', 'eventTypes', '1'] });
    expect((await grocer.client.ok(WebhookEndpointsDocument, { partnerId: grocer.id })).node).toMatchObject({ webhookEndpoints: [] });
  });

  it('in production takes https to public addresses only, after DNS, and the sender refuses loopback at connect time', async () => {
    const prod = await startTestApp({ NODE_ENV: 'production' });
    try {
      const grocer = await onboardPartner(prod);
      for (const url of [
        'http://127.0.0.1/hook',
        'https://127.0.0.1/hook',
        'https://localhost/hook',
        'https://[::1]/hook',
        'http://example.com/',
      ]) {
        const answer = await grocer.client.ok(CreateWebhookEndpointDocument, { input: { url } });
        expect([url, answer.createWebhookEndpoint.userErrors[0]?.code]).toEqual([url, 'WEBHOOK_URL_NOT_ALLOWED']);
      }
    } finally {
      await prod.stop();
    }
    // A name that resolves to loopback (as a re-pointed DNS record would) is refused when connecting.
    const strict = new WebhookSender(1_000, true);
    const outcome = await strict.send(
      receiver.url('/strict').replace('127.0.0.1', 'localhost'),
      { id: 'msg_x', type: 't', occurredAt: new Date(), data: {} },
      ['whsec_' + Buffer.alloc(24).toString('base64')],
    );
    strict.close();
    expect(outcome).toMatchObject({ ok: false, statusCode: null });
    expect(!outcome.ok && outcome.error).toMatch(/not allowed/);
    expect(receiver.at('/strict')).toEqual([]);
  });
});

describe('several servers on one database', () => {
  it('deliver each event once between them', async () => {
    // A pair of servers of their own, with the real 10 s timeout, so a slow test machine cannot
    // turn a late answer into a (legitimate, at-least-once) second attempt.
    const first = await startTestApp({ COALITION_WEBHOOKS: 'on', COALITION_WEBHOOK_POLL: '50ms' });
    const second = await startApp(first.config, createLogger('silent'));
    try {
      const grocer = await onboardPartner(first);
      const e = await endpoint(grocer, '/shared');
      const card = await enrolMember(first);
      const batch = () =>
        grocer.client.ok(RecordPurchasesDocument, {
          input: {
            purchases: Array.from({ length: 100 }, () => ({
              cardNumber: card,
              amount: { amount: '1.00', currency: 'EUR' },
              reference: newKey(),
              idempotencyKey: newKey(),
            })),
          },
        });
      await batch();
      await batch();
      await receiver.until(() => receiver.at('/shared').length >= 200);
      await new Promise((r) => setTimeout(r, 500));
      const ids = verifiedAt('/shared', e.secret).map((r) => r.headers['webhook-id']);
      expect(ids).toHaveLength(200);
      expect(new Set(ids).size).toBe(200);
      const [{ attempts }] = await first.dataSource.query(`SELECT max(attempts)::int AS attempts FROM webhook_deliveries`);
      expect(attempts).toBe(1);
      expect(await auditEvents(first.dataSource)).toEqual([]);
    } finally {
      await second.stop();
      await first.stop();
    }
  });
});
