import { enrolMember, newKey, onboardPartner } from '../../test/support/coalition-fixtures';
import { startTestApp, TestApp } from '../../test/support/test-app';
import { RecordPurchaseDocument } from '../../test/generated/graphql';
import { sealLedger, verifyLedger } from './ledger-verify';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
  const grocer = await onboardPartner(t);
  for (let i = 0; i < 3; i++) {
    await grocer.client.ok(RecordPurchaseDocument, {
      input: { cardNumber: await enrolMember(t), amount: { amount: '10', currency: 'EUR' }, reference: newKey(), idempotencyKey: newKey() },
    });
  }
});
afterAll(() => t.stop());

describe('tamper evidence', () => {
  it('seals the journal in hash-chained blocks that verification recomputes', async () => {
    expect(await sealLedger(t.dataSource, 0)).toBeGreaterThan(0);
    expect(await sealLedger(t.dataSource, 0)).toBe(0);
    expect(await verifyLedger(t.dataSource)).toEqual([]);
  });

  it('detects a posting altered behind the server’s back, even when the rows still balance', async () => {
    // An attacker with superuser rights switches the append-only guard off and moves 5 points
    // between two postings of one entry: every entry still balances, only the seal can tell.
    await t.dataSource.query('ALTER TABLE ledger_postings DISABLE TRIGGER USER');
    try {
      await t.dataSource.query(`
        WITH e AS (SELECT min(entry_id) AS id FROM ledger_postings)
        UPDATE ledger_postings SET amount = amount + CASE WHEN amount > 0 THEN 5 ELSE -5 END WHERE entry_id = (SELECT id FROM e)`);
    } finally {
      await t.dataSource.query('ALTER TABLE ledger_postings ENABLE TRIGGER USER');
    }
    const violations = await verifyLedger(t.dataSource);
    expect(violations.map((v) => v.check)).toContain('sealed block does not match its entries');
  });
});
