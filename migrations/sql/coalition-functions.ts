/**
 * PL/pgSQL for the coalition flows, created by migration 1795876800000-coalition. Each public
 * function is one round trip: claim the idempotency key, lock the member row(s) in id order, post
 * through the ledger's ledger_post_* bodies, remember the result. Refusals raise SQLSTATE CL001
 * (message: the userError code, detail: the text) via ledger_refuse.
 */
export const COALITION_FUNCTIONS = [
  // New categories are created on first use; an exclusive category admits one active partner.
  // Locking the category row serialises concurrent onboardings into it.
  `CREATE FUNCTION coalition_partner_category_rules() RETURNS trigger LANGUAGE plpgsql AS $$
   DECLARE v_exclusive boolean;
   BEGIN
     INSERT INTO partner_categories (code) VALUES (NEW.category) ON CONFLICT DO NOTHING;
     SELECT exclusive INTO v_exclusive FROM partner_categories WHERE code = NEW.category FOR UPDATE;
     IF v_exclusive AND NEW.active AND EXISTS (
          SELECT 1 FROM partners WHERE category = NEW.category AND active AND id IS DISTINCT FROM NEW.id) THEN
       PERFORM ledger_refuse('CATEGORY_EXCLUSIVE', format('Category "%s" is exclusive and already has an active partner', NEW.category));
     END IF;
     RETURN NEW;
   END $$`,

  `CREATE FUNCTION partners_compete(p_a bigint, p_b bigint) RETURNS boolean LANGUAGE sql STABLE AS $$
     SELECT p_a <> p_b AND (
       (SELECT category FROM partners WHERE id = p_a) = (SELECT category FROM partners WHERE id = p_b)
       OR EXISTS (SELECT 1 FROM competitor_pairs WHERE partner_a = least(p_a, p_b) AND partner_b = greatest(p_a, p_b)))
   $$`,

  // After categories or competitor pairs change, a reward whose sponsor now competes with its
  // fulfiller is taken out of the catalogue, not silently kept.
  `CREATE FUNCTION coalition_deactivate_competing_rewards() RETURNS integer LANGUAGE sql AS $$
     WITH changed AS (
       UPDATE rewards SET active = false, deactivated_reason = 'COMPETITOR_NOT_ALLOWED: sponsor and fulfilling partner now compete'
        WHERE active AND partners_compete(sponsored_by, fulfilled_by) RETURNING 1)
     SELECT count(*)::integer FROM changed
   $$`,

  // Category and competitor changes, each followed by withdrawing rewards that now pair competitors.
  `CREATE FUNCTION coalition_set_partner_category(p_partner bigint, p_category text) RETURNS integer LANGUAGE plpgsql AS $$
   BEGIN
     UPDATE partners SET category = p_category WHERE id = p_partner;
     IF NOT FOUND THEN PERFORM ledger_refuse('UNKNOWN_PARTNER', 'No such partner'); END IF;
     RETURN coalition_deactivate_competing_rewards();
   END $$`,

  `CREATE FUNCTION coalition_add_competitors(p_a bigint, p_b bigint) RETURNS integer LANGUAGE plpgsql AS $$
   BEGIN
     IF p_a = p_b OR (SELECT count(*) FROM partners WHERE id IN (p_a, p_b)) <> 2 THEN
       PERFORM ledger_refuse('UNKNOWN_PARTNER', 'Two different existing partners are needed');
     END IF;
     INSERT INTO competitor_pairs (partner_a, partner_b) VALUES (least(p_a, p_b), greatest(p_a, p_b)) ON CONFLICT DO NOTHING;
     RETURN coalition_deactivate_competing_rewards();
   END $$`,

  `CREATE FUNCTION coalition_set_category_exclusive(p_category text, p_exclusive boolean) RETURNS void LANGUAGE plpgsql AS $$
   BEGIN
     INSERT INTO partner_categories (code) VALUES (p_category) ON CONFLICT DO NOTHING;
     PERFORM 1 FROM partner_categories WHERE code = p_category FOR UPDATE;
     IF p_exclusive AND (SELECT count(*) FROM partners WHERE category = p_category AND active) > 1 THEN
       PERFORM ledger_refuse('CATEGORY_EXCLUSIVE', format('Category "%s" has several active partners already', p_category));
     END IF;
     UPDATE partner_categories SET exclusive = p_exclusive WHERE code = p_category;
   END $$`,

  `CREATE FUNCTION coalition_member_by_card(p_card text) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
   DECLARE v_member bigint;
   BEGIN
     SELECT id INTO v_member FROM members WHERE card_number = p_card;
     IF NOT FOUND THEN PERFORM ledger_refuse('UNKNOWN_MEMBER', format('No member with card number "%s"', p_card)); END IF;
     RETURN v_member;
   END $$`,

  // Lots earned at p_at expire at the end of that day in the coalition's time zone, N months on.
  `CREATE FUNCTION coalition_expiry(p_at timestamptz) RETURNS timestamptz LANGUAGE plpgsql STABLE AS $$
   DECLARE s coalition_settings;
   BEGIN
     SELECT * INTO s FROM coalition_settings;
     RETURN (date_trunc('day', p_at AT TIME ZONE s.time_zone) + make_interval(months => s.expiry_months) + interval '1 day') AT TIME ZONE s.time_zone;
   END $$`,

  // Qualifying points for tiers: points earned (net of returns) in the rolling window.
  `CREATE FUNCTION coalition_qualifying_points(p_member bigint, p_at timestamptz) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
   DECLARE v_points bigint;
   BEGIN
     SELECT coalesce(sum(e.member_points), 0) INTO v_points FROM ledger_entries e
      WHERE e.member_id = p_member AND e.kind IN ('EARN', 'RETURN') AND e.created_at <= p_at
        AND e.created_at > p_at - make_interval(days => (SELECT tier_window_days FROM coalition_settings));
     RETURN v_points;
   END $$`,

  `CREATE FUNCTION coalition_tier_for(p_points bigint) RETURNS bigint LANGUAGE plpgsql STABLE AS $$
   BEGIN
     RETURN (SELECT id FROM tiers WHERE min_qualifying_points <= p_points ORDER BY min_qualifying_points DESC LIMIT 1);
   END $$`,

  // Upgrades happen at once; downgrades wait for coalition_review_tiers at the period end.
  `CREATE FUNCTION coalition_upgrade_tier(p_member bigint) RETURNS void LANGUAGE plpgsql AS $$
   DECLARE v_new bigint;
   BEGIN
     IF NOT EXISTS (SELECT 1 FROM tiers) THEN RETURN; END IF;
     v_new := coalition_tier_for(coalition_qualifying_points(p_member, clock_timestamp()));
     UPDATE members m SET tier_id = v_new, tier_since = now()
      WHERE m.id = p_member AND v_new IS NOT NULL AND m.tier_id IS DISTINCT FROM v_new
        AND (m.tier_id IS NULL OR (SELECT min_qualifying_points FROM tiers WHERE id = v_new)
                                 > (SELECT min_qualifying_points FROM tiers WHERE id = m.tier_id));
   END $$`,

  `CREATE FUNCTION coalition_review_tiers(p_at timestamptz) RETURNS integer LANGUAGE sql AS $$
     WITH target AS (SELECT id, coalition_tier_for(coalition_qualifying_points(id, p_at)) AS tier_id FROM members),
     changed AS (
       UPDATE members m SET tier_id = t.tier_id, tier_since = p_at FROM target t
        WHERE m.id = t.id AND m.tier_id IS DISTINCT FROM t.tier_id RETURNING 1)
     SELECT count(*)::integer FROM changed
   $$`,

  // A voucher code: 16 hex digits from a random UUID, prefixed; unique by constraint.
  `CREATE FUNCTION coalition_issue_voucher(p_redemption bigint, p_partner bigint, p_member bigint) RETURNS text LANGUAGE plpgsql AS $$
   DECLARE v_code text := 'V-' || upper(substr(replace(gen_random_uuid()::text, '-', ''), 1, 16));
   BEGIN
     INSERT INTO vouchers (redemption_id, partner_id, member_id, code) VALUES (p_redemption, p_partner, p_member, v_code);
     RETURN v_code;
   END $$`,

  // Stamps for a purchase: a stamp first pays any owed stamp; the Nth issues the card's voucher.
  `CREATE FUNCTION coalition_stamp_purchase(p_purchase bigint, p_partner bigint, p_member bigint, p_amount bigint, p_principal text)
   RETURNS jsonb LANGUAGE plpgsql AS $$
   DECLARE card record; prog stamp_progress; v_redemption bigint; v_vouchers jsonb := '[]';
   BEGIN
     FOR card IN SELECT * FROM stamp_cards WHERE partner_id = p_partner AND active AND p_amount >= min_amount_minor ORDER BY id LOOP
       INSERT INTO stamp_progress (card_id, member_id) VALUES (card.id, p_member) ON CONFLICT DO NOTHING;
       SELECT * INTO prog FROM stamp_progress WHERE card_id = card.id AND member_id = p_member;
       IF prog.owed > 0 THEN
         UPDATE stamp_progress SET owed = owed - 1 WHERE card_id = card.id AND member_id = p_member;
         INSERT INTO purchase_stamps (purchase_id, card_id, cycle, withdrawn) VALUES (p_purchase, card.id, prog.rewards_issued, true);
       ELSIF prog.stamps + 1 >= card.stamps_required THEN
         INSERT INTO purchase_stamps (purchase_id, card_id, cycle) VALUES (p_purchase, card.id, prog.rewards_issued);
         UPDATE stamp_progress SET stamps = 0, rewards_issued = rewards_issued + 1 WHERE card_id = card.id AND member_id = p_member;
         INSERT INTO redemptions (reward_id, member_id, points, principal) VALUES (card.reward_id, p_member, 0, p_principal)
         RETURNING id INTO v_redemption;
         v_vouchers := v_vouchers || jsonb_build_array(jsonb_build_object('redemptionId', v_redemption::text,
           'code', coalition_issue_voucher(v_redemption, p_partner, p_member)));
       ELSE
         INSERT INTO purchase_stamps (purchase_id, card_id, cycle) VALUES (p_purchase, card.id, prog.rewards_issued);
         UPDATE stamp_progress SET stamps = stamps + 1 WHERE card_id = card.id AND member_id = p_member;
       END IF;
     END LOOP;
     RETURN v_vouchers;
   END $$`,

  // A return that takes a stamped purchase below the card's minimum withdraws its stamp: from the
  // current card if the stamp is still on it, else as a stamp owed by the next qualifying purchase.
  `CREATE FUNCTION coalition_unstamp_purchase(p_purchase bigint, p_member bigint, p_net_amount bigint) RETURNS void
   LANGUAGE plpgsql AS $$
   DECLARE s record;
   BEGIN
     FOR s IN SELECT ps.card_id, ps.cycle, c.min_amount_minor, pr.rewards_issued, pr.stamps
                FROM purchase_stamps ps JOIN stamp_cards c ON c.id = ps.card_id
                JOIN stamp_progress pr ON pr.card_id = ps.card_id AND pr.member_id = p_member
               WHERE ps.purchase_id = p_purchase AND NOT ps.withdrawn AND p_net_amount < c.min_amount_minor LOOP
       UPDATE purchase_stamps SET withdrawn = true WHERE purchase_id = p_purchase AND card_id = s.card_id;
       IF s.cycle = s.rewards_issued AND s.stamps > 0 THEN
         UPDATE stamp_progress SET stamps = stamps - 1 WHERE card_id = s.card_id AND member_id = p_member;
       ELSE
         UPDATE stamp_progress SET owed = owed + 1 WHERE card_id = s.card_id AND member_id = p_member;
       END IF;
     END LOOP;
   END $$`,

  // The funding account of promotional points: the funder partner's, or the operator's.
  `CREATE FUNCTION coalition_bonus(p_member bigint, p_points bigint, p_funder bigint, p_partner bigint, p_principal text,
     p_reason text, p_reference text) RETURNS jsonb LANGUAGE plpgsql AS $$
   BEGIN
     RETURN ledger_post_credit(p_member, p_points, 'BONUS', CASE WHEN p_funder IS NULL THEN 'OPERATOR' ELSE 'PARTNER' END, p_funder,
       'PROMOTION', p_funder, coalition_expiry(now()), p_partner, NULL, p_principal, p_reason, p_reference);
   END $$`,

  `CREATE FUNCTION coalition_record_purchase(
     p_scope text, p_key text, p_fingerprint bytea, p_partner bigint, p_card text, p_amount bigint, p_currency text,
     p_digits integer, p_reference text, p_principal text) RETURNS jsonb
   LANGUAGE plpgsql AS $$
   DECLARE
     v_replay jsonb; v_partner partners; v_member members; v_contract partner_contracts; v_settings coalition_settings;
     v_purchase bigint; v_units numeric := p_amount / (10::numeric ^ p_digits); v_base bigint; v_promo record;
     v_tier_multiplier numeric; v_multiplier numeric; v_funder bigint; v_with_multiplier bigint; v_credit jsonb;
     v_earn_entry bigint; v_credits bigint[] := '{}'; v_points bigint := 0; v_bonus record; v_referral boolean; v_vouchers jsonb;
   BEGIN
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     SELECT * INTO v_partner FROM partners WHERE id = p_partner;
     IF NOT v_partner.active THEN PERFORM ledger_refuse('NOT_ALLOWED', 'This partner is not active'); END IF;
     IF v_partner.currency <> p_currency THEN
       PERFORM ledger_refuse('CURRENCY_MISMATCH', format('This partner trades in %s, not %s', v_partner.currency, p_currency));
     END IF;
     SELECT * INTO v_member FROM members WHERE card_number = p_card;
     IF NOT FOUND THEN PERFORM ledger_refuse('UNKNOWN_MEMBER', format('No member with card number "%s"', p_card)); END IF;
     SELECT * INTO v_settings FROM coalition_settings;

     -- The referral bonus pays both members on the referee's first purchase: lock both, in id order.
     v_referral := v_member.referred_by IS NOT NULL AND v_settings.referral_bonus_points > 0
                   AND NOT EXISTS (SELECT 1 FROM referral_bonuses WHERE referee_id = v_member.id);
     IF v_referral THEN
       PERFORM 1 FROM members WHERE id IN (v_member.id, v_member.referred_by) ORDER BY id FOR NO KEY UPDATE;
       v_referral := NOT EXISTS (SELECT 1 FROM referral_bonuses WHERE referee_id = v_member.id);
     ELSE
       PERFORM ledger_lock_member(v_member.id);
     END IF;
     v_contract := partner_contract_at(p_partner, now());

     -- points = floor(amount x points per unit x best multiplier) + fixed bonuses. The best of the
     -- tier's and the promotions' multipliers applies, never several.
     v_base := floor(v_units * v_contract.points_per_unit);
     SELECT coalesce((SELECT earn_multiplier FROM tiers WHERE id = v_member.tier_id), 1) INTO v_tier_multiplier;
     SELECT multiplier, funder_partner_id, name INTO v_promo FROM promotions
      WHERE kind = 'MULTIPLIER' AND starts_at <= now() AND ends_at > now() AND p_amount >= min_amount_minor
        AND (partner_id = p_partner OR category = v_partner.category OR (partner_id IS NULL AND category IS NULL))
      ORDER BY multiplier DESC, id LIMIT 1;
     IF v_promo.multiplier IS NOT NULL AND v_promo.multiplier > v_tier_multiplier THEN
       v_multiplier := v_promo.multiplier; v_funder := v_promo.funder_partner_id;
     ELSE
       v_multiplier := v_tier_multiplier; v_funder := NULL;
     END IF;
     v_with_multiplier := floor(v_units * v_contract.points_per_unit * v_multiplier);

     IF v_base > 0 THEN
       v_credit := ledger_post_credit(v_member.id, v_base, 'EARN', 'PARTNER', p_partner, 'ISSUED', p_partner,
         coalition_expiry(now()), p_partner, v_contract.id, p_principal, NULL, p_reference);
       v_earn_entry := (v_credit->>'entryId')::bigint;
       v_credits := v_credits || v_earn_entry;
       v_points := v_points + v_base;
     END IF;
     IF v_with_multiplier > v_base THEN
       v_credit := coalition_bonus(v_member.id, v_with_multiplier - v_base, v_funder, p_partner, p_principal,
         format('x%s %s', v_multiplier, CASE WHEN v_funder IS NULL AND v_promo.multiplier IS DISTINCT FROM v_multiplier THEN 'tier' ELSE v_promo.name END),
         p_reference);
       v_credits := v_credits || (v_credit->>'entryId')::bigint;
       v_points := v_points + v_with_multiplier - v_base;
     END IF;
     FOR v_bonus IN SELECT name, bonus_points, funder_partner_id FROM promotions
                     WHERE kind = 'FIXED_BONUS' AND starts_at <= now() AND ends_at > now() AND p_amount >= min_amount_minor
                       AND (partner_id = p_partner OR category = v_partner.category OR (partner_id IS NULL AND category IS NULL))
                     ORDER BY id LOOP
       v_credit := coalition_bonus(v_member.id, v_bonus.bonus_points, v_bonus.funder_partner_id, p_partner, p_principal, v_bonus.name, p_reference);
       v_credits := v_credits || (v_credit->>'entryId')::bigint;
       v_points := v_points + v_bonus.bonus_points;
     END LOOP;

     -- Recorded last, with what it earned; a reused reference refuses (and rolls back) the whole purchase.
     INSERT INTO purchases (partner_id, member_id, reference, amount_minor, currency, contract_id, points, earn_entry_id)
     VALUES (p_partner, v_member.id, p_reference, p_amount, p_currency, v_contract.id, v_points, v_earn_entry)
     ON CONFLICT (partner_id, reference) DO NOTHING RETURNING id INTO v_purchase;
     IF v_purchase IS NULL THEN
       PERFORM ledger_refuse('DUPLICATE_REFERENCE', format('Purchase reference "%s" was already recorded', p_reference));
     END IF;
     INSERT INTO purchase_credits (purchase_id, entry_id) SELECT v_purchase, unnest(v_credits);

     IF v_referral THEN
       INSERT INTO referral_bonuses (referee_id, referrer_id, purchase_id) VALUES (v_member.id, v_member.referred_by, v_purchase);
       PERFORM coalition_bonus(v_member.id, v_settings.referral_bonus_points, NULL, NULL, p_principal, 'referral: welcome', NULL);
       PERFORM coalition_bonus(v_member.referred_by, v_settings.referral_bonus_points, NULL, NULL, p_principal,
         format('referral: %s joined', v_member.card_number), NULL);
     END IF;

     v_vouchers := coalition_stamp_purchase(v_purchase, p_partner, v_member.id, p_amount, p_principal);
     PERFORM coalition_upgrade_tier(v_member.id);
     -- The answer carries the entry and the member as they are now, so the API needs no further read.
     RETURN ledger_remember(p_scope, p_key, p_fingerprint, jsonb_build_object(
       'purchaseId', v_purchase::text, 'entryId', v_earn_entry::text, 'points', v_points, 'memberId', v_member.id::text,
       'entry', (SELECT to_jsonb(e) FROM ledger_entries e WHERE e.id = v_earn_entry),
       'member', (SELECT to_jsonb(m) FROM members m WHERE m.id = v_member.id), 'vouchers', v_vouchers));
   END $$`,

  // The batch form: one round trip, set-based. Every item is checked in bulk first (replays, reused
  // keys, unknown cards, currency, duplicate references); then, when only the contract's base rate
  // applies (no running promotion, tier, stamp card or referral bonus) and the member has no debt,
  // the valid items are posted with one INSERT per table and one UPDATE of the members' balances.
  // Other valid items go through coalition_record_purchase one by one. No subtransactions: a
  // purchase that still fails (a concurrent duplicate) fails the call, and the caller retries it,
  // when the bulk checks catch it.
  `CREATE FUNCTION coalition_record_purchases(p_scope text, p_partner bigint, p_items jsonb, p_principal text) RETURNS jsonb
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
              NULL::bigint AS points, NULL::bigint AS entry_id, NULL::bigint AS account_id, false AS posted
         FROM jsonb_to_recordset(p_items) AS x(idx integer, key text, fingerprint text, card text, amount text, currency text,
                                               digits integer, reference text);

     -- Idempotency: keys locked in a fixed order (no deadlock between batches), replays answered.
     PERFORM pg_advisory_xact_lock(hashtextextended(p_scope || E'\\n' || key, 0)) FROM (SELECT DISTINCT key FROM batch ORDER BY key) k;
     UPDATE batch b SET result = CASE WHEN k.fingerprint = b.fp THEN k.result || '{"replayed": true}' END,
                        error = CASE WHEN k.fingerprint <> b.fp THEN 'IDEMPOTENCY_KEY_REUSED' END,
                        message = format('Idempotency key "%s" was already used for a different request', b.key)
       FROM idempotency_keys k WHERE k.scope = p_scope AND k.key = b.key;
     UPDATE batch b SET error = 'IDEMPOTENCY_KEY_REUSED', message = format('Idempotency key "%s" appears twice in the batch', b.key)
      WHERE b.error IS NULL AND b.result IS NULL AND EXISTS (SELECT 1 FROM batch o WHERE o.key = b.key AND o.idx < b.idx);

     UPDATE batch b SET member_id = m.id FROM members m WHERE m.card_number = b.card AND b.error IS NULL AND b.result IS NULL;
     UPDATE batch SET error = 'CURRENCY_MISMATCH', message = format('This partner trades in %s, not %s', v_partner.currency, currency)
      WHERE error IS NULL AND result IS NULL AND currency <> v_partner.currency;
     UPDATE batch SET error = 'UNKNOWN_MEMBER', message = format('No member with card number "%s"', card)
      WHERE error IS NULL AND result IS NULL AND member_id IS NULL;
     UPDATE batch b SET error = 'DUPLICATE_REFERENCE', message = format('Purchase reference "%s" was already recorded', b.reference)
      WHERE b.error IS NULL AND b.result IS NULL
        AND (EXISTS (SELECT 1 FROM purchases p WHERE p.partner_id = p_partner AND p.reference = b.reference)
             OR EXISTS (SELECT 1 FROM batch o WHERE o.reference = b.reference AND o.idx < b.idx AND o.error IS NULL));

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

       INSERT INTO ledger_entries (id, operation, kind, member_id, member_points, partner_id, contract_id, principal, reference)
       OVERRIDING SYSTEM VALUE
       SELECT entry_id, 'CREDIT', 'EARN', member_id, points, p_partner, v_contract.id, p_principal, reference FROM batch WHERE entry_id IS NOT NULL;
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
                                                     'memberId', b.member_id::text, 'vouchers', '[]'::jsonb)
         FROM inserted i WHERE i.reference = b.reference AND b.posted;
       UPDATE members m SET points_balance = m.points_balance + s.points
         FROM (SELECT member_id, sum(points) AS points FROM batch WHERE entry_id IS NOT NULL GROUP BY member_id) s WHERE m.id = s.member_id;
       UPDATE batch b SET result = b.result || jsonb_build_object('entry', to_jsonb(e)) FROM ledger_entries e WHERE e.id = b.entry_id;
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
   END $$`,

  // Returns reverse every credit of the purchase in proportion to the share returned so far, so
  // partial returns add up to exactly the full reversal. Only the partner that recorded it may.
  `CREATE FUNCTION coalition_record_return(
     p_scope text, p_key text, p_fingerprint bytea, p_partner bigint, p_reference text, p_amount bigint, p_currency text,
     p_principal text) RETURNS jsonb
   LANGUAGE plpgsql AS $$
   DECLARE v_replay jsonb; v_purchase purchases; v_returned bigint; c record; v_target bigint; v_done bigint;
           v_points bigint := 0; v_credit jsonb; v_first_entry bigint;
   BEGIN
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     SELECT * INTO v_purchase FROM purchases WHERE partner_id = p_partner AND reference = p_reference;
     IF NOT FOUND THEN PERFORM ledger_refuse('UNKNOWN_REFERENCE', format('No purchase with reference "%s" at this partner', p_reference)); END IF;
     IF v_purchase.currency <> p_currency THEN
       PERFORM ledger_refuse('CURRENCY_MISMATCH', format('The purchase was in %s, not %s', v_purchase.currency, p_currency));
     END IF;
     PERFORM ledger_lock_member(v_purchase.member_id);
     SELECT * INTO v_purchase FROM purchases WHERE id = v_purchase.id;
     v_returned := v_purchase.returned_minor + p_amount;
     IF v_returned > v_purchase.amount_minor THEN
       PERFORM ledger_refuse('RETURN_EXCEEDS_PURCHASE', format('%s minor units can still be returned of %s',
         v_purchase.amount_minor - v_purchase.returned_minor, v_purchase.amount_minor));
     END IF;
     FOR c IN SELECT e.id, e.member_points FROM purchase_credits pc JOIN ledger_entries e ON e.id = pc.entry_id
               WHERE pc.purchase_id = v_purchase.id ORDER BY e.id LOOP
       v_target := floor(c.member_points::numeric * v_returned / v_purchase.amount_minor);
       SELECT coalesce(-sum(member_points), 0) INTO v_done FROM ledger_entries WHERE reverses_entry_id = c.id;
       IF v_target > v_done THEN
         v_credit := ledger_post_reversal(c.id, v_target - v_done, 'RETURN', p_principal, NULL, p_reference);
         v_first_entry := coalesce(v_first_entry, (v_credit->>'entryId')::bigint);
         v_points := v_points + v_target - v_done;
       END IF;
     END LOOP;
     UPDATE purchases SET returned_minor = v_returned WHERE id = v_purchase.id;
     INSERT INTO purchase_returns (purchase_id, amount_minor, points) VALUES (v_purchase.id, p_amount, v_points);
     PERFORM coalition_unstamp_purchase(v_purchase.id, v_purchase.member_id, v_purchase.amount_minor - v_returned);
     RETURN ledger_remember(p_scope, p_key, p_fingerprint, jsonb_build_object(
       'purchaseId', v_purchase.id::text, 'entryId', v_first_entry::text, 'points', v_points, 'memberId', v_purchase.member_id::text,
       'balance', (SELECT points_balance FROM members WHERE id = v_purchase.member_id)));
   END $$`,

  // A member spends points on a reward. p_by_partner: redeemed at that partner's till (it must
  // fulfil the reward). p_gift_code_hash: the hash of the new gift card's code (generated by the caller).
  `CREATE FUNCTION coalition_redeem_reward(
     p_scope text, p_key text, p_fingerprint bytea, p_reward bigint, p_card text, p_by_partner bigint,
     p_gift_code_hash bytea, p_principal text) RETURNS jsonb
   LANGUAGE plpgsql AS $$
   DECLARE v_replay jsonb; r rewards; v_member bigint; v_debit jsonb; v_redemption bigint; v_voucher text; v_gift bigint;
   BEGIN
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     SELECT * INTO r FROM rewards WHERE id = p_reward;
     IF NOT FOUND THEN PERFORM ledger_refuse('UNKNOWN_REWARD', 'No such reward'); END IF;
     IF NOT r.active THEN PERFORM ledger_refuse('REWARD_INACTIVE', coalesce(r.deactivated_reason, 'This reward is no longer offered')); END IF;
     IF p_by_partner IS NOT NULL AND p_by_partner <> r.fulfilled_by THEN
       PERFORM ledger_refuse('NOT_ALLOWED', 'Only the partner that fulfils this reward can redeem it at its till');
     END IF;
     v_member := coalition_member_by_card(p_card);
     PERFORM ledger_lock_member(v_member);
     v_debit := ledger_post_debit(v_member, r.points_cost, 'REDEEM', 'PARTNER', r.fulfilled_by, 'REDEEMED', r.fulfilled_by,
       (partner_contract_at(r.fulfilled_by, now())).id, p_principal, r.name, NULL);
     INSERT INTO redemptions (reward_id, member_id, points, entry_id, principal)
     VALUES (r.id, v_member, r.points_cost, (v_debit->>'entryId')::bigint, p_principal) RETURNING id INTO v_redemption;
     -- A voucher's fulfiller is reimbursed per point now (a gift card's, as the card is used); a
     -- sponsor that is not the fulfiller pays its contribution per redemption.
     IF r.kind = 'VOUCHER' THEN
       PERFORM ledger_money((v_debit->>'entryId')::bigint, r.fulfilled_by, 'REDEMPTION', r.points_cost,
         (partner_contract_at(r.fulfilled_by, now())).redemption_value_per_point, r.name);
     END IF;
     IF r.sponsored_by <> r.fulfilled_by AND r.sponsor_contribution_minor > 0 THEN
       PERFORM ledger_money((v_debit->>'entryId')::bigint, r.sponsored_by, 'SPONSORSHIP', 1,
         -(r.sponsor_contribution_minor / 10::numeric ^ (SELECT digits FROM currency_digits WHERE code = r.sponsor_currency)), r.name);
     END IF;
     IF r.kind = 'VOUCHER' THEN
       v_voucher := coalition_issue_voucher(v_redemption, r.fulfilled_by, v_member);
     ELSE
       INSERT INTO gift_cards (redemption_id, partner_id, member_id, code_hash, currency, initial_minor, balance_minor, expires_at)
       SELECT v_redemption, r.fulfilled_by, v_member, p_gift_code_hash, r.currency, r.gift_card_value_minor, r.gift_card_value_minor,
              now() + make_interval(months => s.gift_card_validity_months)
         FROM coalition_settings s
       RETURNING id INTO v_gift;
     END IF;
     RETURN ledger_remember(p_scope, p_key, p_fingerprint, jsonb_build_object(
       'redemptionId', v_redemption::text, 'entryId', v_debit->>'entryId', 'points', r.points_cost, 'memberId', v_member::text,
       'balance', v_debit->'balance', 'voucherCode', v_voucher, 'giftCardId', v_gift::text));
   END $$`,

  `CREATE FUNCTION coalition_use_voucher(p_code text, p_partner bigint, p_principal text) RETURNS jsonb LANGUAGE plpgsql AS $$
   DECLARE v vouchers;
   BEGIN
     SELECT * INTO v FROM vouchers WHERE code = p_code FOR UPDATE;
     IF NOT FOUND OR v.partner_id <> p_partner THEN PERFORM ledger_refuse('UNKNOWN_VOUCHER', 'No such voucher at this partner'); END IF;
     IF v.used_at IS NOT NULL THEN PERFORM ledger_refuse('VOUCHER_USED', format('This voucher was used at %s', v.used_at)); END IF;
     UPDATE vouchers SET used_at = clock_timestamp(), used_by = p_principal WHERE id = v.id;
     RETURN jsonb_build_object('voucherId', v.id::text);
   END $$`,

  // Stored value spent at the issuing partner's till. Wrong codes are counted per caller, and a
  // caller over the limit is refused before any lookup.
  `CREATE FUNCTION coalition_redeem_gift_card(
     p_scope text, p_key text, p_fingerprint bytea, p_code_hash bytea, p_partner bigint, p_amount bigint, p_currency text,
     p_principal text) RETURNS jsonb
   LANGUAGE plpgsql AS $$
   DECLARE v_replay jsonb; g gift_cards; v_limit integer; v_use bigint;
   BEGIN
     SELECT gift_card_attempts_per_minute INTO v_limit FROM coalition_settings;
     IF (SELECT count(*) FROM gift_card_failed_attempts WHERE scope = p_scope AND at > now() - interval '1 minute') >= v_limit THEN
       PERFORM ledger_refuse('GIFT_CARD_THROTTLED', 'Too many unknown gift-card codes from this caller; wait a minute');
     END IF;
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     SELECT * INTO g FROM gift_cards WHERE code_hash = p_code_hash FOR UPDATE;
     IF NOT FOUND THEN
       -- Nothing applied and the key stays unused; the attempt is kept (the transaction commits) so
       -- guessing is throttled.
       INSERT INTO gift_card_failed_attempts (scope) VALUES (p_scope);
       RETURN jsonb_build_object('error', 'GIFT_CARD_UNKNOWN', 'message', 'No gift card with that code');
     END IF;
     IF g.partner_id <> p_partner THEN PERFORM ledger_refuse('GIFT_CARD_NOT_HERE', 'This gift card is redeemable only at the partner that issued it'); END IF;
     IF g.expires_at <= now() THEN PERFORM ledger_refuse('GIFT_CARD_EXPIRED', format('This gift card expired at %s', g.expires_at)); END IF;
     IF g.currency <> p_currency THEN PERFORM ledger_refuse('CURRENCY_MISMATCH', format('This gift card holds %s', g.currency)); END IF;
     IF g.balance_minor < p_amount THEN
       PERFORM ledger_refuse('GIFT_CARD_EXHAUSTED', format('The gift card holds %s minor units, less than %s', g.balance_minor, p_amount));
     END IF;
     UPDATE gift_cards SET balance_minor = balance_minor - p_amount WHERE id = g.id;
     INSERT INTO gift_card_uses (gift_card_id, partner_id, amount_minor, principal) VALUES (g.id, p_partner, p_amount, p_principal)
     RETURNING id INTO v_use;
     -- The partner honouring the card is reimbursed its contract's share of the value used.
     PERFORM ledger_money(NULL, p_partner, 'GIFT_CARD', p_amount,
       (partner_contract_at(p_partner, now())).gift_card_reimbursement_rate / 10::numeric ^ (SELECT digits FROM currency_digits WHERE code = g.currency),
       format('gift card use %s', v_use));
     RETURN ledger_remember(p_scope, p_key, p_fingerprint, jsonb_build_object('giftCardId', g.id::text, 'amount', p_amount,
       'balanceMinor', g.balance_minor - p_amount));
   END $$`,

  // What p_amount (points TO_MILES, miles TO_POINTS) converts to at ratio r, rounded down for the member.
  `CREATE FUNCTION coalition_miles_converted(r miles_ratios, p_amount bigint) RETURNS bigint LANGUAGE sql IMMUTABLE AS $$
     SELECT floor(p_amount::numeric * CASE r.direction WHEN 'TO_MILES' THEN r.miles ELSE r.points END
                  / CASE r.direction WHEN 'TO_MILES' THEN r.points ELSE r.miles END)::bigint
   $$`,

  // The airline's ratio in force for a transfer of p_amount; refuses a partner without one and an
  // amount below its minimum or too small for one unit.
  `CREATE FUNCTION coalition_miles_ratio(p_airline bigint, p_direction text, p_amount bigint) RETURNS miles_ratios
   LANGUAGE plpgsql STABLE AS $$
   DECLARE r miles_ratios;
           v_from text := CASE p_direction WHEN 'TO_MILES' THEN 'points' ELSE 'miles' END;
           v_to text := CASE p_direction WHEN 'TO_MILES' THEN 'mile' ELSE 'point' END;
   BEGIN
     SELECT * INTO r FROM miles_ratios WHERE airline_id = p_airline AND direction = p_direction AND effective_from <= now()
      ORDER BY effective_from DESC LIMIT 1;
     IF NOT FOUND THEN PERFORM ledger_refuse('NOT_AN_AIRLINE', format('This partner takes no %s-to-%ss transfers', v_from, v_to)); END IF;
     IF p_amount < r.minimum OR coalition_miles_converted(r, p_amount) < 1 THEN
       PERFORM ledger_refuse('BELOW_MINIMUM', format('At least %s %s, and enough for one %s (%s points : %s miles)',
         r.minimum, v_from, v_to, r.points, r.miles));
     END IF;
     RETURN r;
   END $$`,

  // Points to miles, phase one: the points are held until the airline confirms or rejects.
  `CREATE FUNCTION coalition_miles_out(
     p_scope text, p_key text, p_fingerprint bytea, p_card text, p_airline bigint, p_points bigint, p_ffn text, p_principal text)
   RETURNS jsonb LANGUAGE plpgsql AS $$
   DECLARE v_replay jsonb; v_ratio miles_ratios; v_member bigint; v_miles bigint; v_hold jsonb; v_transfer bigint;
   BEGIN
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     v_ratio := coalition_miles_ratio(p_airline, 'TO_MILES', p_points);
     v_miles := coalition_miles_converted(v_ratio, p_points);
     v_member := coalition_member_by_card(p_card);
     v_hold := ledger_hold(NULL, NULL, NULL, v_member, p_points, 'MILES_TRANSFER', p_airline,
       now() + make_interval(mins => (SELECT miles_hold_minutes FROM coalition_settings)), p_principal, NULL, p_ffn);
     INSERT INTO miles_transfers (member_id, airline_id, direction, points, miles, ratio_id, hold_id, frequent_flyer_number)
     VALUES (v_member, p_airline, 'TO_MILES', p_points, v_miles, v_ratio.id, (v_hold->>'holdId')::bigint, p_ffn)
     RETURNING id INTO v_transfer;
     RETURN ledger_remember(p_scope, p_key, p_fingerprint, jsonb_build_object('transferId', v_transfer::text, 'entryId', v_hold->>'entryId',
       'points', p_points, 'miles', v_miles, 'memberId', v_member::text, 'balance', v_hold->'balance'));
   END $$`,

  // Phase two, by the airline for its own transfers: CONFIRM captures the held points, REJECT returns them.
  `CREATE FUNCTION coalition_miles_resolve(
     p_scope text, p_key text, p_fingerprint bytea, p_transfer bigint, p_airline bigint, p_action text, p_airline_reference text,
     p_principal text) RETURNS jsonb
   LANGUAGE plpgsql AS $$
   DECLARE v_replay jsonb; t miles_transfers; v_result jsonb;
   BEGIN
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     SELECT * INTO t FROM miles_transfers WHERE id = p_transfer AND airline_id = p_airline AND direction = 'TO_MILES';
     IF NOT FOUND THEN PERFORM ledger_refuse('UNKNOWN_TRANSFER', 'No such miles transfer for this airline'); END IF;
     v_result := ledger_resolve_hold(NULL, NULL, NULL, t.hold_id, CASE p_action WHEN 'CONFIRM' THEN 'CAPTURE' ELSE 'VOID' END,
       'PARTNER', p_airline, 'MILES_CONVERTED', p_principal, CASE p_action WHEN 'REJECT' THEN 'rejected by the airline' END,
       p_airline_reference, p_airline);
     IF p_action = 'CONFIRM' THEN
       UPDATE miles_transfers SET airline_reference = p_airline_reference WHERE id = t.id;
       -- The airline is paid for the miles it credits, at the ratio's price per mile.
       PERFORM ledger_money((v_result->>'entryId')::bigint, p_airline, 'MILES', t.miles,
         (SELECT price_per_mile FROM miles_ratios WHERE id = t.ratio_id), p_airline_reference);
     END IF;
     RETURN ledger_remember(p_scope, p_key, p_fingerprint, v_result || jsonb_build_object('transferId', t.id::text, 'memberId', t.member_id::text));
   END $$`,

  // Miles to points: the airline converts a member's miles into points it funds.
  `CREATE FUNCTION coalition_miles_in(
     p_scope text, p_key text, p_fingerprint bytea, p_airline bigint, p_card text, p_miles bigint, p_reference text, p_principal text)
   RETURNS jsonb LANGUAGE plpgsql AS $$
   DECLARE v_replay jsonb; v_ratio miles_ratios; v_member bigint; v_points bigint; v_credit jsonb; v_transfer bigint;
   BEGIN
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     v_ratio := coalition_miles_ratio(p_airline, 'TO_POINTS', p_miles);
     v_points := coalition_miles_converted(v_ratio, p_miles);
     v_member := coalition_member_by_card(p_card);
     PERFORM ledger_lock_member(v_member);
     v_credit := ledger_post_credit(v_member, v_points, 'MILES_TRANSFER', 'PARTNER', p_airline, 'ISSUED', p_airline,
       coalition_expiry(now()), p_airline, (partner_contract_at(p_airline, now())).id, p_principal, NULL, p_reference);
     INSERT INTO miles_transfers (member_id, airline_id, direction, points, miles, ratio_id, entry_id, airline_reference)
     VALUES (v_member, p_airline, 'TO_POINTS', v_points, p_miles, v_ratio.id, (v_credit->>'entryId')::bigint, p_reference)
     RETURNING id INTO v_transfer;
     RETURN ledger_remember(p_scope, p_key, p_fingerprint, v_credit || jsonb_build_object('transferId', v_transfer::text, 'miles', p_miles,
       'memberId', v_member::text));
   END $$`,

  // Goodwill (service recovery) from a partner or the operator, always with a reason.
  `CREATE FUNCTION coalition_goodwill(
     p_scope text, p_key text, p_fingerprint bytea, p_card text, p_points bigint, p_funder bigint, p_reason text, p_principal text)
   RETURNS jsonb LANGUAGE plpgsql AS $$
   DECLARE v_replay jsonb; v_member bigint;
   BEGIN
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     IF coalesce(btrim(p_reason), '') = '' THEN PERFORM ledger_refuse('REASON_REQUIRED', 'A goodwill grant needs a reason'); END IF;
     v_member := coalition_member_by_card(p_card);
     PERFORM ledger_lock_member(v_member);
     RETURN ledger_remember(p_scope, p_key, p_fingerprint, ledger_post_credit(v_member, p_points, 'ADJUSTMENT',
       CASE WHEN p_funder IS NULL THEN 'OPERATOR' ELSE 'PARTNER' END, p_funder, 'GOODWILL', p_funder, coalition_expiry(now()),
       p_funder, NULL, p_principal, p_reason, NULL) || jsonb_build_object('memberId', v_member::text));
   END $$`,

  `CREATE FUNCTION coalition_submit_survey(
     p_scope text, p_key text, p_fingerprint bytea, p_survey bigint, p_card text, p_answers jsonb, p_principal text)
   RETURNS jsonb LANGUAGE plpgsql AS $$
   DECLARE v_replay jsonb; s surveys; v_member bigint; v_credit jsonb;
   BEGIN
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     SELECT * INTO s FROM surveys WHERE id = p_survey AND active;
     IF NOT FOUND THEN PERFORM ledger_refuse('UNKNOWN_SURVEY', 'No such open survey'); END IF;
     v_member := coalition_member_by_card(p_card);
     PERFORM ledger_lock_member(v_member);
     IF EXISTS (SELECT 1 FROM survey_responses WHERE survey_id = s.id AND member_id = v_member) THEN
       PERFORM ledger_refuse('SURVEY_ALREADY_COMPLETED', 'This member already completed this survey');
     END IF;
     v_credit := coalition_bonus(v_member, s.points, s.funder_partner_id, s.funder_partner_id, p_principal, format('survey: %s', s.name), NULL);
     INSERT INTO survey_responses (survey_id, member_id, answers, entry_id) VALUES (s.id, v_member, p_answers, (v_credit->>'entryId')::bigint);
     RETURN ledger_remember(p_scope, p_key, p_fingerprint, v_credit || jsonb_build_object('memberId', v_member::text));
   END $$`,

  // Birthday bonus, once a year, for members whose birthday is p_as_of's date in the coalition's
  // time zone (29 February birthdays are kept on 28 February in other years).
  `CREATE FUNCTION coalition_birthday_bonuses(p_as_of timestamptz, p_principal text) RETURNS integer LANGUAGE plpgsql AS $$
   DECLARE v_day date; v_points bigint; m record; v_credit jsonb; v_count integer := 0;
   BEGIN
     SELECT (p_as_of AT TIME ZONE time_zone)::date, birthday_bonus_points INTO v_day, v_points FROM coalition_settings;
     IF v_points = 0 THEN RETURN 0; END IF;
     FOR m IN SELECT id FROM members
               WHERE birth_date IS NOT NULL
                 AND (extract(month FROM birth_date), extract(day FROM birth_date)) = (extract(month FROM v_day), extract(day FROM v_day))
                  OR (birth_date IS NOT NULL AND extract(month FROM birth_date) = 2 AND extract(day FROM birth_date) = 29
                      AND extract(month FROM v_day) = 2 AND extract(day FROM v_day) = 28
                      AND NOT (extract(year FROM v_day)::integer % 4 = 0
                               AND (extract(year FROM v_day)::integer % 100 <> 0 OR extract(year FROM v_day)::integer % 400 = 0)))
               ORDER BY id LOOP
       PERFORM ledger_lock_member(m.id);
       CONTINUE WHEN EXISTS (SELECT 1 FROM birthday_bonuses WHERE member_id = m.id AND year = extract(year FROM v_day));
       v_credit := coalition_bonus(m.id, v_points, NULL, NULL, p_principal, format('birthday %s', extract(year FROM v_day)), NULL);
       INSERT INTO birthday_bonuses (member_id, year, entry_id) VALUES (m.id, extract(year FROM v_day), (v_credit->>'entryId')::bigint);
       v_count := v_count + 1;
     END LOOP;
     RETURN v_count;
   END $$`,
];

export const COALITION_FUNCTION_SIGNATURES = [
  'coalition_birthday_bonuses(timestamptz, text)',
  'coalition_submit_survey(text, text, bytea, bigint, text, jsonb, text)',
  'coalition_goodwill(text, text, bytea, text, bigint, bigint, text, text)',
  'coalition_miles_in(text, text, bytea, bigint, text, bigint, text, text)',
  'coalition_miles_resolve(text, text, bytea, bigint, bigint, text, text, text)',
  'coalition_miles_out(text, text, bytea, text, bigint, bigint, text, text)',
  'coalition_miles_ratio(bigint, text, bigint)',
  'coalition_miles_converted(miles_ratios, bigint)',
  'coalition_redeem_gift_card(text, text, bytea, bytea, bigint, bigint, text, text)',
  'coalition_use_voucher(text, bigint, text)',
  'coalition_redeem_reward(text, text, bytea, bigint, text, bigint, bytea, text)',
  'coalition_record_return(text, text, bytea, bigint, text, bigint, text, text)',
  'coalition_record_purchases(text, bigint, jsonb, text)',
  'coalition_record_purchase(text, text, bytea, bigint, text, bigint, text, integer, text, text)',
  'coalition_bonus(bigint, bigint, bigint, bigint, text, text, text)',
  'coalition_unstamp_purchase(bigint, bigint, bigint)',
  'coalition_stamp_purchase(bigint, bigint, bigint, bigint, text)',
  'coalition_issue_voucher(bigint, bigint, bigint)',
  'coalition_review_tiers(timestamptz)',
  'coalition_upgrade_tier(bigint)',
  'coalition_tier_for(bigint)',
  'coalition_qualifying_points(bigint, timestamptz)',
  'coalition_expiry(timestamptz)',
  'coalition_member_by_card(text)',
  'coalition_set_category_exclusive(text, boolean)',
  'coalition_add_competitors(bigint, bigint)',
  'coalition_set_partner_category(bigint, text)',
  'coalition_deactivate_competing_rewards()',
  'partners_compete(bigint, bigint)',
  'coalition_partner_category_rules()',
];
