import { enrolMember, newKey, onboardPartner, TestPartner } from '../../test/support/coalition-fixtures';
import { startTestApp, TestApp } from '../../test/support/test-app';
import { RecordPurchaseDocument } from '../../test/generated/graphql';
import { migrate } from '../database/data-source';
import { auditLedger } from './ledger-audit';
import { verifyLedger } from './ledger-verify';
import { journalCoverage, maintainJournalPartitions } from './journal-partitions';

const JOURNAL = ['ledger_entries', 'ledger_postings', 'settlement_items', 'idempotency_keys'];
const monthStart = (at: Date, plus = 0) => new Date(Date.UTC(at.getUTCFullYear(), at.getUTCMonth() + plus, 1));
const suffix = (month: Date) => `_p${month.toISOString().slice(0, 7).replace('-', '')}`;

let t: TestApp;
let grocer: TestPartner;
/** journal_months_ahead(): how many months of partitions are kept made ahead of the current one. */
let MONTHS_AHEAD: number;
beforeAll(async () => {
  t = await startTestApp();
  grocer = await onboardPartner(t);
  [{ n: MONTHS_AHEAD }] = await t.dataSource.query(`SELECT journal_months_ahead() AS n`);
});
afterAll(() => t.stop());

const purchase = async (card: string, opts: { reference?: string; key?: string; amount?: string } = {}) =>
  (
    await grocer.client.ok(RecordPurchaseDocument, {
      input: {
        cardNumber: card,
        amount: { amount: opts.amount ?? '10', currency: 'EUR' },
        reference: opts.reference ?? newKey(),
        idempotencyKey: opts.key ?? newKey(),
      },
    })
  ).recordPurchase;
const partitions = async (parent: string): Promise<string[]> =>
  (
    await t.dataSource.query(`SELECT inhrelid::regclass::text AS name FROM pg_inherits WHERE inhparent = $1::regclass ORDER BY 1`, [parent])
  ).map((r: { name: string }) => r.name);
/** The partitions a plan reads. */
const scanned = async (sql: string, params: unknown[] = []): Promise<string[]> => {
  const plan: { 'QUERY PLAN': string }[] = await t.dataSource.query(`EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ${sql}`, params);
  const text = plan.map((r) => r['QUERY PLAN']).join('\n');
  return [...new Set([...text.matchAll(/ on (\w+_(?:before|p\d{6}))(?![^\n]*never executed)/g)].map((m) => m[1]))].sort();
};

describe('journal partitions', () => {
  it('exist for this month and the months ahead after migrating, for every journal table', async () => {
    const now = new Date();
    for (const table of ['ledger_entries', 'ledger_postings', 'settlement_items']) {
      const names = await partitions(table);
      for (let i = 0; i <= MONTHS_AHEAD; i++) expect(names).toContain(table + suffix(monthStart(now, i)));
      expect(names).toContain(`${table}_before`);
    }
    // The old key table holds this month (its rows may be from any time of it); months ahead follow.
    const keys = await partitions('idempotency_keys');
    for (let i = 1; i <= MONTHS_AHEAD; i++) expect(keys).toContain('idempotency_keys' + suffix(monthStart(now, i)));
  });

  it('puts a new purchase’s entry, postings and settlement item in this month’s partition, every foreign key in force', async () => {
    const reference = newKey();
    expect((await purchase(await enrolMember(t), { reference })).userErrors).toEqual([]);
    const [row] = await t.dataSource.query(
      `SELECT e.tableoid::regclass::text AS entry, (SELECT array_agg(DISTINCT p.tableoid::regclass::text) FROM ledger_postings p WHERE p.entry_id = e.id) AS postings,
              (SELECT array_agg(DISTINCT s.tableoid::regclass::text) FROM settlement_items s WHERE s.entry_id = e.id) AS items,
              e.id >= coalition_id_floor(date_trunc('second', e.created_at)) AND e.id < coalition_id_floor(e.created_at + interval '1 second') AS id_in_its_second
         FROM purchases pu JOIN ledger_entries e ON e.id = pu.earn_entry_id WHERE pu.reference = $1`,
      [reference],
    );
    const month = suffix(monthStart(new Date()));
    expect(row).toEqual({
      entry: `ledger_entries${month}`,
      postings: [`ledger_postings${month}`],
      items: [`settlement_items${month}`],
      id_in_its_second: true,
    });
    expect(Number.isSafeInteger(Number((await t.dataSource.query('SELECT max(id)::text AS id FROM ledger_entries'))[0].id))).toBe(true);

    const fks: { n: number }[] = await t.dataSource.query(
      `SELECT count(*)::int AS n FROM pg_constraint WHERE contype = 'f' AND conparentid = 0 AND confrelid = 'ledger_entries'::regclass`,
    );
    expect(fks[0].n).toBe(16);
    await expect(
      t.dataSource.query(`INSERT INTO ledger_postings (entry_id, account_id, amount) SELECT max(id) + 1, 1, 1 FROM ledger_entries`),
    ).rejects.toThrow(/foreign key/);
    await expect(t.dataSource.query(`UPDATE ledger_entries${month} SET reason = 'x'`)).rejects.toThrow(/not allowed/);
  });

  it('answers a replay within the retention with the first result, and treats a key older than it as new', async () => {
    const card = await enrolMember(t);
    const key = newKey();
    const reference = newKey();
    const first = await purchase(card, { key, reference });
    expect(first.userErrors).toEqual([]);
    expect((await purchase(card, { key, reference })).transaction?.id).toBe(first.transaction?.id);
    expect((await purchase(card, { key, reference, amount: '20' })).userErrors[0].code).toBe('IDEMPOTENCY_KEY_REUSED');

    await t.dataSource.query(
      `UPDATE idempotency_keys SET created_at = now() - idempotency_retention() - interval '1 hour' WHERE key = $1`,
      [key],
    );
    // Past retention the key no longer answers; the purchase's own business key still refuses a repeat.
    expect((await purchase(card, { key, reference })).userErrors[0].code).toBe('DUPLICATE_REFERENCE');
    const after = await purchase(card, { key, reference: newKey(), amount: '20' });
    expect(after.userErrors).toEqual([]);
    expect(after.transaction?.id).not.toBe(first.transaction?.id);
  });

  it('prunes the months after a closed period when reading its items, and the months after a history cursor', async () => {
    await purchase(await enrolMember(t));
    const [{ id: period }] = await t.dataSource.query(`SELECT settlement_close(now(), 'test', NULL, '{}') AS id`);
    const now = new Date();
    const ahead = Array.from({ length: MONTHS_AHEAD }, (_, i) => 'settlement_items' + suffix(monthStart(now, i + 1)));
    const close = await scanned(`SELECT * FROM settlement_items_of($1)`, [period]);
    expect(close).toContain('settlement_items' + suffix(monthStart(now)));
    for (const p of ahead) expect(close).not.toContain(p);

    // Member.transactions' next page: member and keyset cursor, as TransactionService reads it.
    const [{ member_id: member, id: cursor }] = await t.dataSource.query(
      `SELECT member_id, max(id)::text AS id FROM ledger_entries WHERE member_id IS NOT NULL GROUP BY member_id ORDER BY 2 DESC LIMIT 1`,
    );
    const history = await scanned(
      `SELECT e.* FROM ledger_entries e WHERE e.member_id = $1 AND e.member_points <> 0 AND e.id < $2 ORDER BY e.member_id DESC, e.id DESC LIMIT 20`,
      [member, cursor],
    );
    expect(history).toContain('ledger_entries' + suffix(monthStart(now)));
    for (let i = 1; i <= MONTHS_AHEAD; i++) expect(history).not.toContain('ledger_entries' + suffix(monthStart(now, i)));
  });

  it('the maintenance job makes missing partitions ahead and is idempotent', async () => {
    // Run as if two months had passed without the job: the months ahead of then are made.
    const later = new Date(monthStart(new Date(), 2).getTime() + 86_400_000);
    const result = await maintainJournalPartitions(t.dataSource, later);
    // Made up to this month + MONTHS_AHEAD by the migration: the two months after that are missing.
    expect(result.created).toEqual(
      [MONTHS_AHEAD - 1, MONTHS_AHEAD].flatMap((i) => JOURNAL.map((table) => table + suffix(monthStart(later, i)))),
    );
    expect(result.dropped).toEqual([]);
    expect(new Date(result.coveredUntil)).toEqual(monthStart(later, MONTHS_AHEAD + 1));
    expect(await maintainJournalPartitions(t.dataSource, later)).toMatchObject({ created: [], dropped: [] });
  });

  it('the maintenance job drops a key partition wholly older than the retention, and remakes a missing current month', async () => {
    // Make the old key table a partition that ended 40 days ago, holding a key from before then.
    await t.dataSource.query(`ALTER TABLE idempotency_keys DETACH PARTITION idempotency_keys_before`);
    await t.dataSource.query(`TRUNCATE idempotency_keys_before`);
    const [{ bound }] = await t.dataSource.query(`SELECT (now() - interval '40 days')::text AS bound`);
    await t.dataSource.query(
      `ALTER TABLE idempotency_keys ATTACH PARTITION idempotency_keys_before FOR VALUES FROM (MINVALUE) TO ('${bound}')`,
    );
    await t.dataSource.query(
      `INSERT INTO idempotency_keys (scope, key, fingerprint, result, created_at) VALUES ('test', 'old', '\\x00', '{}', now() - interval '41 days')`,
    );

    const result = await maintainJournalPartitions(t.dataSource, new Date());
    expect(result.dropped).toEqual(['idempotency_keys_before']);
    expect(result.created).toEqual(['idempotency_keys' + suffix(monthStart(new Date()))]);
    expect(await partitions('idempotency_keys')).not.toContain('idempotency_keys_before');
    expect((await purchase(await enrolMember(t))).userErrors).toEqual([]);
  });
});

describe('/ready and the journal partitions', () => {
  const ready = async () => {
    const response = await fetch(`${t.app.url}/ready`);
    return {
      status: response.status,
      body: (await response.json()) as { status: string; journal?: { coveredUntil: string; runningOut: boolean } },
    };
  };

  it('reports how far every table is covered, warns a week before the end, and is not ready once today is not covered', async () => {
    const { coveredUntil } = await maintainJournalPartitions(t.dataSource, new Date());
    expect(await ready()).toEqual({
      status: 200,
      body: { status: 'ready', journal: { coveredUntil: new Date(coveredUntil).toISOString(), runningOut: false } },
    });
    const end = new Date(coveredUntil).getTime();
    expect(await journalCoverage(t.dataSource, new Date(end - 8 * 86_400_000))).toMatchObject({ runningOut: false, exhausted: false });
    expect(await journalCoverage(t.dataSource, new Date(end - 6 * 86_400_000))).toMatchObject({ runningOut: true, exhausted: false });

    // The postings' partitions from this month on taken away: no table may be short of today.
    const detached: { name: string; bound: string }[] = await t.dataSource.query(
      `SELECT c.oid::regclass::text AS name, pg_get_expr(c.relpartbound, c.oid) AS bound
         FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'ledger_postings'::regclass AND c.relname >= $1`,
      ['ledger_postings' + suffix(monthStart(new Date()))],
    );
    expect(detached.length).toBeGreaterThan(MONTHS_AHEAD);
    for (const p of detached) await t.dataSource.query(`ALTER TABLE ledger_postings DETACH PARTITION ${p.name}`);
    try {
      const gone = await ready();
      expect(gone.status).toBe(503);
      expect(gone.body.status).toBe('journal partitions missing');
      // Only the "before" partition is left: its end is the last id the unpartitioned table gave out.
      expect(new Date(gone.body.journal!.coveredUntil).getTime()).toBeLessThan(monthStart(new Date()).getTime());
    } finally {
      for (const p of detached) await t.dataSource.query(`ALTER TABLE ledger_postings ATTACH PARTITION ${p.name} ${p.bound}`);
    }
    expect((await ready()).status).toBe(200);
  });
});

describe('journal partitioning of a database with rows', () => {
  it('keeps the rows written before it as the "before" partitions, ledger intact', async () => {
    const app = await startTestApp();
    try {
      await app.dataSource.undoLastMigration(); // MemberLotsTotal, then the partitioning itself
      await app.dataSource.undoLastMigration();
      expect(await app.dataSource.query(`SELECT relkind FROM pg_class WHERE relname = 'ledger_entries'`)).toEqual([{ relkind: 'r' }]);
      // Rows as the unpartitioned tables held them (identity ids), written directly: the function
      // files are the partitioned schema's. One balanced operator entry, its settlement item, a key.
      const partner = await onboardPartner(app);
      await app.dataSource.query(
        `
        WITH a AS (INSERT INTO ledger_accounts (owner_kind, asset, role) VALUES ('OPERATOR', 'EUR', 'TEST_A'), ('OPERATOR', 'EUR', 'TEST_B') RETURNING id, role),
             e AS (INSERT INTO ledger_entries (operation, kind, principal) VALUES ('CREDIT', 'ADJUSTMENT', 'test') RETURNING id),
             p AS (INSERT INTO ledger_postings (entry_id, account_id, amount)
                   SELECT e.id, a.id, CASE a.role WHEN 'TEST_A' THEN 100 ELSE -100 END FROM e, a)
        INSERT INTO settlement_items (entry_id, partner_id, currency, kind, quantity, unit_amount)
        SELECT e.id, $1, 'EUR', 'ADJUSTMENT', 1, 1 FROM e`,
        [partner.localId],
      );
      await app.dataSource.query(`INSERT INTO idempotency_keys (scope, key, fingerprint, result) VALUES ('test', 'before', '\\x00', '{}')`);
      const counts = async (partition: string) =>
        (
          await app.dataSource.query(
            `SELECT ${JOURNAL.map((table) => `(SELECT count(*)::int FROM ${table}${partition}) AS ${table}`).join(', ')}`,
          )
        )[0];
      const before = await counts('');
      expect(before).toEqual({ ledger_entries: 1, ledger_postings: 2, settlement_items: 1, idempotency_keys: 1 });

      const applied = await migrate(app.dataSource);
      expect(applied.slice(0, 3)).toEqual([
        'JournalPartitions1795919000000',
        'MemberLotsTotal1795920000000',
        'sql/functions/10-ledger.sql',
      ]);
      expect(await counts('_before')).toEqual(before);
      const card = await enrolMember(app);
      const purchase = await partner.client.ok(RecordPurchaseDocument, {
        input: { cardNumber: card, amount: { amount: '10', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
      });
      expect(purchase.recordPurchase.userErrors).toEqual([]);
      expect(await auditLedger(app.dataSource)).toEqual([]);
      expect(await verifyLedger(app.dataSource)).toEqual([]);
    } finally {
      await app.stop();
    }
  });
});
