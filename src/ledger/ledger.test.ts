import fc from 'fast-check';
import { BusinessError } from '../common/user-error';
import { startTestApp, TestApp } from '../../test/support/test-app';
import { auditLedger } from './ledger-audit';
import { AccountRef, Ledger, LedgerResult, operatorAccount, partnerAccount } from './ledger.service';

let t: TestApp;
let ledger: Ledger;
let partnerId: string;
let issued: AccountRef;
let redeemed: AccountRef;
beforeAll(async () => {
  t = await startTestApp();
  ledger = new Ledger(t.dataSource);
  partnerId = await newPartner();
  issued = partnerAccount(partnerId, 'ISSUED');
  redeemed = partnerAccount(partnerId, 'REDEEMED');
});
afterAll(() => t.stop());

let seq = 0;
async function newPartner(): Promise<string> {
  const [row] = await t.dataSource.query(
    `WITH p AS (INSERT INTO partners (name, category, currency) VALUES ($1, 'grocery', 'EUR') RETURNING id, created_at)
     INSERT INTO partner_contracts (partner_id, version, effective_from, points_per_unit, issuance_price_per_point, redemption_value_per_point, breakage_share)
     SELECT id, 1, created_at, 1, 0.01, 0.008, 0.5 FROM p RETURNING partner_id AS id`,
    [`Ledger partner ${++seq}`],
  );
  return row.id;
}
async function newMember(): Promise<string> {
  const [row] = await t.dataSource.query(`INSERT INTO members (card_number) VALUES ($1) RETURNING id`, [`LEDGER${Date.now()}${++seq}`]);
  return row.id;
}
const audit = { principal: 'test' };
const days = (n: number) => new Date(Date.now() + n * 86_400_000);
const balanceOf = async (memberId: string) => {
  const [row] = await t.dataSource.query('SELECT points_balance, points_held FROM members WHERE id = $1', [memberId]);
  return { balance: BigInt(row.points_balance), held: BigInt(row.points_held) };
};
const credit = (memberId: string, points: number, expiresInDays = 365, key?: string) =>
  ledger.credit({
    memberId,
    points: BigInt(points),
    kind: 'EARN',
    source: issued,
    fundingPartnerId: partnerId,
    expiresAt: days(expiresInDays),
    partnerId,
    audit,
    idempotency: key ? { scope: `partner:${partnerId}`, key, request: { memberId, points } } : undefined,
  });
const debit = (memberId: string, points: number, key?: string) =>
  ledger.debit({
    memberId,
    points: BigInt(points),
    kind: 'REDEEM',
    destination: redeemed,
    partnerId,
    audit,
    idempotency: key ? { scope: `member:${memberId}`, key, request: { memberId, points } } : undefined,
  });

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    if (err instanceof BusinessError) return err.errors[0].code;
    throw err;
  }
  throw new Error('expected a refusal');
}

async function expectSound(): Promise<void> {
  expect(await auditLedger(t.dataSource)).toEqual([]);
}

describe('the database refuses what would corrupt the ledger', () => {
  let memberId: string;
  beforeAll(async () => {
    memberId = await newMember();
    await credit(memberId, 100);
  });

  it.each([
    ['UPDATE ledger_postings SET amount = amount + 1'],
    ['DELETE FROM ledger_postings'],
    ['UPDATE ledger_entries SET member_points = 0'],
    ['DELETE FROM ledger_entries'],
    ['TRUNCATE ledger_entries CASCADE'],
    ['DELETE FROM lot_consumptions'],
    ['DELETE FROM point_lots'],
  ])('refuses %s', async (sql) => {
    await expect(t.dataSource.query(sql)).rejects.toThrow(/is not allowed; post a compensating entry/);
  });

  it('refuses an unbalanced entry', async () => {
    await expect(
      t.dataSource.query(`
        WITH e AS (INSERT INTO ledger_entries (operation, kind, principal) VALUES ('CREDIT', 'ADJUSTMENT', 'intruder') RETURNING id)
        INSERT INTO ledger_postings (entry_id, account_id, amount) SELECT e.id, ledger_account('OPERATOR', NULL, 'POINTS', 'GIFT'), 500 FROM e`),
    ).rejects.toThrow(/does not balance in POINTS/);
  });

  it('refuses a balance that does not match the lots, and a spend below zero', async () => {
    await expect(t.dataSource.query('UPDATE members SET points_balance = points_balance + 50 WHERE id = $1', [memberId])).rejects.toThrow(
      /does not match its lots/,
    );
    await expect(t.dataSource.query('UPDATE members SET points_balance = -5 WHERE id = $1', [memberId])).rejects.toThrow(
      /would fall to -5 by spending/,
    );
  });

  it("refuses a lots total not written by the lots' triggers, with or without the balance", async () => {
    for (const set of [
      'lots_remaining = lots_remaining + 50',
      'lots_remaining = 0',
      'points_balance = points_balance + 50, lots_remaining = lots_remaining + 50',
    ]) {
      await expect(t.dataSource.query(`UPDATE members SET ${set} WHERE id = $1`, [memberId])).rejects.toThrow(
        /lots_remaining is kept by point_lots/,
      );
    }
    await expect(t.dataSource.query(`INSERT INTO members (card_number, lots_remaining) VALUES ('LOTS-INTRUDER', 10)`)).rejects.toThrow(
      /lots_remaining is kept by point_lots/,
    );
  });

  it('keeps a lot between zero and what it earned', async () => {
    await expect(t.dataSource.query('UPDATE point_lots SET remaining = earned + 1 WHERE member_id = $1', [memberId])).rejects.toThrow(
      /check constraint/,
    );
    await expect(t.dataSource.query('UPDATE point_lots SET remaining = -1 WHERE member_id = $1', [memberId])).rejects.toThrow(
      /check constraint/,
    );
  });

  afterAll(expectSound);
});

describe('lots', () => {
  it('are spent oldest expiry first, ties by age, recording each partial draw', async () => {
    const memberId = await newMember();
    const late = await credit(memberId, 100, 400);
    const early = await credit(memberId, 100, 100);
    const earlyTwin = await credit(memberId, 100, 100);
    const spend = await debit(memberId, 150);
    const draws = await t.dataSource.query('SELECT lot_id, points FROM lot_consumptions WHERE entry_id = $1 ORDER BY id', [spend.entryId]);
    expect(draws).toEqual([
      { lot_id: early.lotId, points: '100' },
      { lot_id: earlyTwin.lotId, points: '50' },
    ]);
    const lots = await t.dataSource.query('SELECT id, remaining FROM point_lots WHERE member_id = $1 ORDER BY id', [memberId]);
    expect(lots).toEqual([
      { id: late.lotId, remaining: '100' },
      { id: early.lotId, remaining: '0' },
      { id: earlyTwin.lotId, remaining: '50' },
    ]);
    expect(spend.balance).toBe(150n);
    await expectSound();
  });

  it('expire as breakage of the funding partner, once', async () => {
    const memberId = await newMember();
    await credit(memberId, 70, 10);
    await credit(memberId, 30, 500);
    expect(await ledger.expireLots(days(20), 'test')).toBeGreaterThanOrEqual(70n);
    expect((await balanceOf(memberId)).balance).toBe(30n);
    expect(await ledger.expireLots(days(20), 'test')).toBe(0n);
    const [breakage] = await t.dataSource.query(
      `SELECT sum(p.amount) AS points FROM ledger_postings p JOIN ledger_accounts a ON a.id = p.account_id
        JOIN ledger_entries e ON e.id = p.entry_id WHERE a.role = 'BREAKAGE' AND a.owner_id = $1 AND e.member_id = $2`,
      [partnerId, memberId],
    );
    expect(breakage.points).toBe('70');
    await expectSound();
  });
});

describe('reversals and debt', () => {
  it('turn spent points into debt that later credits pay off first', async () => {
    const memberId = await newMember();
    const earned = await credit(memberId, 100);
    await debit(memberId, 80);
    const reversal = await ledger.reverse({ entryId: earned.entryId, points: 100n, kind: 'RETURN', audit });
    expect(reversal.balance).toBe(-80n);
    expect(await refusal(debit(memberId, 1))).toBe('INSUFFICIENT_POINTS');
    expect((await credit(memberId, 50)).balance).toBe(-30n);
    expect((await credit(memberId, 50)).balance).toBe(20n);
    await expectSound();
  });

  it('are partial, several, and never beyond the original', async () => {
    const memberId = await newMember();
    const earned = await credit(memberId, 100);
    await ledger.reverse({ entryId: earned.entryId, points: 30n, kind: 'RETURN', audit });
    await ledger.reverse({ entryId: earned.entryId, points: 60n, kind: 'RETURN', audit });
    expect(await refusal(ledger.reverse({ entryId: earned.entryId, points: 11n, kind: 'RETURN', audit }))).toBe(
      'REVERSAL_EXCEEDS_ORIGINAL',
    );
    expect((await ledger.reverse({ entryId: earned.entryId, points: 10n, kind: 'RETURN', audit })).balance).toBe(0n);
    await expectSound();
  });

  it('of a spend put the points back into the lots it drew', async () => {
    const memberId = await newMember();
    const lot = await credit(memberId, 100);
    const spend = await debit(memberId, 60);
    await ledger.reverse({ entryId: spend.entryId, points: 60n, kind: 'ADJUSTMENT', audit });
    const [row] = await t.dataSource.query('SELECT remaining FROM point_lots WHERE id = $1', [lot.lotId]);
    expect(row.remaining).toBe('100');
    await expectSound();
  });
});

describe('holds', () => {
  it('leave the spendable balance at once and are captured, voided or expired exactly once', async () => {
    const memberId = await newMember();
    await credit(memberId, 100);
    const captured = await ledger.hold({ memberId, points: 30n, kind: 'MILES_TRANSFER', partnerId, expiresAt: days(1), audit });
    expect(captured.balance).toBe(70n);
    expect(await balanceOf(memberId)).toEqual({ balance: 70n, held: 30n });
    const voided = await ledger.hold({ memberId, points: 20n, kind: 'MILES_TRANSFER', partnerId, expiresAt: days(1), audit });
    const lapsed = await ledger.hold({
      memberId,
      points: 10n,
      kind: 'MILES_TRANSFER',
      partnerId,
      expiresAt: new Date(Date.now() + 500),
      audit,
    });
    expect(await refusal(debit(memberId, 41))).toBe('INSUFFICIENT_POINTS');

    const other = await newPartner();
    expect(
      await refusal(
        ledger.capture({ holdId: captured.holdId!, destination: partnerAccount(partnerId, 'MILES'), onlyPartnerId: other, audit }),
      ),
    ).toBe('UNKNOWN_HOLD');
    expect(
      (await ledger.capture({ holdId: captured.holdId!, destination: partnerAccount(partnerId, 'MILES'), onlyPartnerId: partnerId, audit }))
        .status,
    ).toBe('CAPTURED');
    expect(await refusal(ledger.void({ holdId: captured.holdId!, audit }))).toBe('HOLD_NOT_PENDING');
    expect((await ledger.void({ holdId: voided.holdId!, audit })).balance).toBe(60n);

    await new Promise((r) => setTimeout(r, 600));
    expect(await refusal(ledger.capture({ holdId: lapsed.holdId!, destination: partnerAccount(partnerId, 'MILES'), audit }))).toBe(
      'HOLD_EXPIRED',
    );
    expect(await ledger.expireHolds(new Date(), 'test')).toBeGreaterThanOrEqual(1);
    expect(await balanceOf(memberId)).toEqual({ balance: 70n, held: 0n });
    await expectSound();
  });
});

describe('concurrency', () => {
  it('lets exactly 10 of 100 concurrent 10-point spends through a balance of 100', async () => {
    const memberId = await newMember();
    await credit(memberId, 100);
    const outcomes = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        debit(memberId, 10, `race-${i}`).then(
          () => 'ok',
          (err) => (err instanceof BusinessError ? err.errors[0].code : `unexpected: ${err}`),
        ),
      ),
    );
    expect(outcomes.filter((o) => o === 'ok')).toHaveLength(10);
    expect(outcomes.filter((o) => o !== 'ok')).toEqual(Array(90).fill('INSUFFICIENT_POINTS'));
    expect(await balanceOf(memberId)).toEqual({ balance: 0n, held: 0n });
    await expectSound();
  });

  it('applies 20 concurrent requests with one idempotency key once, and answers all 20 alike', async () => {
    const memberId = await newMember();
    const results = await Promise.all(Array.from({ length: 20 }, () => credit(memberId, 25, 365, `same-key-${memberId}`)));
    const { replayed: _first, ...answer } = results[0];
    for (const { replayed: _r, ...other } of results) expect(other).toEqual(answer);
    expect(results.filter((r) => !r.replayed)).toHaveLength(1);
    expect((await balanceOf(memberId)).balance).toBe(25n);
    const [{ n }] = await t.dataSource.query('SELECT count(*) AS n FROM ledger_entries WHERE member_id = $1', [memberId]);
    expect(n).toBe('1');
  });

  it('refuses the same key with a different request, applying nothing', async () => {
    const memberId = await newMember();
    await credit(memberId, 25, 365, `reused-${memberId}`);
    expect(await refusal(credit(memberId, 26, 365, `reused-${memberId}`))).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await balanceOf(memberId)).balance).toBe(25n);
  });

  it('does not make operations on different members wait for each other', async () => {
    const a = await newMember();
    const b = await newMember();
    await credit(a, 10);
    // Hold a's row lock in an open transaction; b's credit must still go through at once.
    const runner = t.dataSource.createQueryRunner();
    await runner.startTransaction();
    try {
      await runner.query('SELECT 1 FROM members WHERE id = $1 FOR NO KEY UPDATE', [a]);
      const started = Date.now();
      await credit(b, 10);
      expect(Date.now() - started).toBeLessThan(2000);
      const blocked = credit(a, 10);
      const first = await Promise.race([blocked.then(() => 'done'), new Promise((r) => setTimeout(() => r('waiting'), 300))]);
      expect(first).toBe('waiting');
      await runner.commitTransaction();
      await blocked;
    } finally {
      await runner.release();
    }
    expect((await balanceOf(a)).balance).toBe(20n);
  });
});

describe('deadlocks and serialization failures', () => {
  // A real PostgreSQL error raised from inside the ledger transaction; a sequence counts attempts
  // because it is not rolled back with the failed transaction.
  async function injectFailures(count: number, errcode: string): Promise<void> {
    await t.dataSource.query(`CREATE SEQUENCE IF NOT EXISTS injected_failures`);
    await t.dataSource.query(`SELECT setval('injected_failures', 1, false)`);
    await t.dataSource.query(`
      CREATE OR REPLACE FUNCTION inject_failure() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF nextval('injected_failures') <= ${count} THEN RAISE EXCEPTION 'injected' USING ERRCODE = '${errcode}'; END IF;
        RETURN NEW;
      END $$`);
    await t.dataSource.query(
      `CREATE OR REPLACE TRIGGER inject_failure BEFORE INSERT ON ledger_entries FOR EACH ROW EXECUTE FUNCTION inject_failure()`,
    );
  }
  afterEach(() => t.dataSource.query('DROP TRIGGER IF EXISTS inject_failure ON ledger_entries'));

  it.each([['deadlock_detected'], ['serialization_failure']])(
    'are retried inside the server until the write goes through once (%s)',
    async (errcode) => {
      await injectFailures(3, errcode);
      const memberId = await newMember();
      expect((await credit(memberId, 40, 365, `retried-${errcode}`)).balance).toBe(40n);
      const [{ n }] = await t.dataSource.query('SELECT count(*) AS n FROM ledger_entries WHERE member_id = $1', [memberId]);
      expect(n).toBe('1');
    },
  );

  it('answer LEDGER_BUSY with nothing applied when they persist, never an internal error', async () => {
    await injectFailures(100, 'deadlock_detected');
    const memberId = await newMember();
    await expect(credit(memberId, 40, 365, 'busy')).rejects.toMatchObject({ extensions: { code: 'LEDGER_BUSY', http: { status: 503 } } });
    expect(await balanceOf(memberId)).toEqual({ balance: 0n, held: 0n });
    await t.dataSource.query('DROP TRIGGER inject_failure ON ledger_entries');
    expect((await credit(memberId, 40, 365, 'busy')).balance).toBe(40n);
  });
});

describe('invariants under random operations (fast-check)', () => {
  type Command =
    | { op: 'credit'; member: number; points: number; expiresIn: number }
    | { op: 'debit'; member: number; points: number }
    | { op: 'hold'; member: number; points: number }
    | { op: 'capture' | 'void'; pick: number }
    | { op: 'reverse'; pick: number; share: number }
    | { op: 'expire'; inDays: number }
    | { op: 'replay'; pick: number };

  const member = fc.integer({ min: 0, max: 2 });
  const points = fc.integer({ min: 1, max: 300 });
  const command: fc.Arbitrary<Command> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({ op: fc.constant('credit' as const), member, points, expiresIn: fc.integer({ min: 1, max: 1000 }) }),
    },
    { weight: 3, arbitrary: fc.record({ op: fc.constant('debit' as const), member, points }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('hold' as const), member, points }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constantFrom('capture' as const, 'void' as const), pick: fc.nat() }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('reverse' as const), pick: fc.nat(), share: fc.integer({ min: 1, max: 100 }) }) },
    { weight: 1, arbitrary: fc.record({ op: fc.constant('expire' as const), inDays: fc.integer({ min: 0, max: 1200 }) }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('replay' as const), pick: fc.nat() }) },
  );

  it('keep entries balanced, balances equal to lots minus debt, points conserved, replays without effect', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(command, { minLength: 5, maxLength: 25 }), async (commands) => {
        run++;
        const members = [await newMember(), await newMember(), await newMember()];
        const movable: { entryId: string; points: bigint }[] = [];
        const holds: string[] = [];
        const keyed: { call: () => Promise<LedgerResult>; first: LedgerResult }[] = [];
        for (const [i, c] of commands.entries()) {
          const key = `run${run}-step${i}`;
          try {
            if (c.op === 'credit' || c.op === 'debit') {
              const call = () =>
                c.op === 'credit' ? credit(members[c.member], c.points, c.expiresIn, key) : debit(members[c.member], c.points, key);
              const first = await call();
              movable.push({ entryId: first.entryId, points: BigInt(c.points) });
              keyed.push({ call, first });
            } else if (c.op === 'hold') {
              const held = await ledger.hold({
                memberId: members[c.member],
                points: BigInt(c.points),
                kind: 'MILES_TRANSFER',
                partnerId,
                expiresAt: days(30),
                audit,
              });
              holds.push(held.holdId!);
            } else if ((c.op === 'capture' || c.op === 'void') && holds.length > 0) {
              const holdId = holds.splice(c.pick % holds.length, 1)[0];
              if (c.op === 'capture') await ledger.capture({ holdId, destination: operatorAccount('MILES'), audit });
              else await ledger.void({ holdId, audit });
            } else if (c.op === 'reverse' && movable.length > 0) {
              const target = movable[c.pick % movable.length];
              const share = (target.points * BigInt(c.share)) / 100n || 1n;
              await ledger.reverse({ entryId: target.entryId, points: share, kind: 'RETURN', audit });
            } else if (c.op === 'expire') {
              await ledger.expireLots(days(c.inDays), 'test');
            } else if (c.op === 'replay' && keyed.length > 0) {
              const { call, first } = keyed[c.pick % keyed.length];
              const [{ n: before }] = await t.dataSource.query('SELECT count(*) AS n FROM ledger_entries');
              const again = await call();
              const [{ n: after }] = await t.dataSource.query('SELECT count(*) AS n FROM ledger_entries');
              expect(again).toEqual({ ...first, replayed: true });
              expect(after).toBe(before);
            }
          } catch (err) {
            const allowed = ['INSUFFICIENT_POINTS', 'REVERSAL_EXCEEDS_ORIGINAL'];
            if (!(err instanceof BusinessError && allowed.includes(err.errors[0].code))) throw err;
          }
          await expectSound();
          for (const m of members) {
            const { balance } = await balanceOf(m);
            expect(balance >= 0n || (await hasReversal(m))).toBe(true);
          }
        }
      }),
      { numRuns: 12 },
    );
  });
});

/** A balance may be negative only through a reversal (debt), never through spending. */
async function hasReversal(memberId: string): Promise<boolean> {
  const [row] = await t.dataSource.query(`SELECT count(*) AS n FROM ledger_entries WHERE member_id = $1 AND operation = 'REVERSAL'`, [
    memberId,
  ]);
  return row.n !== '0';
}
