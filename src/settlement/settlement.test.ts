import { auditLedger } from '../ledger/ledger-audit';
import { createServices } from '../graphql/context';
import { Ledger } from '../ledger/ledger.service';
import { enrolMember, newKey, onboardPartner, TestPartner } from '../../test/support/coalition-fixtures';
import { startTestApp, TestApp } from '../../test/support/test-app';
import {
  AmendPartnerContractDocument,
  CloseSettlementPeriodDocument,
  ConfirmMilesTransferDocument,
  ConvertPointsToMilesDocument,
  CreateRewardDocument,
  DisputeSettlementLineDocument,
  MarkPaymentInstructionPaidDocument,
  PointsLiabilityDocument,
  PostSettlementAdjustmentDocument,
  RecordPurchaseDocument,
  RecordReturnDocument,
  RedeemGiftCardDocument,
  RedeemRewardDocument,
  ResolveSettlementDisputeDocument,
  SetMilesRatioDocument,
  SettlementLineItemsDocument,
  SettlementMarginDocument,
  SettlementPeriodStatementsDocument,
} from '../../test/generated/graphql';

let t: TestApp;
let pharmacy: TestPartner;
let cinema: TestPartner;
let airline: TestPartner;
let pub: TestPartner;
beforeAll(async () => {
  t = await startTestApp();
  pharmacy = await onboardPartner(t, { category: 'pharmacy', issuancePricePerPoint: '0.015', redemptionValuePerPoint: '0.008' });
  cinema = await onboardPartner(t, { category: 'cinema', redemptionValuePerPoint: '0.008', giftCardReimbursementRate: '0.95' });
  airline = await onboardPartner(t, { category: 'airline' });
  pub = await onboardPartner(t, { category: 'pub', currency: 'GBP', issuancePricePerPoint: '0.02' });
});
afterAll(() => t.stop());
afterEach(async () => expect(await auditLedger(t.dataSource)).toEqual([]));

const buy = (p: TestPartner, card: string, amount: string, reference = newKey(), currency = 'EUR') =>
  p.client.ok(RecordPurchaseDocument, { input: { cardNumber: card, amount: { amount, currency }, reference, idempotencyKey: newKey() } });
const close = async (periodEnd = new Date()) =>
  (await t.operator.ok(CloseSettlementPeriodDocument, { input: { periodEnd: periodEnd.toISOString() } })).closeSettlementPeriod;
const statementsOf = async (periodId: string, as = t.operator) =>
  (await as.ok(SettlementPeriodStatementsDocument, { id: periodId })).settlementPeriod!.statements;
const linesOf = (statements: Awaited<ReturnType<typeof statementsOf>>, partnerId: string) =>
  Object.fromEntries(statements.find((s) => s.partner.id === partnerId)!.lines.map((l) => [l.kind, [l.points, l.amount.amount]]));

let firstPeriod: string;

describe('a settlement period', () => {
  it('bills and reimburses every partner per line, rounding once per line, and balances with the operator margin', async () => {
    const card = await enrolMember(t);
    // Three 1-point purchases at 0.015 a point: -0.045 for the line, rounded once to -0.05 (per item it would be -0.06).
    for (let i = 0; i < 3; i++) await buy(pharmacy, card, '1');
    await buy(pharmacy, card, '999', 'BIG'); // 999 points: -14.985
    await pharmacy.client.ok(RecordReturnDocument, {
      input: { reference: 'BIG', amount: { amount: '333', currency: 'EUR' }, idempotencyKey: newKey() },
    });
    // A voucher at the cinema sponsored by the pharmacy, and a gift card spent there.
    const { createReward: voucher } = await t.operator.ok(CreateRewardDocument, {
      input: {
        name: 'Ticket',
        kind: 'VOUCHER',
        pointsCost: 300,
        fulfilledBy: cinema.id,
        sponsoredBy: pharmacy.id,
        sponsorContribution: { amount: '1.50', currency: 'EUR' },
      },
    });
    const { createReward: giftCard } = await t.operator.ok(CreateRewardDocument, {
      input: {
        name: 'Cinema card',
        kind: 'GIFT_CARD',
        pointsCost: 100,
        fulfilledBy: cinema.id,
        giftCardValue: { amount: '10', currency: 'EUR' },
      },
    });
    const member = t.anonymous.as(await t.memberToken(card));
    await member.ok(RedeemRewardDocument, { input: { rewardId: voucher.reward!.id, idempotencyKey: newKey() } });
    const { redeemReward } = await member.ok(RedeemRewardDocument, { input: { rewardId: giftCard.reward!.id, idempotencyKey: newKey() } });
    await cinema.client.ok(RedeemGiftCardDocument, {
      input: { code: redeemReward.redemption!.giftCard!.code!, amount: { amount: '7.50', currency: 'EUR' }, idempotencyKey: newKey() },
    });
    // Miles at 0.012 EUR a mile, confirmed by the airline.
    await t.operator.ok(SetMilesRatioDocument, {
      input: { airlineId: airline.id, direction: 'TO_MILES', points: 2, miles: 1, pricePerMile: '0.012' },
    });
    const { convertPointsToMiles } = await member.ok(ConvertPointsToMilesDocument, {
      input: { airlineId: airline.id, points: 200, frequentFlyerNumber: 'FF-1', idempotencyKey: newKey() },
    });
    await airline.client.ok(ConfirmMilesTransferDocument, {
      input: { transferId: convertPointsToMiles.milesTransfer!.id, idempotencyKey: newKey() },
    });
    // A pound purchase at the pub and an operator adjustment for the cinema.
    const pubCard = await enrolMember(t);
    await buy(pub, pubCard, '10.00', newKey(), 'GBP');
    await t.operator.ok(PostSettlementAdjustmentDocument, {
      input: {
        partnerId: cinema.id,
        amount: { amount: '5.00', currency: 'EUR' },
        reason: 'Projector outage compensation',
        idempotencyKey: newKey(),
      },
    });

    const { period, userErrors } = await close();
    expect(userErrors).toEqual([]);
    firstPeriod = period!.id;
    const statements = await statementsOf(firstPeriod);
    expect(linesOf(statements, pharmacy.id)).toEqual({
      ISSUANCE: [669, '-10.04'], // 3 + 999 - 333 points x 0.015 = -10.035
      SPONSORSHIP: [null, '-1.50'],
    });
    expect(linesOf(statements, cinema.id)).toEqual({
      REDEMPTION: [300, '2.40'],
      GIFT_CARD: [null, '7.13'], // 7.50 x 0.95 = 7.125
      ADJUSTMENT: [null, '5.00'],
    });
    expect(linesOf(statements, airline.id)).toEqual({ MILES: [100, '1.20'] });
    expect(linesOf(statements, pub.id)).toEqual({ ISSUANCE: [10, '-0.20'] });
    const pharmacyStatement = statements.find((s) => s.partner.id === pharmacy.id)!;
    expect(pharmacyStatement).toMatchObject({
      net: { amount: '-11.54' },
      amountDue: { amount: '-11.54' },
      paymentInstruction: { status: 'OPEN', amount: { amount: '-11.54' } },
    });

    // Collected 11.54 + 0.20 GBP; paid out 2.40 + 7.13 + 5.00 + 1.20 = 15.73: the operator is 4.19 EUR down.
    const { settlementPeriod } = await t.operator.ok(SettlementMarginDocument, { id: firstPeriod });
    expect(settlementPeriod!.operatorMargin).toEqual([
      { amount: '-4.19', currency: 'EUR' },
      { amount: '0.20', currency: 'GBP' },
    ]);
    // Invariant 4: per currency, the nets and the margin sum to exactly zero.
    for (const margin of settlementPeriod!.operatorMargin) {
      const nets = statements.filter((s) => s.currency === margin.currency).reduce((sum, s) => sum + cents(s.net.amount), 0n);
      expect(nets + cents(margin.amount)).toBe(0n);
    }
  });

  it('shows a partner only its own statement, members nothing, and the margin to the operator only', async () => {
    expect((await statementsOf(firstPeriod, pharmacy.client)).map((s) => s.partner.id)).toEqual([pharmacy.id]);
    const margin = await pharmacy.client.request(SettlementMarginDocument, { id: firstPeriod });
    expect(margin.errors![0].extensions!.code).toBe('FORBIDDEN');
    const asMember = await t.anonymous.as(await t.memberToken('1234567')).request(SettlementPeriodStatementsDocument, { id: firstPeriod });
    expect(asMember.errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  it('drills down from a line to its exact items and their transactions', async () => {
    const { settlementPeriod } = await pharmacy.client.ok(SettlementLineItemsDocument, { id: firstPeriod, first: 10 });
    const issuance = settlementPeriod!.statements[0].lines.find((l) => l.kind === 'ISSUANCE')!;
    expect(issuance.items.edges.map((e) => [e.node.quantity, e.node.amount, e.node.transaction?.kind])).toEqual([
      [1, '-0.015', 'EARN'],
      [1, '-0.015', 'EARN'],
      [1, '-0.015', 'EARN'],
      [999, '-14.985', 'EARN'],
      [-333, '4.995', 'RETURN'],
    ]);
  });

  it('never changes once closed: a late return lands in the next period, and the database refuses edits', async () => {
    await expect(t.dataSource.query(`UPDATE settlement_lines SET amount_minor = 0`)).rejects.toThrow(/is not allowed/);
    await expect(t.dataSource.query(`DELETE FROM settlement_items`)).rejects.toThrow(/is not allowed/);
    const figures = async () => (await statementsOf(firstPeriod)).map(({ paymentInstruction: _paid, ...statement }) => statement);
    const before = await figures();
    await pharmacy.client.ok(RecordReturnDocument, {
      input: { reference: 'BIG', amount: { amount: '333', currency: 'EUR' }, idempotencyKey: newKey() },
    });
    const { period } = await close();
    expect(await figures()).toEqual(before);
    const next = await statementsOf(period!.id);
    expect(linesOf(next, pharmacy.id)).toEqual({ ISSUANCE: [-333, '5.00'] }); // 4.995 rounds away from zero
  });

  it('carries an unpaid net into the next statement, once, and records payments', async () => {
    const periods = [firstPeriod];
    const second = await t.dataSource.query('SELECT id FROM settlement_periods ORDER BY id');
    periods.push(...second.slice(1).map((r: { id: string }) => Buffer.from(`SettlementPeriod:${r.id}`).toString('base64url')));
    const latest = await statementsOf(periods[periods.length - 1]);
    const pharmacyNow = latest.find((s) => s.partner.id === pharmacy.id)!;
    // -11.54 unpaid from the first period, +5.00 now: one instruction for -6.54.
    expect(pharmacyNow).toMatchObject({ openingBalance: { amount: '-11.54' }, net: { amount: '5.00' }, amountDue: { amount: '-6.54' } });
    expect(pharmacyNow.paymentInstruction).toMatchObject({ status: 'OPEN', amount: { amount: '-6.54' } });
    const first = (await statementsOf(firstPeriod)).find((s) => s.partner.id === pharmacy.id)!;
    expect(first.paymentInstruction!.status).toBe('CARRIED_FORWARD');
    const stale = await t.operator.ok(MarkPaymentInstructionPaidDocument, {
      input: { instructionId: first.paymentInstruction!.id, paymentReference: 'SEPA-1' },
    });
    expect(stale.markPaymentInstructionPaid.userErrors[0].code).toBe('INSTRUCTION_NOT_OPEN');
    const paid = await t.operator.ok(MarkPaymentInstructionPaidDocument, {
      input: { instructionId: pharmacyNow.paymentInstruction!.id, paymentReference: 'SEPA-2' },
    });
    expect(paid.markPaymentInstructionPaid.paymentInstruction).toMatchObject({ status: 'PAID', paymentReference: 'SEPA-2' });
    const { period } = await close();
    const third = (await statementsOf(period!.id)).find((s) => s.partner.id === pharmacy.id);
    expect(third).toBeUndefined();
  });

  it('refuses a future end and one before the last close', async () => {
    expect((await close(new Date(Date.now() + 60_000))).userErrors[0].code).toBe('PERIOD_IN_FUTURE');
    expect((await close(new Date(Date.now() - 86_400_000))).userErrors[0].code).toBe('PERIOD_BEFORE_LAST_CLOSE');
  });

  it('takes disputes on a closed line and resolves them by an adjustment in the open period', async () => {
    const { dispute, userErrors } = (
      await cinema.client.ok(DisputeSettlementLineDocument, {
        input: { periodId: firstPeriod, kind: 'GIFT_CARD', currency: 'EUR', reason: 'We honoured 8.00, not 7.50' },
      })
    ).disputeSettlementLine;
    expect(userErrors).toEqual([]);
    const unknown = await cinema.client.ok(DisputeSettlementLineDocument, {
      input: { periodId: firstPeriod, kind: 'MILES', currency: 'EUR', reason: 'Not ours' },
    });
    expect(unknown.disputeSettlementLine.userErrors[0].code).toBe('UNKNOWN_LINE');
    const before = (await statementsOf(firstPeriod)).map((st) => st.lines);
    const resolved = await t.operator.ok(ResolveSettlementDisputeDocument, {
      input: {
        disputeId: dispute!.id,
        adjustment: { amount: '0.48', currency: 'EUR' },
        resolution: 'Till log confirms 8.00',
        idempotencyKey: newKey(),
      },
    });
    expect(resolved.resolveSettlementDispute.dispute!.resolvedAt).not.toBeNull();
    expect((await statementsOf(firstPeriod)).map((st) => st.lines)).toEqual(before);
    const { period } = await close();
    expect(linesOf(await statementsOf(period!.id), cinema.id)).toEqual({ ADJUSTMENT: [null, '0.48'] });
  });

  it('refuses adjustments without a reason, in another currency or beyond the maximum amount', async () => {
    const noReason = await t.operator.ok(PostSettlementAdjustmentDocument, {
      input: { partnerId: cinema.id, amount: { amount: '1', currency: 'EUR' }, reason: '', idempotencyKey: newKey() },
    });
    expect(noReason.postSettlementAdjustment.userErrors[0].code).toBe('REASON_REQUIRED');
    const currency = await t.operator.ok(PostSettlementAdjustmentDocument, {
      input: { partnerId: cinema.id, amount: { amount: '1', currency: 'GBP' }, reason: 'because', idempotencyKey: newKey() },
    });
    expect(currency.postSettlementAdjustment.userErrors[0].code).toBe('CURRENCY_MISMATCH');
    const huge = await t.operator.request(PostSettlementAdjustmentDocument, {
      input: {
        partnerId: cinema.id,
        amount: { amount: '99999999999999999999999.00', currency: 'EUR' },
        reason: 'too much',
        idempotencyKey: newKey(),
      },
    });
    expect(huge.errors).toBeUndefined();
    expect(huge.data!.postSettlementAdjustment.userErrors).toMatchObject([
      { code: 'INVALID_AMOUNT', field: ['input', 'amount', 'amount'] },
    ]);
  });
});

describe('consolidation in a base currency', () => {
  it('needs a rate for every other currency, locked at close', async () => {
    const card = await enrolMember(t);
    await buy(pub, card, '50.00', newKey(), 'GBP');
    await buy(pharmacy, card, '10');
    const missing = await t.operator.ok(CloseSettlementPeriodDocument, {
      input: { periodEnd: new Date().toISOString(), baseCurrency: 'EUR' },
    });
    expect(missing.closeSettlementPeriod.userErrors[0].code).toBe('MISSING_FX_RATE');
    const { closeSettlementPeriod } = await t.operator.ok(CloseSettlementPeriodDocument, {
      input: { periodEnd: new Date().toISOString(), baseCurrency: 'EUR', fxRates: [{ currency: 'GBP', rate: '1.15' }] },
    });
    const { settlementPeriod } = await t.operator.ok(SettlementMarginDocument, { id: closeSettlementPeriod.period!.id });
    expect(settlementPeriod!.consolidated).toEqual(
      expect.arrayContaining([
        { partnerId: pub.id, net: { amount: '-1.15', currency: 'EUR' } }, // 50 points x 0.02 GBP = 1.00 GBP
        { partnerId: pharmacy.id, net: { amount: '-0.15', currency: 'EUR' } },
      ]),
    );
  });
});

describe('closing while purchases are in flight', () => {
  it('puts every item in exactly one period', async () => {
    const cards = await Promise.all(Array.from({ length: 10 }, () => enrolMember(t)));
    const purchases = Array.from({ length: 200 }, (_, i) => buy(pharmacy, cards[i % cards.length], '1'));
    await new Promise((r) => setTimeout(r, 30));
    const midway = await close();
    expect(midway.userErrors).toEqual([]);
    await Promise.all(purchases);
    await close();
    const [{ orphans, doubles }] = await t.dataSource.query(`
      WITH placed AS (SELECT i.id, count(*) AS periods FROM settlement_periods p CROSS JOIN LATERAL settlement_items_of(p.id) i GROUP BY i.id)
      SELECT (SELECT count(*) FROM settlement_items s WHERE NOT EXISTS (SELECT 1 FROM placed WHERE placed.id = s.id)) AS orphans,
             (SELECT count(*) FROM placed WHERE periods > 1) AS doubles`);
    expect({ orphans, doubles }).toEqual({ orphans: '0', doubles: '0' });
    const [{ lines, items }] = await t.dataSource.query(`
      SELECT (SELECT sum(quantity) FROM settlement_lines WHERE kind = 'ISSUANCE') AS lines,
             (SELECT sum(quantity) FROM settlement_items WHERE kind = 'ISSUANCE') AS items`);
    expect(lines).toBe(items);
  });
});

describe('breakage', () => {
  it('reimburses the funding partner its contract share of what it paid for the expired points', async () => {
    const baker = await onboardPartner(t, { category: 'bakery', issuancePricePerPoint: '0.01' });
    await t.operator.ok(AmendPartnerContractDocument, {
      input: {
        partnerId: baker.id,
        pointsPerUnit: '1',
        issuancePricePerPoint: '0.01',
        redemptionValuePerPoint: '0.008',
        breakageShare: '0.5',
      },
    });
    const card = await enrolMember(t);
    await buy(baker, card, '100');
    await new Ledger(t.dataSource).expireLots(new Date(Date.now() + 4 * 366 * 86_400_000), 'test');
    const { period } = await close();
    expect(linesOf(await statementsOf(period!.id), baker.id)).toEqual({ ISSUANCE: [100, '-1.00'], BREAKAGE: [100, '0.50'] });
  });
});

/** Minor units of a two-decimal amount, exactly. */
function cents(amount: string): bigint {
  return BigInt(amount.replace('.', ''));
}

describe('reports', () => {
  it('export a statement as CSV for the partner and the operator only', async () => {
    const url = (partner: string) => `${t.app.url}/settlement/statement.csv?period=${firstPeriod}&partner=${partner}`;
    const asPartner = await fetch(url(pharmacy.id), { headers: { authorization: `Bearer ${pharmacy.key}` } });
    expect(asPartner.status).toBe(200);
    expect(asPartner.headers.get('content-type')).toBe('text/csv; charset=utf-8');
    const csv = (await asPartner.text()).trim().split('\n');
    expect(csv[0]).toBe('record,period_end,currency,kind,quantity,amount,reference,created_at,item_id');
    expect(csv.filter((r) => r.startsWith('LINE,')).map((r) => r.split(',').slice(2, 6))).toEqual([
      ['EUR', 'ISSUANCE', '669', '-10.04'],
      ['EUR', 'SPONSORSHIP', '1', '-1.50'],
    ]);
    expect(csv.filter((r) => r.startsWith('ITEM,'))).toHaveLength(6);
    expect((await fetch(url(pharmacy.id), { headers: { authorization: `Bearer ${cinema.key}` } })).status).toBe(403);
    expect((await fetch(url(pharmacy.id))).status).toBe(401);
    expect((await fetch(url(pharmacy.id), { headers: { authorization: `Bearer ${t.config.operatorKey}` } })).status).toBe(200);
  });

  it('estimate the outstanding-points liability and breakage from history', async () => {
    const florist = await onboardPartner(t, { category: 'florist', redemptionValuePerPoint: '0.005' });
    await buy(florist, await enrolMember(t), '300');
    const { pointsLiability } = await t.operator.ok(PointsLiabilityDocument);
    const [{ outstanding }] = await t.dataSource.query('SELECT sum(remaining) AS outstanding FROM point_lots');
    expect(pointsLiability.outstandingPoints).toBe(Number(outstanding));
    const rate = Number(pointsLiability.expectedRedemptionRate);
    expect(rate).toBeGreaterThan(0);
    expect(rate).toBeLessThanOrEqual(1);
    const floristLine = pointsLiability.byFundingPartner.find((l) => l.fundingPartnerId === florist.id)!;
    expect(floristLine).toMatchObject({ outstandingPoints: 300, redemptionValue: { amount: '1.50', currency: 'EUR' } });
    expect(floristLine.expectedBreakagePoints).toBe(Math.floor(300 * (1 - rate)));
    expect((await pharmacy.client.request(PointsLiabilityDocument)).errors![0].extensions!.code).toBe('FORBIDDEN');
  });

  it('close on schedule at the start of the day in the coalition time zone, once', async () => {
    const services = createServices(t.dataSource);
    const tomorrow = new Date(Date.now() + 86_400_000);
    expect(await services.settlement.closeScheduled(tomorrow, 'daily', 'job:test')).toBeNull(); // not yet ended
    const [{ last }] = await t.dataSource.query('SELECT max(period_end) AS last FROM settlement_periods');
    const startOfToday = new Date(new Date().toISOString().slice(0, 10) + 'T00:00:00Z');
    const closed = await services.settlement.closeScheduled(new Date(), 'daily', 'job:test');
    expect(closed === null).toBe(new Date(last) >= startOfToday);
    expect(await services.settlement.closeScheduled(new Date(), 'daily', 'job:test')).toBeNull();
  });
});

describe('amounts and text in statements', () => {
  it('prints an adjustment with the currency’s decimals, and escapes formulas in text cells of the CSV but keeps amounts numeric', async () => {
    const shop = await onboardPartner(t, { category: 'shop' });
    const adjust = async (amount: string, reason: string) =>
      (
        await t.operator.ok(PostSettlementAdjustmentDocument, {
          input: { partnerId: shop.id, amount: { amount, currency: 'EUR' }, reason, idempotencyKey: newKey() },
        })
      ).postSettlementAdjustment;
    const hostile = ['=HYPERLINK("https://evil.example","pay")', '+1+cmd|x', '@SUM(1)', '-2+3', 'plain reason'];
    const posted = [await adjust('-12.50', hostile[0]), await adjust('3', hostile[1])];
    for (const reason of hostile.slice(2)) posted.push(await adjust('0.5', reason));
    // numeric division in SQL had left "-12.5000000000000000"
    expect(posted.map((p) => p.item!.amount)).toEqual(['-12.50', '3.00', '0.50', '0.50', '0.50']);
    const { period } = await close();
    const { settlementPeriod } = await t.operator.ok(SettlementLineItemsDocument, { id: period!.id });
    const [line] = settlementPeriod!.statements.find((s) => s.partner.id === shop.id)!.lines;
    const items = line.items.edges.map((e) => e.node.amount);
    expect(items).toEqual(['-12.50', '3.00', '0.50', '0.50', '0.50']);

    const response = await fetch(`${t.app.url}/settlement/statement.csv?period=${period!.id}&partner=${shop.id}`, {
      headers: { authorization: `Bearer ${shop.key}` },
    });
    const rows = (await response.text()).trim().split('\n');
    expect(rows.filter((r) => r.startsWith('LINE,')).map((r) => r.split(',').slice(3, 6))).toEqual([['ADJUSTMENT', '5', '-8.00']]);
    expect(rows.filter((r) => r.startsWith('NET,')).map((r) => r.split(',')[5])).toEqual(['-8.00']);
    // Amounts stay plain numbers (a negative one too); each text cell that a spreadsheet would run is prefixed with '.
    expect(rows.filter((r) => r.startsWith('ITEM,')).map((r) => r.split(',').slice(4, -2).join(','))).toEqual([
      `1,-12.50,"'=HYPERLINK(""https://evil.example"",""pay"")"`,
      `1,3.00,'+1+cmd|x`,
      `1,0.50,'@SUM(1)`,
      `1,0.50,'-2+3`,
      `1,0.50,plain reason`,
    ]);
  });
});
