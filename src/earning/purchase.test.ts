import { BusinessError } from '../common/user-error';
import { auditLedger } from '../ledger/ledger-audit';
import { enrolMember, newKey, onboardPartner, TestPartner } from '../../test/support/coalition-fixtures';
import { startTestApp, TestApp } from '../../test/support/test-app';
import { MemberHistoryDocument, RecordPurchaseDocument, RecordPurchasesDocument, RecordReturnDocument } from '../../test/generated/graphql';

let t: TestApp;
let grocer: TestPartner;
let rival: TestPartner;
beforeAll(async () => {
  t = await startTestApp();
  grocer = await onboardPartner(t, { pointsPerUnit: '2' });
  rival = await onboardPartner(t, { currency: 'GBP' });
});
afterAll(() => t.stop());
afterEach(async () => expect(await auditLedger(t.dataSource)).toEqual([]));

const purchase = (p: TestPartner, card: string, amount: string, opts: { currency?: string; reference?: string; key?: string } = {}) =>
  p.client.ok(RecordPurchaseDocument, {
    input: {
      cardNumber: card,
      amount: { amount, currency: opts.currency ?? 'EUR' },
      reference: opts.reference ?? newKey(),
      idempotencyKey: opts.key ?? newKey(),
    },
  });
const giveBack = (p: TestPartner, reference: string, amount: string, key = newKey()) =>
  p.client.ok(RecordReturnDocument, { input: { reference, amount: { amount, currency: 'EUR' }, idempotencyKey: key } });
const countEntries = async () => Number((await t.dataSource.query('SELECT count(*) AS n FROM ledger_entries'))[0].n);

describe('recordPurchase', () => {
  it('earns floor(amount x points per unit) and records the contract version on the entry', async () => {
    const card = await enrolMember(t);
    const { recordPurchase } = await purchase(grocer, card, '12.99', { reference: 'RCPT-1' });
    expect(recordPurchase.userErrors).toEqual([]);
    expect(recordPurchase.pointsEarned).toBe(25);
    expect(recordPurchase.transaction).toMatchObject({ kind: 'EARN', points: 25, reference: 'RCPT-1' });
    expect(recordPurchase.member).toEqual({ cardNumber: card, balance: 25 });
    const [entry] = await t.dataSource.query(
      `SELECT e.contract_id, c.version FROM ledger_entries e JOIN partner_contracts c ON c.id = e.contract_id WHERE e.reference = 'RCPT-1'`,
    );
    expect(entry.version).toBe(1);
  });

  it.each([
    [{ amount: '10.00', currency: 'GBP' }, 'CURRENCY_MISMATCH', null],
    [{ amount: '10.001', currency: 'EUR' }, 'INVALID_AMOUNT', ['input', 'amount', 'amount']],
    [{ amount: '0', currency: 'EUR' }, 'INVALID_AMOUNT', ['input', 'amount', 'amount']],
    [{ amount: '-5', currency: 'EUR' }, 'INVALID_AMOUNT', ['input', 'amount', 'amount']],
    [{ amount: '5', currency: 'EURO' }, 'CURRENCY_MISMATCH', ['input', 'amount', 'currency']],
  ])('refuses %j with %s and changes nothing', async (amount, code, field) => {
    const card = await enrolMember(t);
    const before = await countEntries();
    const { recordPurchase } = await grocer.client.ok(RecordPurchaseDocument, {
      input: { cardNumber: card, amount, reference: newKey(), idempotencyKey: newKey() },
    });
    expect(recordPurchase.userErrors).toEqual([expect.objectContaining({ code, ...(field ? { field } : {}) })]);
    expect(recordPurchase.transaction).toBeNull();
    expect(await countEntries()).toBe(before);
  });

  it('refuses an unknown card with UNKNOWN_MEMBER and a reused reference with DUPLICATE_REFERENCE', async () => {
    expect((await purchase(grocer, '123123123', '5')).recordPurchase.userErrors[0].code).toBe('UNKNOWN_MEMBER');
    const card = await enrolMember(t);
    await purchase(grocer, card, '5', { reference: 'SAME-REF' });
    const again = await purchase(grocer, card, '5', { reference: 'SAME-REF' });
    expect(again.recordPurchase.userErrors[0].code).toBe('DUPLICATE_REFERENCE');
    // References are per partner: another partner may use the same one.
    expect((await purchase(rival, card, '5', { currency: 'GBP', reference: 'SAME-REF' })).recordPurchase.userErrors).toEqual([]);
  });

  it('answers a retry with the same key with the first result and earns once; a different request is IDEMPOTENCY_KEY_REUSED', async () => {
    const card = await enrolMember(t);
    const key = newKey();
    const first = await purchase(grocer, card, '10', { key, reference: 'IDEM-1' });
    const again = await purchase(grocer, card, '10', { key, reference: 'IDEM-1' });
    expect(again).toEqual(first);
    const reused = await purchase(grocer, card, '11', { key, reference: 'IDEM-1' });
    expect(reused.recordPurchase.userErrors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect(again.recordPurchase.member!.balance).toBe(20);
  });

  it('is for partners only', async () => {
    const card = await enrolMember(t);
    const result = await t.operator.request(RecordPurchaseDocument, {
      input: { cardNumber: card, amount: { amount: '1', currency: 'EUR' }, reference: 'x', idempotencyKey: 'x' },
    });
    expect(result.errors![0].extensions!.code).toBe('FORBIDDEN');
  });
});

describe('recordPurchase under concurrency (group commit)', () => {
  const input = (card: string, opts: { reference?: string; key?: string; amount?: string } = {}) => ({
    cardNumber: card,
    amount: { amount: opts.amount ?? '10', currency: 'EUR' },
    reference: opts.reference ?? newKey(),
    idempotencyKey: opts.key ?? newKey(),
  });
  const transactionsOf = async (references: string[]) =>
    Number(
      (await t.dataSource.query('SELECT count(DISTINCT xid) AS n FROM settlement_items WHERE reference = ANY($1)', [references]))[0].n,
    );

  it('commits concurrent purchases at different partners together, each with its own answer and balance', async () => {
    const partners = [grocer, await onboardPartner(t), await onboardPartner(t)];
    const cards = await Promise.all(Array.from({ length: 30 }, () => enrolMember(t)));
    const inputs = cards.map((card, i) => input(card, { amount: String(i + 1) }));
    const answers = await Promise.all(inputs.map((item, i) => partners[i % 3].client.ok(RecordPurchaseDocument, { input: item })));
    answers.forEach(({ recordPurchase }, i) => {
      const points = (i + 1) * (i % 3 === 0 ? 2 : 1); // the grocer gives 2 points per unit
      expect(recordPurchase.userErrors).toEqual([]);
      expect(recordPurchase.pointsEarned).toBe(points);
      expect(recordPurchase.member).toEqual({ cardNumber: cards[i], balance: points });
    });
    // 30 purchases arriving together left in fewer transactions than there were purchases.
    expect(await transactionsOf(inputs.map((x) => x.reference))).toBeLessThan(30);
  });

  it('answers a key sent twice at once with one effect, not with IDEMPOTENCY_KEY_REUSED', async () => {
    const card = await enrolMember(t);
    const same = input(card);
    const answers = await Promise.all(Array.from({ length: 5 }, () => grocer.client.ok(RecordPurchaseDocument, { input: same })));
    expect(answers.map((a) => a.recordPurchase.userErrors)).toEqual(Array(5).fill([]));
    expect(new Set(answers.map((a) => a.recordPurchase.transaction!.id)).size).toBe(1);
    expect((await t.operator.ok(MemberHistoryDocument, { cardNumber: card, first: 5 })).member!.balance).toBe(20);
  });

  it('refuses only the purchases that are wrong among those committed together', async () => {
    const cards = await Promise.all(Array.from({ length: 6 }, () => enrolMember(t)));
    const inputs = [
      input(cards[0]),
      input('404404404404'),
      input(cards[2], { reference: 'TOGETHER-DUP' }),
      input(cards[3], { reference: 'TOGETHER-DUP' }),
      input(cards[4]),
      input(cards[5]),
    ];
    const answers = await Promise.all(inputs.map((item) => grocer.client.ok(RecordPurchaseDocument, { input: item })));
    const codes = answers.map((a) => a.recordPurchase.userErrors.map((e) => e.code));
    expect(codes[0]).toEqual([]);
    expect(codes[1]).toEqual(['UNKNOWN_MEMBER']);
    expect([codes[2], codes[3]].sort()).toEqual([[], ['DUPLICATE_REFERENCE']]);
    expect(codes.slice(4)).toEqual([[], []]);
  });

  it('when a refusal escapes the bulk checks, runs each purchase of the call alone so only its own fails', async () => {
    const purchases = t.app.services.purchases as unknown as { recordBatch: (items: unknown[]) => Promise<unknown> };
    const spy = jest.spyOn(purchases, 'recordBatch').mockRejectedValueOnce(new BusinessError('DUPLICATE_REFERENCE', 'raced'));
    try {
      const cards = await Promise.all(Array.from({ length: 12 }, () => enrolMember(t)));
      const answers = await Promise.all(cards.map((card) => grocer.client.ok(RecordPurchaseDocument, { input: input(card) })));
      expect(answers.map((a) => [a.recordPurchase.userErrors, a.recordPurchase.pointsEarned])).toEqual(Array(12).fill([[], 20]));
      expect(spy).toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});

describe('recordPurchases', () => {
  it('records a batch with per-item results and errors, each item idempotent on its own key', async () => {
    const cards = [await enrolMember(t), await enrolMember(t)];
    const purchases = [
      { cardNumber: cards[0], amount: { amount: '10', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
      { cardNumber: '404404404', amount: { amount: '10', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
      { cardNumber: cards[1], amount: { amount: '1.999', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
      { cardNumber: cards[1], amount: { amount: '3', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
    ];
    const { recordPurchases } = await grocer.client.ok(RecordPurchasesDocument, { input: { purchases } });
    expect(recordPurchases.results.map((r) => [r.index, r.pointsEarned, r.userErrors.map((e) => e.code)])).toEqual([
      [0, 20, []],
      [1, null, ['UNKNOWN_MEMBER']],
      [2, null, ['INVALID_AMOUNT']],
      [3, 6, []],
    ]);
    expect(recordPurchases.results[2].userErrors[0].field).toEqual(['amount', 'amount']);
    const replay = await grocer.client.ok(RecordPurchasesDocument, { input: { purchases } });
    expect(replay.recordPurchases.results.map((r) => r.transaction?.id ?? null)).toEqual(
      recordPurchases.results.map((r) => r.transaction?.id ?? null),
    );
    const history = await t.operator.ok(MemberHistoryDocument, { cardNumber: cards[1], first: 10 });
    expect(history.member!.balance).toBe(6);
  });

  it('reports keys and references repeated inside one batch, and pays a member’s debt first', async () => {
    const debtor = await enrolMember(t);
    await purchase(grocer, debtor, '10', { reference: 'BATCH-DEBT' }); // 20 points
    await t.dataSource.query(
      `SELECT ledger_debit(NULL, NULL, NULL, (SELECT id FROM members WHERE card_number = $1), 20, 'REDEEM', 'OPERATOR', NULL, 'TEST', NULL, NULL, 'test', NULL, NULL)`,
      [debtor],
    );
    await giveBack(grocer, 'BATCH-DEBT', '10'); // -20: debt
    const card = await enrolMember(t);
    const key = newKey();
    const purchases = [
      { cardNumber: card, amount: { amount: '1', currency: 'EUR' }, reference: 'DUP-REF', idempotencyKey: key },
      { cardNumber: card, amount: { amount: '2', currency: 'EUR' }, reference: 'OTHER-REF', idempotencyKey: key },
      { cardNumber: card, amount: { amount: '3', currency: 'EUR' }, reference: 'DUP-REF', idempotencyKey: newKey() },
      { cardNumber: debtor, amount: { amount: '15', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
    ];
    const { recordPurchases } = await grocer.client.ok(RecordPurchasesDocument, { input: { purchases } });
    expect(recordPurchases.results.map((r) => [r.pointsEarned, r.userErrors.map((e) => e.code)])).toEqual([
      [2, []],
      [null, ['IDEMPOTENCY_KEY_REUSED']],
      [null, ['DUPLICATE_REFERENCE']],
      [30, []],
    ]);
    expect((await t.operator.ok(MemberHistoryDocument, { cardNumber: debtor, first: 1 })).member!.balance).toBe(10);
  });

  it('refuses purchases at an inactive partner, one at a time or in a batch, recording nothing', async () => {
    const closed = await onboardPartner(t);
    const card = await enrolMember(t);
    await t.dataSource.query('UPDATE partners SET active = false WHERE id = $1', [closed.localId]);
    const entries = await countEntries();
    const item = () => ({ cardNumber: card, amount: { amount: '5', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() });
    const { recordPurchases } = await closed.client.ok(RecordPurchasesDocument, { input: { purchases: [item(), item()] } });
    expect(recordPurchases.results.map((r) => r.userErrors.map((e) => e.code))).toEqual([['NOT_ALLOWED'], ['NOT_ALLOWED']]);
    const single = await closed.client.ok(RecordPurchaseDocument, { input: item() });
    expect(single.recordPurchase.userErrors.map((e) => e.code)).toEqual(['NOT_ALLOWED']);
    expect(await countEntries()).toBe(entries);
  });

  it('refuses more than 1,000 purchases at once', async () => {
    const purchases = Array.from({ length: 1001 }, () => ({
      cardNumber: 'x',
      amount: { amount: '1', currency: 'EUR' },
      reference: 'r',
      idempotencyKey: 'k',
    }));
    const { recordPurchases } = await grocer.client.ok(RecordPurchasesDocument, { input: { purchases } });
    expect(recordPurchases.userErrors[0].code).toBe('TOO_MANY_PURCHASES');
  });
});

describe('recordReturn', () => {
  it('reverses in proportion over several partial returns, exactly all on a full return, never beyond', async () => {
    const card = await enrolMember(t);
    await purchase(grocer, card, '33.33', { reference: 'RET-1' }); // 66 points
    expect((await giveBack(grocer, 'RET-1', '10.00')).recordReturn).toMatchObject({
      pointsReversed: 19,
      transaction: { kind: 'RETURN', points: -19 },
    });
    expect((await giveBack(grocer, 'RET-1', '10.00')).recordReturn.pointsReversed).toBe(20);
    const over = await giveBack(grocer, 'RET-1', '13.34');
    expect(over.recordReturn.userErrors[0].code).toBe('RETURN_EXCEEDS_PURCHASE');
    const last = await giveBack(grocer, 'RET-1', '13.33');
    expect(last.recordReturn.pointsReversed).toBe(27);
    expect(last.recordReturn.member!.balance).toBe(0);
  });

  it('leaves a points debt when the points were already spent, paid off by later earnings', async () => {
    const card = await enrolMember(t);
    await purchase(grocer, card, '50', { reference: 'DEBT-1' }); // 100 points
    await t.dataSource.query(
      `SELECT ledger_debit(NULL, NULL, NULL, (SELECT id FROM members WHERE card_number = $1), 80, 'REDEEM', 'OPERATOR', NULL, 'TEST', NULL, NULL, 'test', NULL, NULL)`,
      [card],
    );
    expect((await giveBack(grocer, 'DEBT-1', '50')).recordReturn.member!.balance).toBe(-80);
    expect((await purchase(grocer, card, '25')).recordPurchase.member!.balance).toBe(-30);
  });

  it('refuses unknown references, another partner’s purchases and other currencies', async () => {
    const card = await enrolMember(t);
    await purchase(grocer, card, '5', { reference: 'MINE' });
    expect((await giveBack(grocer, 'NOPE', '1')).recordReturn.userErrors[0].code).toBe('UNKNOWN_REFERENCE');
    const foreign = await rival.client.ok(RecordReturnDocument, {
      input: { reference: 'MINE', amount: { amount: '1', currency: 'GBP' }, idempotencyKey: newKey() },
    });
    expect(foreign.recordReturn.userErrors[0].code).toBe('UNKNOWN_REFERENCE');
    const currency = await grocer.client.ok(RecordReturnDocument, {
      input: { reference: 'MINE', amount: { amount: '1', currency: 'GBP' }, idempotencyKey: newKey() },
    });
    expect(currency.recordReturn.userErrors[0].code).toBe('CURRENCY_MISMATCH');
  });
});
