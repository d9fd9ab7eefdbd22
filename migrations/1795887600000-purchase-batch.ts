import { MigrationInterface, QueryRunner } from 'typeorm';
import { COALITION_FUNCTIONS } from './sql/coalition-functions';

/**
 * coalition_record_purchases, faster (issue #6): the in-batch duplicate checks compared every item
 * with every earlier one (O(n²): a quarter of a 1,000-item call) and now number duplicates with a
 * window function; each new entry's JSON comes from the INSERT's RETURNING instead of a re-read
 * join. It also
 * refuses an inactive partner, as the single purchase does. Behaviour is otherwise unchanged.
 */
export class PurchaseBatch1795887600000 implements MigrationInterface {
  name = 'PurchaseBatch1795887600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(RECORD_PURCHASES);
  }

  async down(q: QueryRunner): Promise<void> {
    const previous = COALITION_FUNCTIONS.find((f) => f.includes('CREATE FUNCTION coalition_record_purchases('))!;
    await q.query(previous.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'));
  }
}

// One round trip, set-based. Every item is checked in bulk first (replays, reused keys, unknown
// cards, currency, duplicate references); then, when only the contract's base rate applies (no
// running promotion, tier, stamp card or referral bonus) and the member has no debt, the valid
// items are posted with one INSERT per table and one UPDATE of the members' balances. Other valid
// items go through coalition_record_purchase one by one. No subtransactions: a purchase that still
// fails (a concurrent duplicate) fails the call, and the caller retries it, when the bulk checks catch it.
const RECORD_PURCHASES = `
  CREATE OR REPLACE FUNCTION coalition_record_purchases(p_scope text, p_partner bigint, p_items jsonb, p_principal text) RETURNS jsonb
  LANGUAGE plpgsql AS $$
  DECLARE
    v_partner partners; v_contract partner_contracts; v_plain boolean; v_issued bigint; v_expires timestamptz;
    v_results jsonb; item record;
  BEGIN
    SELECT * INTO v_partner FROM partners WHERE id = p_partner;
    v_contract := partner_contract_at(p_partner, now());
    v_expires := coalition_expiry(now());
    CREATE TEMP TABLE batch ON COMMIT DROP AS
      SELECT x.idx, x.key, decode(x.fingerprint, 'hex') AS fp, x.card, x.amount::bigint AS amount, x.currency, x.digits, x.reference,
             NULL::bigint AS member_id, NULL::text AS error, NULL::text AS message, NULL::jsonb AS result,
             NULL::bigint AS points, NULL::bigint AS entry_id, NULL::bigint AS account_id, NULL::jsonb AS entry, false AS posted
        FROM jsonb_to_recordset(p_items) AS x(idx integer, key text, fingerprint text, card text, amount text, currency text,
                                              digits integer, reference text);

    -- Idempotency: keys locked in a fixed order (no deadlock between batches), replays answered.
    PERFORM pg_advisory_xact_lock(hashtextextended(p_scope || E'\\n' || key, 0)) FROM (SELECT DISTINCT key FROM batch ORDER BY key) k;
    UPDATE batch b SET result = CASE WHEN k.fingerprint = b.fp THEN k.result || '{"replayed": true}' END,
                       error = CASE WHEN k.fingerprint <> b.fp THEN 'IDEMPOTENCY_KEY_REUSED' END,
                       message = format('Idempotency key "%s" was already used for a different request', b.key)
      FROM idempotency_keys k WHERE k.scope = p_scope AND k.key = b.key;
    UPDATE batch b SET error = 'IDEMPOTENCY_KEY_REUSED', message = format('Idempotency key "%s" appears twice in the batch', b.key)
      FROM (SELECT idx, row_number() OVER (PARTITION BY key ORDER BY idx) AS nth FROM batch) d
     WHERE d.idx = b.idx AND d.nth > 1 AND b.error IS NULL AND b.result IS NULL;

    UPDATE batch SET error = 'NOT_ALLOWED', message = 'This partner is not active'
     WHERE NOT v_partner.active AND error IS NULL AND result IS NULL;
    UPDATE batch b SET member_id = m.id FROM members m WHERE m.card_number = b.card AND b.error IS NULL AND b.result IS NULL;
    UPDATE batch SET error = 'CURRENCY_MISMATCH', message = format('This partner trades in %s, not %s', v_partner.currency, currency)
     WHERE error IS NULL AND result IS NULL AND currency <> v_partner.currency;
    UPDATE batch SET error = 'UNKNOWN_MEMBER', message = format('No member with card number "%s"', card)
     WHERE error IS NULL AND result IS NULL AND member_id IS NULL;
    -- A reference already recorded, or used by an earlier item of the batch that has no error.
    UPDATE batch b SET error = 'DUPLICATE_REFERENCE', message = format('Purchase reference "%s" was already recorded', b.reference)
      FROM (SELECT idx, row_number() OVER (PARTITION BY reference ORDER BY idx) AS nth FROM batch WHERE error IS NULL) d
     WHERE d.idx = b.idx AND b.result IS NULL
       AND (d.nth > 1 OR EXISTS (SELECT 1 FROM purchases p WHERE p.partner_id = p_partner AND p.reference = b.reference));

    v_plain := NOT EXISTS (SELECT 1 FROM promotions WHERE starts_at <= now() AND ends_at > now()
                             AND (partner_id = p_partner OR category = v_partner.category OR (partner_id IS NULL AND category IS NULL)))
               AND NOT EXISTS (SELECT 1 FROM tiers)
               AND NOT EXISTS (SELECT 1 FROM stamp_cards WHERE partner_id = p_partner AND active)
               AND (SELECT referral_bonus_points FROM coalition_settings) = 0;
    IF v_plain THEN
      PERFORM 1 FROM members WHERE id IN (SELECT member_id FROM batch WHERE error IS NULL AND result IS NULL) ORDER BY id FOR NO KEY UPDATE;
      UPDATE batch b SET posted = true, points = floor(b.amount / (10::numeric ^ b.digits) * v_contract.points_per_unit)
        FROM members m WHERE m.id = b.member_id AND b.error IS NULL AND b.result IS NULL AND m.points_balance >= 0;
      UPDATE batch SET entry_id = nextval(pg_get_serial_sequence('ledger_entries', 'id')) WHERE posted AND points > 0;
      INSERT INTO ledger_accounts (owner_kind, owner_id, asset, role)
      SELECT DISTINCT 'MEMBER', member_id, 'POINTS', 'AVAILABLE' FROM batch WHERE entry_id IS NOT NULL ORDER BY 2 ON CONFLICT DO NOTHING;
      UPDATE batch b SET account_id = a.id FROM ledger_accounts a
       WHERE b.entry_id IS NOT NULL AND a.owner_kind = 'MEMBER' AND coalesce(a.owner_id, 0) = b.member_id AND a.asset = 'POINTS' AND a.role = 'AVAILABLE';
      v_issued := ledger_account('PARTNER', p_partner, 'POINTS', 'ISSUED');

      WITH e AS (
        INSERT INTO ledger_entries (id, operation, kind, member_id, member_points, partner_id, contract_id, principal, reference)
        OVERRIDING SYSTEM VALUE
        SELECT entry_id, 'CREDIT', 'EARN', member_id, points, p_partner, v_contract.id, p_principal, reference FROM batch WHERE entry_id IS NOT NULL
        RETURNING *
      )
      UPDATE batch b SET entry = to_jsonb(e) FROM e WHERE e.id = b.entry_id;
      INSERT INTO ledger_postings (entry_id, account_id, amount)
      SELECT entry_id, account_id, points FROM batch WHERE entry_id IS NOT NULL
      UNION ALL SELECT entry_id, v_issued, -points FROM batch WHERE entry_id IS NOT NULL;
      INSERT INTO point_lots (member_id, entry_id, funding_partner_id, earned, remaining, expires_at)
      SELECT member_id, entry_id, p_partner, points, points, v_expires FROM batch WHERE entry_id IS NOT NULL;
      INSERT INTO settlement_items (entry_id, partner_id, currency, kind, quantity, unit_amount, reference)
      SELECT entry_id, p_partner, v_partner.currency, 'ISSUANCE', points, -v_contract.issuance_price_per_point, reference
        FROM batch WHERE entry_id IS NOT NULL;
      WITH inserted AS (
        INSERT INTO purchases (partner_id, member_id, reference, amount_minor, currency, contract_id, points, earn_entry_id)
        SELECT p_partner, member_id, reference, amount, currency, v_contract.id, points, entry_id FROM batch WHERE posted
        RETURNING id, reference, earn_entry_id
      ), credits AS (
        INSERT INTO purchase_credits (purchase_id, entry_id) SELECT id, earn_entry_id FROM inserted WHERE earn_entry_id IS NOT NULL
      )
      UPDATE batch b SET result = jsonb_build_object('purchaseId', i.id::text, 'entryId', b.entry_id::text, 'points', b.points,
                                                    'memberId', b.member_id::text, 'vouchers', '[]'::jsonb, 'entry', b.entry)
        FROM inserted i WHERE i.reference = b.reference AND b.posted;
      UPDATE members m SET points_balance = m.points_balance + s.points
        FROM (SELECT member_id, sum(points) AS points FROM batch WHERE entry_id IS NOT NULL GROUP BY member_id) s WHERE m.id = s.member_id;
      INSERT INTO idempotency_keys (scope, key, fingerprint, result)
      SELECT p_scope, key, fp, result FROM batch WHERE posted;
      UPDATE batch SET result = result || '{"replayed": false}' WHERE posted;
    END IF;

    FOR item IN SELECT * FROM batch WHERE error IS NULL AND result IS NULL ORDER BY card, idx LOOP
      UPDATE batch SET result = coalition_record_purchase(p_scope, item.key, item.fp, p_partner, item.card, item.amount,
        item.currency, item.digits, item.reference, p_principal) WHERE idx = item.idx;
    END LOOP;

    SELECT jsonb_object_agg(idx::text, coalesce(result, jsonb_build_object('error', error, 'message', message))) INTO v_results FROM batch;
    DROP TABLE batch;
    RETURN coalesce(v_results, '{}');
  END $$`;
