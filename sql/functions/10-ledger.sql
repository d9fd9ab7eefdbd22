CREATE OR REPLACE FUNCTION ledger_append_only()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        RAISE EXCEPTION 'ledger: % on % is not allowed; post a compensating entry instead', TG_OP, TG_TABLE_NAME
          USING ERRCODE = 'integrity_constraint_violation';
      END $function$;

CREATE OR REPLACE FUNCTION ledger_postings_balance()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      DECLARE bad record;
      BEGIN
        SELECT p.entry_id, a.asset, sum(p.amount) AS total INTO bad
          FROM new_postings p JOIN ledger_accounts a ON a.id = p.account_id
         GROUP BY p.entry_id, a.asset HAVING sum(p.amount) <> 0 LIMIT 1;
        IF FOUND THEN
          RAISE EXCEPTION 'ledger: entry % does not balance in % (postings sum to %)', bad.entry_id, bad.asset, bad.total
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NULL;
      END $function$;

CREATE OR REPLACE FUNCTION members_no_overspend()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        IF NEW.points_balance < 0 AND NEW.points_balance < OLD.points_balance
           AND coalesce(current_setting('coalition.ledger_allow_debt', true), '') <> 'on' THEN
          RAISE EXCEPTION 'ledger: member % balance would fall to % by spending', NEW.id, NEW.points_balance
            USING ERRCODE = 'check_violation';
        END IF;
        RETURN NEW;
      END $function$;

CREATE OR REPLACE FUNCTION members_balance_matches()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      DECLARE held bigint; m members;
      BEGIN
        -- Deferred to commit, when NEW may be an intermediate version: check the row as committed.
        -- lots_remaining is its lots' sum, kept by point_lots' triggers (members_add_lots).
        SELECT * INTO m FROM members WHERE id = NEW.id;
        IF m.lots_remaining <> greatest(m.points_balance, 0) THEN
          RAISE EXCEPTION 'ledger: member % balance % does not match its lots (% points left)', m.id, m.points_balance, m.lots_remaining
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        SELECT coalesce(sum(points), 0) INTO held FROM point_holds WHERE member_id = m.id AND status = 'PENDING';
        IF held <> m.points_held THEN
          RAISE EXCEPTION 'ledger: member % holds % points but its pending holds total %', m.id, m.points_held, held
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NULL;
      END $function$;

-- members.lots_remaining is the sum of the member's lots' remaining points, so the commit-time
-- balance check costs the same however many lots a member holds. Only point_lots' statement
-- triggers change it, through this (members_lots_remaining_kept refuses any other writer).
CREATE OR REPLACE FUNCTION members_add_lots(p_members bigint[], p_points bigint[])
 RETURNS void
 LANGUAGE sql
AS $function$
      UPDATE members m SET lots_remaining = m.lots_remaining + d.points
        FROM (SELECT member_id, sum(points) AS points FROM unnest(p_members, p_points) x (member_id, points)
               GROUP BY member_id HAVING sum(points) <> 0) d
       WHERE m.id = d.member_id
$function$;

CREATE OR REPLACE FUNCTION point_lots_inserted()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        PERFORM members_add_lots(array_agg(member_id), array_agg(remaining)) FROM new_lots;
        RETURN NULL;
      END $function$;

CREATE OR REPLACE FUNCTION point_lots_updated()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        PERFORM members_add_lots(array_agg(member_id), array_agg(points))
           FROM (SELECT member_id, remaining AS points FROM new_lots UNION ALL SELECT member_id, -remaining FROM old_lots) c;
        RETURN NULL;
      END $function$;

CREATE OR REPLACE FUNCTION members_lots_remaining_kept()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        -- Depth 1 is a statement on members itself; point_lots' triggers write it from depth 2.
        IF pg_trigger_depth() < 2 THEN
          RAISE EXCEPTION 'ledger: members.lots_remaining is kept by point_lots; change the lots instead'
            USING ERRCODE = 'integrity_constraint_violation';
        END IF;
        RETURN NEW;
      END $function$;

CREATE OR REPLACE FUNCTION ledger_refuse(p_code text, p_message text)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
   BEGIN
     RAISE EXCEPTION '%', p_code USING ERRCODE = 'CL001', DETAIL = p_message;
   END $function$;

CREATE OR REPLACE FUNCTION partner_contract_at(p_partner bigint, p_at timestamp with time zone)
 RETURNS partner_contracts
 LANGUAGE plpgsql
 STABLE
AS $function$
   DECLARE c partner_contracts;
   BEGIN
     SELECT * INTO c FROM partner_contracts WHERE partner_id = p_partner AND effective_from <= p_at ORDER BY effective_from DESC LIMIT 1;
     RETURN c;
   END $function$;

-- Records the money effect of an entry (or, with no entry, an operator adjustment) for a partner,
-- in its settlement currency. Returns the item, NULL for an unknown partner.
CREATE OR REPLACE FUNCTION ledger_money(p_entry bigint, p_partner bigint, p_kind text, p_quantity bigint, p_unit numeric, p_reference text)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
   DECLARE v_item bigint;
   BEGIN
     INSERT INTO settlement_items (entry_id, partner_id, currency, kind, quantity, unit_amount, reference)
     SELECT p_entry, id, currency, p_kind, p_quantity, p_unit, p_reference FROM partners WHERE id = p_partner
     RETURNING id INTO v_item;
     RETURN v_item;
   END $function$;

-- The account of (owner, asset, role), opened on first use.
CREATE OR REPLACE FUNCTION ledger_account(p_owner_kind text, p_owner_id bigint, p_asset text, p_role text)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
   DECLARE v_id bigint;
   BEGIN
     SELECT id INTO v_id FROM ledger_accounts
      WHERE owner_kind = p_owner_kind AND coalesce(owner_id, 0) = coalesce(p_owner_id, 0) AND asset = p_asset AND role = p_role;
     IF v_id IS NULL THEN
       INSERT INTO ledger_accounts (owner_kind, owner_id, asset, role) VALUES (p_owner_kind, p_owner_id, p_asset, p_role)
       ON CONFLICT DO NOTHING RETURNING id INTO v_id;
       IF v_id IS NULL THEN
         SELECT id INTO v_id FROM ledger_accounts
          WHERE owner_kind = p_owner_kind AND coalesce(owner_id, 0) = coalesce(p_owner_id, 0) AND asset = p_asset AND role = p_role;
       END IF;
     END IF;
     RETURN v_id;
   END $function$;

-- Every operation on a member takes its row lock first, so operations on one member serialize
-- and operations on different members never wait for each other. Returns the balance.
CREATE OR REPLACE FUNCTION ledger_lock_member(p_member bigint)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
   DECLARE v_balance bigint;
   BEGIN
     SELECT points_balance INTO v_balance FROM members WHERE id = p_member FOR NO KEY UPDATE;
     IF NOT FOUND THEN PERFORM ledger_refuse('UNKNOWN_MEMBER', 'No such member'); END IF;
     RETURN v_balance;
   END $function$;

-- Claims an idempotency key for this transaction. NULL: go ahead. Otherwise the first result.
-- A transaction-scoped advisory lock on the key makes a concurrent repeat wait for the first
-- attempt to commit (then it replays) or roll back (then it proceeds); the key and its result
-- are stored by ledger_remember in the same transaction as the effect.
CREATE OR REPLACE FUNCTION ledger_claim(p_scope text, p_key text, p_fingerprint bytea)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
   DECLARE v_fingerprint bytea; v_result jsonb;
   BEGIN
     IF p_key IS NULL THEN RETURN NULL; END IF;
     PERFORM pg_advisory_xact_lock(hashtextextended(p_scope || E'\n' || p_key, 0));
     SELECT fingerprint, result INTO v_fingerprint, v_result FROM idempotency_keys
      WHERE scope = p_scope AND key = p_key AND created_at > now() - idempotency_retention();
     IF NOT FOUND THEN RETURN NULL; END IF;
     IF v_fingerprint <> p_fingerprint THEN
       PERFORM ledger_refuse('IDEMPOTENCY_KEY_REUSED', format('Idempotency key "%s" was already used for a different request', p_key));
     END IF;
     RETURN v_result || '{"replayed": true}';
   END $function$;

CREATE OR REPLACE FUNCTION ledger_remember(p_scope text, p_key text, p_fingerprint bytea, p_result jsonb)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
   BEGIN
     IF p_key IS NOT NULL THEN
       INSERT INTO idempotency_keys (scope, key, fingerprint, result) VALUES (p_scope, p_key, p_fingerprint, p_result);
     END IF;
     RETURN p_result || '{"replayed": false}';
   END $function$;

-- Draws points from a member's lots: p_first_lot first when given, then oldest expiry first,
-- ties by age. Records every draw. Returns what the lots could not cover.
CREATE OR REPLACE FUNCTION ledger_draw(p_member bigint, p_entry bigint, p_points bigint, p_first_lot bigint, p_kind text)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
   DECLARE v_left bigint := p_points; v_take bigint; lot record;
   BEGIN
     FOR lot IN
       SELECT id, remaining FROM point_lots WHERE member_id = p_member AND remaining > 0
        ORDER BY id = p_first_lot DESC NULLS LAST, expires_at, id
     LOOP
       EXIT WHEN v_left = 0;
       v_take := least(v_left, lot.remaining);
       UPDATE point_lots SET remaining = remaining - v_take WHERE id = lot.id;
       INSERT INTO lot_consumptions (lot_id, entry_id, kind, points) VALUES (lot.id, p_entry, p_kind, v_take);
       v_left := v_left - v_take;
     END LOOP;
     RETURN v_left;
   END $function$;

-- Points arriving at a member in debt pay the debt first, out of the lots that hold them.
CREATE OR REPLACE FUNCTION ledger_repay_debt(p_member bigint, p_entry bigint, p_balance_before bigint, p_incoming bigint)
 RETURNS void
 LANGUAGE plpgsql
AS $function$
   BEGIN
     IF p_balance_before < 0 THEN
       PERFORM ledger_draw(p_member, p_entry, least(p_incoming, -p_balance_before), NULL, 'DEBT');
     END IF;
   END $function$;

-- Takes spendable points off a member (already locked) for a debit or a hold; never below zero.
-- Returns the new balance.
CREATE OR REPLACE FUNCTION ledger_spend(p_member bigint, p_points bigint)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
   DECLARE v_after bigint;
   BEGIN
     IF p_points <= 0 THEN PERFORM ledger_refuse('INVALID_POINTS', 'points must be greater than zero'); END IF;
     UPDATE members SET points_balance = points_balance - p_points WHERE id = p_member AND points_balance >= p_points
     RETURNING points_balance INTO v_after;
     IF NOT FOUND THEN
       PERFORM ledger_refuse('INSUFFICIENT_POINTS', format('%s points needed, %s available', p_points,
         (SELECT greatest(points_balance, 0) FROM members WHERE id = p_member)));
     END IF;
     RETURN v_after;
   END $function$;

-- The posting bodies below assume the caller holds the member's row lock (ledger_lock_member)
-- and has claimed its idempotency key; flows that post several entries in one transaction
-- (a purchase with its bonuses) call them directly.

-- Credits, set-based: each line moves points from a source account into a member's AVAILABLE
-- account as one entry and one lot (its funding partner, its expiry); a partner source is billed
-- for them (ISSUANCE for points it issues, PROMOTION for bonuses it funds) at the issuance price of
-- the line's contract, else the one in force. One statement per table for any number of lines: the
-- single credit (ledger_post_credit) and the purchase batch post the same way. Answers each line's
-- entry, lot and its member's balance after the call. A member in debt repays it first, drawn
-- after the lines are written: give such a member one line per call (the batch leaves members in
-- debt to the single purchase). Ids are drawn before the rows are written, and tables are joined
-- only by primary key, so one cached plan suits one line as well as a thousand: the generic plan
-- is forced, as PostgreSQL would otherwise plan every single credit again (its estimate for one
-- line beats the generic plan's ten), which cost a single purchase 0.7 ms.
CREATE OR REPLACE FUNCTION ledger_post_credits(p_lines ledger_credit_line[])
 RETURNS TABLE(line integer, entry_id bigint, lot_id bigint, balance bigint)
 LANGUAGE plpgsql
 SET plan_cache_mode TO 'force_generic_plan'
AS $function$
   #variable_conflict use_column
   DECLARE v_lines integer[]; v_members bigint[]; v_points bigint[]; v_entries bigint[]; v_lots bigint[]; v_balances bigint[];
           d record;
   BEGIN
     IF EXISTS (SELECT 1 FROM unnest(p_lines) l WHERE l.points IS NULL OR l.points <= 0) THEN
       PERFORM ledger_refuse('INVALID_POINTS', 'points must be greater than zero');
     END IF;
     -- Accounts open on first use, in a fixed order (no deadlock between calls opening the same ones).
     INSERT INTO ledger_accounts (owner_kind, owner_id, asset, role)
     SELECT DISTINCT a.owner_kind, a.owner_id, 'POINTS', a.role
       FROM unnest(p_lines) l
      CROSS JOIN LATERAL (VALUES ('MEMBER', l.member_id, 'AVAILABLE'), (l.source_kind, l.source_id, l.source_role)) a (owner_kind, owner_id, role)
      WHERE NOT EXISTS (SELECT 1 FROM ledger_accounts x WHERE x.owner_kind = a.owner_kind AND coalesce(x.owner_id, 0) = coalesce(a.owner_id, 0)
                          AND x.asset = 'POINTS' AND x.role = a.role)
      ORDER BY 1, 2, 4
     ON CONFLICT DO NOTHING;
     UPDATE members m SET points_balance = m.points_balance + s.points
       FROM (SELECT l.member_id, sum(l.points) AS points FROM unnest(p_lines) l GROUP BY l.member_id) s
      WHERE m.id = s.member_id;

     WITH l AS MATERIALIZED (
       SELECT x.ordinality::integer AS line, x.member_id, x.points, x.kind, x.source_kind, x.source_id, x.source_role, x.funding_partner_id,
              x.expires_at, x.partner_id, x.contract_id, x.principal, x.reason, x.reference,
              coalition_next_id() AS entry_id, nextval(pg_get_serial_sequence('point_lots', 'id')) AS lot_id
         FROM unnest(p_lines) WITH ORDINALITY x
     ), entries AS (
       INSERT INTO ledger_entries (id, operation, kind, member_id, member_points, partner_id, contract_id, principal, reason, reference)
       SELECT entry_id, 'CREDIT', kind, member_id, points, partner_id, contract_id, principal, reason, reference FROM l
     ), postings AS (
       INSERT INTO ledger_postings (entry_id, account_id, amount)
       SELECT l.entry_id, a.id, CASE WHEN s.to_member THEN l.points ELSE -l.points END
         FROM l CROSS JOIN LATERAL (VALUES (true, 'MEMBER', l.member_id, 'AVAILABLE'), (false, l.source_kind, l.source_id, l.source_role))
                                   s (to_member, owner_kind, owner_id, role)
         JOIN ledger_accounts a ON a.owner_kind = s.owner_kind AND coalesce(a.owner_id, 0) = coalesce(s.owner_id, 0) AND a.asset = 'POINTS'
                               AND a.role = s.role
     ), lots AS (
       INSERT INTO point_lots (id, member_id, entry_id, funding_partner_id, earned, remaining, expires_at)
       OVERRIDING SYSTEM VALUE
       SELECT lot_id, member_id, entry_id, funding_partner_id, points, points, expires_at FROM l
     ), money AS (
       INSERT INTO settlement_items (entry_id, partner_id, currency, kind, quantity, unit_amount, reference)
       SELECT l.entry_id, pa.id, pa.currency, CASE l.source_role WHEN 'ISSUED' THEN 'ISSUANCE' ELSE 'PROMOTION' END, l.points,
              -(SELECT c.issuance_price_per_point FROM partner_contracts c
                 WHERE c.id = coalesce(l.contract_id, (partner_contract_at(l.source_id, now())).id)), l.reference
         FROM l JOIN partners pa ON pa.id = l.source_id
        WHERE l.source_kind = 'PARTNER'
     )
     SELECT array_agg(l.line ORDER BY l.line), array_agg(l.member_id ORDER BY l.line), array_agg(l.points ORDER BY l.line),
            array_agg(l.entry_id ORDER BY l.line), array_agg(l.lot_id ORDER BY l.line), array_agg(m.points_balance ORDER BY l.line)
       INTO v_lines, v_members, v_points, v_entries, v_lots, v_balances
       FROM l JOIN members m ON m.id = l.member_id;

     -- A line's balance before it: the member's balance after the call less its lines from this one on.
     FOR d IN SELECT * FROM (
                SELECT x.member_id, x.entry_id, x.points,
                       (x.balance - sum(x.points) OVER (PARTITION BY x.member_id ORDER BY x.line DESC))::bigint AS before
                  FROM unnest(v_lines, v_members, v_points, v_entries, v_balances) x (line, member_id, points, entry_id, balance)
                 ORDER BY x.line) y
               WHERE y.before < 0 LOOP
       PERFORM ledger_repay_debt(d.member_id, d.entry_id, d.before, d.points);
     END LOOP;
     RETURN QUERY SELECT * FROM unnest(v_lines, v_entries, v_lots, v_balances);
   END $function$;

-- One credit (ledger_post_credits with one line), answered as JSON.
CREATE OR REPLACE FUNCTION ledger_post_credit(p_member bigint, p_points bigint, p_kind text, p_source_kind text, p_source_id bigint, p_source_role text, p_funding_partner bigint, p_expires_at timestamp with time zone, p_partner bigint, p_contract bigint, p_principal text, p_reason text, p_reference text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
   DECLARE r record;
   BEGIN
     SELECT * INTO r FROM ledger_post_credits(ARRAY[ROW(p_member, p_points, p_kind, p_source_kind, p_source_id, p_source_role, p_funding_partner,
       p_expires_at, p_partner, p_contract, p_principal, p_reason, p_reference)::ledger_credit_line]);
     RETURN jsonb_build_object('entryId', r.entry_id::text, 'lotId', r.lot_id::text, 'points', p_points, 'balance', r.balance);
   END $function$;

CREATE OR REPLACE FUNCTION ledger_post_debit(p_member bigint, p_points bigint, p_kind text, p_dest_kind text, p_dest_id bigint, p_dest_role text, p_partner bigint, p_contract bigint, p_principal text, p_reason text, p_reference text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
   DECLARE v_entry bigint; v_after bigint;
   BEGIN
     v_after := ledger_spend(p_member, p_points);
     INSERT INTO ledger_entries (operation, kind, member_id, member_points, partner_id, contract_id, principal, reason, reference)
     VALUES ('DEBIT', p_kind, p_member, -p_points, p_partner, p_contract, p_principal, p_reason, p_reference)
     RETURNING id INTO v_entry;
     INSERT INTO ledger_postings (entry_id, account_id, amount) VALUES
       (v_entry, ledger_account('MEMBER', p_member, 'POINTS', 'AVAILABLE'), -p_points),
       (v_entry, ledger_account(p_dest_kind, p_dest_id, 'POINTS', p_dest_role), p_points);
     PERFORM ledger_draw(p_member, v_entry, p_points, NULL, 'DRAW');
     RETURN jsonb_build_object('entryId', v_entry::text, 'points', p_points, 'balance', v_after);
   END $function$;

CREATE OR REPLACE FUNCTION ledger_credit(p_scope text, p_key text, p_fingerprint bytea, p_member bigint, p_points bigint, p_kind text, p_source_kind text, p_source_id bigint, p_source_role text, p_funding_partner bigint, p_expires_at timestamp with time zone, p_partner bigint, p_contract bigint, p_principal text, p_reason text, p_reference text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
   DECLARE v_replay jsonb;
   BEGIN
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     PERFORM ledger_lock_member(p_member);
     RETURN ledger_remember(p_scope, p_key, p_fingerprint, ledger_post_credit(p_member, p_points, p_kind, p_source_kind, p_source_id, p_source_role,
       p_funding_partner, p_expires_at, p_partner, p_contract, p_principal, p_reason, p_reference));
   END $function$;

CREATE OR REPLACE FUNCTION ledger_debit(p_scope text, p_key text, p_fingerprint bytea, p_member bigint, p_points bigint, p_kind text, p_dest_kind text, p_dest_id bigint, p_dest_role text, p_partner bigint, p_contract bigint, p_principal text, p_reason text, p_reference text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
   DECLARE v_replay jsonb;
   BEGIN
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     PERFORM ledger_lock_member(p_member);
     RETURN ledger_remember(p_scope, p_key, p_fingerprint, ledger_post_debit(p_member, p_points, p_kind, p_dest_kind, p_dest_id, p_dest_role,
       p_partner, p_contract, p_principal, p_reason, p_reference));
   END $function$;

-- A pending debit: the points leave the spendable balance (drawn from lots, so a hold keeps
-- its funding trace) and wait in the member's HELD account for capture or release.
CREATE OR REPLACE FUNCTION ledger_hold(p_scope text, p_key text, p_fingerprint bytea, p_member bigint, p_points bigint, p_kind text, p_partner bigint, p_expires_at timestamp with time zone, p_principal text, p_reason text, p_reference text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
   DECLARE v_replay jsonb; v_entry bigint; v_hold bigint; v_after bigint;
   BEGIN
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     PERFORM ledger_lock_member(p_member);
     v_after := ledger_spend(p_member, p_points);
     INSERT INTO ledger_entries (operation, kind, member_id, member_points, partner_id, principal, reason, reference)
     VALUES ('HOLD', p_kind, p_member, -p_points, p_partner, p_principal, p_reason, p_reference)
     RETURNING id INTO v_entry;
     INSERT INTO ledger_postings (entry_id, account_id, amount) VALUES
       (v_entry, ledger_account('MEMBER', p_member, 'POINTS', 'AVAILABLE'), -p_points),
       (v_entry, ledger_account('MEMBER', p_member, 'POINTS', 'HELD'), p_points);
     PERFORM ledger_draw(p_member, v_entry, p_points, NULL, 'DRAW');
     INSERT INTO point_holds (member_id, partner_id, points, hold_entry_id, expires_at)
     VALUES (p_member, p_partner, p_points, v_entry, p_expires_at) RETURNING id INTO v_hold;
     UPDATE members SET points_held = points_held + p_points WHERE id = p_member;
     RETURN ledger_remember(p_scope, p_key, p_fingerprint,
       jsonb_build_object('entryId', v_entry::text, 'holdId', v_hold::text, 'points', p_points, 'balance', v_after));
   END $function$;

-- CAPTURE moves held points to the destination; VOID and EXPIRE return them to the lots they
-- came from. p_only_partner, when set, must be the hold's partner (an airline confirms its own).
CREATE OR REPLACE FUNCTION ledger_resolve_hold(p_scope text, p_key text, p_fingerprint bytea, p_hold bigint, p_action text, p_dest_kind text, p_dest_id bigint, p_dest_role text, p_principal text, p_reason text, p_reference text, p_only_partner bigint)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
   DECLARE v_replay jsonb; v_member bigint; v_before bigint; h point_holds; v_entry bigint; v_after bigint;
   BEGIN
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     SELECT member_id INTO v_member FROM point_holds WHERE id = p_hold AND (p_only_partner IS NULL OR partner_id = p_only_partner);
     IF NOT FOUND THEN PERFORM ledger_refuse('UNKNOWN_HOLD', 'No such hold'); END IF;
     v_before := ledger_lock_member(v_member);
     SELECT * INTO h FROM point_holds WHERE id = p_hold FOR UPDATE;
     IF h.status <> 'PENDING' THEN
       PERFORM ledger_refuse('HOLD_NOT_PENDING', format('The hold is already %s', lower(h.status)));
     END IF;
     IF p_action = 'CAPTURE' AND h.expires_at <= now() THEN
       PERFORM ledger_refuse('HOLD_EXPIRED', 'The hold expired before it was captured; its points went back to the member');
     END IF;
     INSERT INTO ledger_entries (operation, kind, member_id, member_points, partner_id, principal, reason, reference)
     SELECT CASE p_action WHEN 'CAPTURE' THEN 'CAPTURE' ELSE 'RELEASE' END, e.kind, h.member_id,
            CASE p_action WHEN 'CAPTURE' THEN 0 ELSE h.points END, h.partner_id, p_principal, p_reason, p_reference
       FROM ledger_entries e WHERE e.id = h.hold_entry_id
     RETURNING id INTO v_entry;
     IF p_action = 'CAPTURE' THEN
       INSERT INTO ledger_postings (entry_id, account_id, amount) VALUES
         (v_entry, ledger_account('MEMBER', h.member_id, 'POINTS', 'HELD'), -h.points),
         (v_entry, ledger_account(p_dest_kind, p_dest_id, 'POINTS', p_dest_role), h.points);
     ELSE
       INSERT INTO ledger_postings (entry_id, account_id, amount) VALUES
         (v_entry, ledger_account('MEMBER', h.member_id, 'POINTS', 'HELD'), -h.points),
         (v_entry, ledger_account('MEMBER', h.member_id, 'POINTS', 'AVAILABLE'), h.points);
       INSERT INTO lot_consumptions (lot_id, entry_id, kind, points)
       SELECT lot_id, v_entry, 'RESTORE', -points FROM lot_consumptions WHERE entry_id = h.hold_entry_id AND kind = 'DRAW';
       UPDATE point_lots l SET remaining = l.remaining + c.points
         FROM lot_consumptions c WHERE c.entry_id = h.hold_entry_id AND c.kind = 'DRAW' AND l.id = c.lot_id;
       PERFORM ledger_repay_debt(h.member_id, v_entry, v_before, h.points);
     END IF;
     UPDATE point_holds SET status = CASE p_action WHEN 'CAPTURE' THEN 'CAPTURED' WHEN 'VOID' THEN 'VOIDED' ELSE 'EXPIRED' END,
                            resolution_entry_id = v_entry, resolved_at = clock_timestamp()
      WHERE id = p_hold;
     UPDATE members SET points_held = points_held - h.points,
                        points_balance = points_balance + CASE p_action WHEN 'CAPTURE' THEN 0 ELSE h.points END
      WHERE id = h.member_id RETURNING points_balance INTO v_after;
     RETURN ledger_remember(p_scope, p_key, p_fingerprint, jsonb_build_object('entryId', v_entry::text, 'holdId', p_hold::text,
       'points', h.points, 'balance', v_after, 'status', CASE p_action WHEN 'CAPTURE' THEN 'CAPTURED' WHEN 'VOID' THEN 'VOIDED' ELSE 'EXPIRED' END));
   END $function$;

-- A compensating entry for part or all of a CREDIT or DEBIT, never beyond what is left of it.
-- Reversing a credit takes the points from the lot it created first, then the oldest lots; what
-- the member has already spent becomes debt. Reversing a debit puts points back in the lots it drew.
CREATE OR REPLACE FUNCTION ledger_post_reversal(p_entry bigint, p_points bigint, p_kind text, p_principal text, p_reason text, p_reference text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
   DECLARE o ledger_entries; v_before bigint; v_reversed bigint; v_entry bigint; v_after bigint;
           v_left bigint; v_lot bigint; v_take bigint; c record; v_sign bigint;
   BEGIN
     SELECT * INTO o FROM ledger_entries WHERE id = p_entry;
     IF p_points <= 0 THEN PERFORM ledger_refuse('INVALID_POINTS', 'points must be greater than zero'); END IF;
     SELECT points_balance INTO v_before FROM members WHERE id = o.member_id;
     SELECT coalesce(sum(abs(member_points)), 0) INTO v_reversed FROM ledger_entries WHERE reverses_entry_id = p_entry;
     IF p_points > abs(o.member_points) - v_reversed THEN
       PERFORM ledger_refuse('REVERSAL_EXCEEDS_ORIGINAL',
         format('%s points asked, %s of the original %s are left to reverse', p_points, abs(o.member_points) - v_reversed, abs(o.member_points)));
     END IF;
     v_sign := CASE o.operation WHEN 'CREDIT' THEN -1 ELSE 1 END;
     INSERT INTO ledger_entries (operation, kind, member_id, member_points, partner_id, contract_id, reverses_entry_id, principal, reason, reference)
     VALUES ('REVERSAL', p_kind, o.member_id, v_sign * p_points, o.partner_id, o.contract_id, p_entry, p_principal, p_reason, p_reference)
     RETURNING id INTO v_entry;
     INSERT INTO ledger_postings (entry_id, account_id, amount)
     SELECT v_entry, account_id, CASE WHEN amount > 0 THEN -p_points ELSE p_points END FROM ledger_postings WHERE entry_id = p_entry;
     -- The money effect reverses at the original unit amounts, in the period the reversal is posted.
     INSERT INTO settlement_items (entry_id, partner_id, currency, kind, quantity, unit_amount, reference)
     SELECT v_entry, partner_id, currency, kind, -p_points, unit_amount, p_reference FROM settlement_items WHERE entry_id = p_entry;
     IF o.operation = 'CREDIT' THEN
       SELECT id INTO v_lot FROM point_lots WHERE entry_id = p_entry;
       v_left := ledger_draw(o.member_id, v_entry, p_points, v_lot, 'DRAW');
       IF v_left > 0 THEN PERFORM set_config('coalition.ledger_allow_debt', 'on', true); END IF;
     ELSE
       v_left := p_points;
       FOR c IN
         SELECT lot_id, sum(points) AS outstanding FROM lot_consumptions
          WHERE (entry_id = p_entry AND kind = 'DRAW')
             OR (kind = 'RESTORE' AND entry_id IN (SELECT id FROM ledger_entries WHERE reverses_entry_id = p_entry))
          GROUP BY lot_id HAVING sum(points) > 0 ORDER BY max(id) DESC
       LOOP
         EXIT WHEN v_left = 0;
         v_take := least(v_left, c.outstanding);
         UPDATE point_lots SET remaining = remaining + v_take WHERE id = c.lot_id;
         INSERT INTO lot_consumptions (lot_id, entry_id, kind, points) VALUES (c.lot_id, v_entry, 'RESTORE', -v_take);
         v_left := v_left - v_take;
       END LOOP;
       PERFORM ledger_repay_debt(o.member_id, v_entry, v_before, p_points);
     END IF;
     UPDATE members SET points_balance = points_balance + v_sign * p_points WHERE id = o.member_id RETURNING points_balance INTO v_after;
     PERFORM set_config('coalition.ledger_allow_debt', '', true);
     RETURN jsonb_build_object('entryId', v_entry::text, 'points', p_points, 'balance', v_after, 'debt', greatest(-v_after, 0));
   END $function$;

-- A compensating entry for part or all of a CREDIT or DEBIT, never beyond what is left of it.
-- Reversing a credit takes the points from the lot it created first, then the oldest lots; what
-- the member has already spent becomes debt. Reversing a debit puts points back in the lots it drew.
CREATE OR REPLACE FUNCTION ledger_reverse(p_scope text, p_key text, p_fingerprint bytea, p_entry bigint, p_points bigint, p_kind text, p_principal text, p_reason text, p_reference text, p_only_partner bigint)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
   DECLARE v_replay jsonb; v_member bigint;
   BEGIN
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     SELECT member_id INTO v_member FROM ledger_entries WHERE id = p_entry AND operation IN ('CREDIT', 'DEBIT')
        AND (p_only_partner IS NULL OR partner_id = p_only_partner);
     IF NOT FOUND THEN PERFORM ledger_refuse('UNKNOWN_ENTRY', 'No such credit or debit to reverse'); END IF;
     PERFORM ledger_lock_member(v_member);
     RETURN ledger_remember(p_scope, p_key, p_fingerprint, ledger_post_reversal(p_entry, p_points, p_kind, p_principal, p_reason, p_reference));
   END $function$;

-- Expires every lot past its expiry as of p_as_of, set-based: one EXPIRY entry per member,
-- crediting each funding partner's BREAKAGE account (the operator's for operator-funded lots).
-- Idempotent by construction: an expired lot has nothing left to expire.
CREATE OR REPLACE FUNCTION ledger_expire_lots(p_as_of timestamp with time zone, p_principal text)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
   DECLARE v_total bigint;
   BEGIN
     -- The shapes of the temporary tables below, for plpgsql_check (a constant at run time).
     PERFORM 'PRAGMA:TABLE: expiring (lot_id bigint, member_id bigint, funding_partner_id bigint, remaining bigint)';
     PERFORM 'PRAGMA:TABLE: expiry_entries (member_id bigint, points numeric, entry_id bigint)';
     PERFORM 1 FROM members WHERE id IN (SELECT member_id FROM point_lots WHERE remaining > 0 AND expires_at <= p_as_of)
       ORDER BY id FOR NO KEY UPDATE;
     CREATE TEMP TABLE expiring ON COMMIT DROP AS
       SELECT id AS lot_id, member_id, funding_partner_id, remaining FROM point_lots WHERE remaining > 0 AND expires_at <= p_as_of;
     CREATE TEMP TABLE expiry_entries ON COMMIT DROP AS
       WITH per_member AS (SELECT member_id, sum(remaining) AS points FROM expiring GROUP BY member_id)
       SELECT member_id, points, coalition_next_id() AS entry_id FROM per_member;
     INSERT INTO ledger_entries (id, operation, kind, member_id, member_points, principal, reason)
     SELECT entry_id, 'EXPIRY', 'EXPIRE', member_id, -points, p_principal, 'expired as of ' || p_as_of FROM expiry_entries;
     INSERT INTO ledger_postings (entry_id, account_id, amount)
     SELECT e.entry_id, ledger_account('MEMBER', e.member_id, 'POINTS', 'AVAILABLE'), -e.points FROM expiry_entries e
     UNION ALL
     SELECT e.entry_id,
            CASE WHEN x.funding_partner_id IS NULL THEN ledger_account('OPERATOR', NULL, 'POINTS', 'BREAKAGE')
                 ELSE ledger_account('PARTNER', x.funding_partner_id, 'POINTS', 'BREAKAGE') END,
            sum(x.remaining)
       FROM expiring x JOIN expiry_entries e USING (member_id) GROUP BY e.entry_id, x.funding_partner_id;
     INSERT INTO lot_consumptions (lot_id, entry_id, kind, points)
     SELECT x.lot_id, e.entry_id, 'DRAW', x.remaining FROM expiring x JOIN expiry_entries e USING (member_id);
     -- Breakage: the funding partner receives its contract's share of what it paid for the points.
     INSERT INTO settlement_items (entry_id, partner_id, currency, kind, quantity, unit_amount)
     SELECT e.entry_id, x.funding_partner_id, p.currency, 'BREAKAGE', sum(x.remaining), c.breakage_share * c.issuance_price_per_point
       FROM expiring x JOIN expiry_entries e USING (member_id) JOIN point_lots l ON l.id = x.lot_id
       JOIN partners p ON p.id = x.funding_partner_id
       CROSS JOIN LATERAL partner_contract_at(x.funding_partner_id, l.created_at) c
      WHERE c.breakage_share > 0
      GROUP BY e.entry_id, x.funding_partner_id, p.currency, c.breakage_share * c.issuance_price_per_point;
     UPDATE point_lots l SET remaining = 0 FROM expiring x WHERE l.id = x.lot_id;
     UPDATE members m SET points_balance = m.points_balance - e.points FROM expiry_entries e WHERE m.id = e.member_id;
     SELECT coalesce(sum(points), 0) INTO v_total FROM expiry_entries;
     DROP TABLE expiring, expiry_entries;
     RETURN v_total;
   END $function$;

CREATE OR REPLACE FUNCTION ledger_expire_holds(p_as_of timestamp with time zone, p_principal text)
 RETURNS bigint
 LANGUAGE plpgsql
AS $function$
   DECLARE h record; v_count bigint := 0;
   BEGIN
     FOR h IN SELECT id FROM point_holds WHERE status = 'PENDING' AND expires_at <= p_as_of ORDER BY member_id, id LOOP
       PERFORM ledger_resolve_hold(NULL, NULL, NULL, h.id, 'EXPIRE', NULL, NULL, NULL, p_principal, 'hold expired', NULL, NULL);
       v_count := v_count + 1;
     END LOOP;
     RETURN v_count;
   END $function$;

-- The hash of a range of entries, chained to p_prev: what sealing writes and verification recomputes.
CREATE OR REPLACE FUNCTION ledger_block_hash(p_prev bytea, p_first bigint, p_last bigint)
 RETURNS bytea
 LANGUAGE sql
 STABLE
AS $function$
        SELECT sha256(p_prev || convert_to(coalesce(string_agg(line, E'\n' ORDER BY id), ''), 'UTF8'))
          FROM (SELECT e.id, concat_ws('|', e.id, e.operation, e.kind, e.member_id, e.member_points, e.partner_id, e.contract_id,
                         e.reverses_entry_id, e.principal, e.reason, e.reference, extract(epoch FROM e.created_at),
                         (SELECT string_agg(p.account_id || ':' || p.amount, ',' ORDER BY p.account_id) FROM ledger_postings p WHERE p.entry_id = e.id)) AS line
                  FROM ledger_entries e WHERE e.id BETWEEN p_first AND p_last) x
      $function$;

-- Seals the entries older than p_lag not sealed yet as one block. The lag keeps in-flight
-- ledger transactions (single function calls, milliseconds) out of the block being sealed.
CREATE OR REPLACE FUNCTION ledger_seal(p_lag interval)
 RETURNS integer
 LANGUAGE plpgsql
AS $function$
      DECLARE v_last ledger_seals; v_first bigint; v_upto bigint; v_count integer;
      BEGIN
        PERFORM pg_advisory_xact_lock(hashtext('ledger_seal'));
        SELECT * INTO v_last FROM ledger_seals ORDER BY block DESC LIMIT 1;
        v_first := coalesce(v_last.last_entry_id, 0) + 1;
        SELECT max(id), count(*) INTO v_upto, v_count FROM ledger_entries WHERE id >= v_first AND created_at < now() - p_lag;
        IF v_upto IS NULL THEN RETURN 0; END IF;
        INSERT INTO ledger_seals (block, first_entry_id, last_entry_id, entries, prev_hash, hash)
        VALUES (coalesce(v_last.block, 0) + 1, v_first, v_upto, v_count, coalesce(v_last.hash, '\x'::bytea),
                ledger_block_hash(coalesce(v_last.hash, '\x'::bytea), v_first, v_upto));
        RETURN v_count;
      END $function$;

CREATE OR REPLACE TRIGGER ledger_entries_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON ledger_entries FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

CREATE OR REPLACE TRIGGER ledger_postings_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON ledger_postings FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

CREATE OR REPLACE TRIGGER lot_consumptions_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON lot_consumptions FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

CREATE OR REPLACE TRIGGER settlement_items_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON settlement_items FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

CREATE OR REPLACE TRIGGER ledger_postings_balance AFTER INSERT ON ledger_postings REFERENCING NEW TABLE AS new_postings FOR EACH STATEMENT EXECUTE FUNCTION ledger_postings_balance();

CREATE OR REPLACE TRIGGER members_no_overspend BEFORE UPDATE OF points_balance ON members FOR EACH ROW EXECUTE FUNCTION members_no_overspend();

CREATE OR REPLACE TRIGGER point_lots_inserted AFTER INSERT ON point_lots REFERENCING NEW TABLE AS new_lots FOR EACH STATEMENT EXECUTE FUNCTION point_lots_inserted();

CREATE OR REPLACE TRIGGER point_lots_updated AFTER UPDATE ON point_lots REFERENCING OLD TABLE AS old_lots NEW TABLE AS new_lots FOR EACH STATEMENT EXECUTE FUNCTION point_lots_updated();

-- Lots are drawn down, never deleted: a deletion would leave members.lots_remaining behind.
CREATE OR REPLACE TRIGGER point_lots_no_delete BEFORE DELETE OR TRUNCATE ON point_lots FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

CREATE OR REPLACE TRIGGER members_lots_remaining_kept BEFORE UPDATE OF lots_remaining ON members FOR EACH ROW EXECUTE FUNCTION members_lots_remaining_kept();

CREATE OR REPLACE TRIGGER members_lots_remaining_start BEFORE INSERT ON members FOR EACH ROW WHEN (NEW.lots_remaining <> 0)
  EXECUTE FUNCTION members_lots_remaining_kept();

-- A constraint trigger cannot be replaced in place (CREATE OR REPLACE refuses constraint triggers).
DROP TRIGGER IF EXISTS members_balance_matches ON members;
CREATE CONSTRAINT TRIGGER members_balance_matches AFTER UPDATE OF points_balance, points_held ON members DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION members_balance_matches();

CREATE OR REPLACE TRIGGER settlement_periods_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON settlement_periods FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

CREATE OR REPLACE TRIGGER settlement_lines_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON settlement_lines FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

CREATE OR REPLACE TRIGGER settlement_statements_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON settlement_statements FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

CREATE OR REPLACE TRIGGER settlement_fx_rates_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON settlement_fx_rates FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

CREATE OR REPLACE TRIGGER payment_instructions_no_delete BEFORE DELETE OR TRUNCATE ON payment_instructions FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

CREATE OR REPLACE TRIGGER ledger_seals_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON ledger_seals FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

CREATE OR REPLACE TRIGGER partner_events_append_only BEFORE DELETE OR UPDATE OR TRUNCATE ON partner_events FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only();

-- ---------------------------------------------------------------------------------------------
-- The journal's partitions (migration 1795919000000-journal-partitions). ledger_entries and
-- settlement_items are partitioned by month on id, ledger_postings on entry_id, idempotency_keys
-- on created_at. Ids are time-ordered so that a month is an exact id range and foreign keys to
-- (id) keep working.

-- Seconds since 2020-01-01 UTC above 20 bits of sequence: < 2^53 until 2292, so ids stay exact as
-- JS numbers. (extract(epoch) of a timestamptz does not depend on the time zone, hence IMMUTABLE.)
CREATE OR REPLACE FUNCTION coalition_id_floor(p_at timestamptz) RETURNS bigint LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $function$
  SELECT (floor(extract(epoch FROM p_at))::bigint - 1577836800) << 20
$function$;

-- Its inverse: the second an id was handed out in.
CREATE OR REPLACE FUNCTION coalition_id_time(p_id bigint) RETURNS timestamptz LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $function$
  SELECT to_timestamp(1577836800 + (p_id >> 20))
$function$;

-- A partition's upper bound as text ('2027-01-01 00:00:00+00' or an id); null for MAXVALUE.
CREATE OR REPLACE FUNCTION journal_partition_upper(p_partition oid) RETURNS text LANGUAGE sql STABLE AS $function$
  SELECT substring(pg_get_expr(relpartbound, oid) FROM 'TO \(''?([^'')]+)''?\)') FROM pg_class WHERE oid = p_partition
$function$;

-- Strictly increasing and never below the current second's floor: the sequence runs ahead of the
-- clock only past 2^20 ids in a second. When it lags (the usual case), it is moved up to the clock,
-- one session at a time, so that no value is handed out twice.
CREATE OR REPLACE FUNCTION coalition_next_id() RETURNS bigint LANGUAGE plpgsql VOLATILE AS $function$
  DECLARE v_id bigint := nextval('journal_id_seq'); v_floor bigint := coalition_id_floor(clock_timestamp());
  BEGIN
    IF v_id >= v_floor THEN RETURN v_id; END IF;
    PERFORM pg_advisory_lock(hashtext('journal_id_seq'));
    v_id := nextval('journal_id_seq');
    IF v_id < v_floor THEN
      PERFORM setval('journal_id_seq', v_floor);
      v_id := nextval('journal_id_seq');
    END IF;
    PERFORM pg_advisory_unlock(hashtext('journal_id_seq'));
    RETURN v_id;
  END $function$;

ALTER TABLE ledger_entries ALTER id SET DEFAULT coalition_next_id();
ALTER TABLE settlement_items ALTER id SET DEFAULT coalition_next_id();

-- Keys answer replays for at least this long; a key older than it is treated as new. A constant,
-- so that the planner prunes the key lookups' partitions.
CREATE OR REPLACE FUNCTION idempotency_retention() RETURNS interval LANGUAGE sql IMMUTABLE AS $function$ SELECT interval '30 days' $function$;

-- How many months of partitions are kept made ahead of the current one.
CREATE OR REPLACE FUNCTION journal_months_ahead() RETURNS integer LANGUAGE sql IMMUTABLE AS $function$ SELECT 3 $function$;

-- The append-only guard on one partition: a statement trigger on the parent does not see
-- statements addressed to a partition directly.
CREATE OR REPLACE FUNCTION journal_guard(p_partition regclass) RETURNS void LANGUAGE plpgsql AS $function$
  BEGIN
    EXECUTE format('CREATE OR REPLACE TRIGGER %I BEFORE UPDATE OR DELETE OR TRUNCATE ON %s FOR EACH STATEMENT EXECUTE FUNCTION ledger_append_only()',
                   p_partition::text || '_append_only', p_partition);
  END $function$;

-- Creates one partition of p_parent (skipped when it exists or an older partition covers it),
-- guarded like its parent when the parent is append-only.
CREATE OR REPLACE FUNCTION journal_partition(p_parent regclass, p_name text, p_from text, p_to text) RETURNS boolean LANGUAGE plpgsql AS $function$
  BEGIN
    IF to_regclass(p_name) IS NOT NULL THEN RETURN false; END IF;
    BEGIN
      EXECUTE format('CREATE TABLE %I PARTITION OF %s FOR VALUES FROM (%L) TO (%L)', p_name, p_parent, p_from, p_to);
    EXCEPTION WHEN invalid_object_definition THEN
      RETURN false;  -- overlaps the "before" partition
    END;
    IF p_parent <> 'idempotency_keys'::regclass THEN PERFORM journal_guard(p_name::regclass); END IF;
    RETURN true;
  END $function$;

-- Makes the monthly partitions from this month to journal_months_ahead() months after p_now's,
-- drops idempotency-key partitions wholly older than the retention, and says how far ahead every
-- table is covered. A p_now in the future (a job run for a later date) never drops what covers today.
CREATE OR REPLACE FUNCTION journal_partitions_maintain(p_now timestamptz) RETURNS jsonb LANGUAGE plpgsql AS $function$
  DECLARE v_from timestamptz := date_trunc('month', least(p_now, now()) AT TIME ZONE 'UTC') AT TIME ZONE 'UTC';
          v_until timestamptz := (date_trunc('month', p_now AT TIME ZONE 'UTC') AT TIME ZONE 'UTC') + make_interval(months => journal_months_ahead() + 1);
          v_to timestamptz; v_suffix text; v_table text; p record;
          v_created text[] := '{}'::text[]; v_dropped text[] := '{}'::text[];
  BEGIN
    PERFORM pg_advisory_xact_lock(hashtext('journal_partitions_maintain'));
    WHILE v_from < v_until LOOP
      v_to := v_from + interval '1 month';
      v_suffix := '_p' || to_char(v_from AT TIME ZONE 'UTC', 'YYYYMM');
      FOREACH v_table IN ARRAY ARRAY['ledger_entries', 'ledger_postings', 'settlement_items'] LOOP
        IF journal_partition(v_table::regclass, v_table || v_suffix, coalition_id_floor(v_from)::text, coalition_id_floor(v_to)::text) THEN
          v_created := v_created || (v_table || v_suffix);
        END IF;
      END LOOP;
      IF journal_partition('idempotency_keys', 'idempotency_keys' || v_suffix, v_from::text, v_to::text) THEN
        v_created := v_created || ('idempotency_keys' || v_suffix);
      END IF;
      v_from := v_to;
    END LOOP;
    FOR p IN
      SELECT i.inhrelid::regclass::text AS name, journal_partition_upper(i.inhrelid)::timestamptz AS upper_bound
        FROM pg_inherits i WHERE i.inhparent = 'idempotency_keys'::regclass
    LOOP
      IF p.upper_bound <= least(p_now, now()) - idempotency_retention() THEN
        EXECUTE format('DROP TABLE %I', p.name);
        v_dropped := v_dropped || p.name;
      END IF;
    END LOOP;
    RETURN jsonb_build_object('created', to_jsonb(v_created), 'dropped', to_jsonb(v_dropped), 'coveredUntil', journal_covered_until());
  END $function$;

-- The instant up to which every journal table has a partition to take a new row: the earliest of
-- the tables' newest upper bounds (ids turned back into their second). Past it, writes fail.
CREATE OR REPLACE FUNCTION journal_covered_until() RETURNS timestamptz LANGUAGE sql STABLE AS $function$
  SELECT min(upper_bound) FROM (
    SELECT max(CASE WHEN i.inhparent = 'idempotency_keys'::regclass THEN journal_partition_upper(i.inhrelid)::timestamptz
                    ELSE coalition_id_time(journal_partition_upper(i.inhrelid)::bigint) END) AS upper_bound
      FROM pg_inherits i
     WHERE i.inhparent IN ('ledger_entries'::regclass, 'ledger_postings'::regclass, 'settlement_items'::regclass, 'idempotency_keys'::regclass)
     GROUP BY i.inhparent
  ) newest
$function$;

-- Every partition of the append-only tables guarded (the "before" ones come from the migration),
-- and the months ahead made: this file runs after every migration, the daily job again.
SELECT journal_guard(i.inhrelid::regclass) FROM pg_inherits i
 WHERE i.inhparent IN ('ledger_entries'::regclass, 'ledger_postings'::regclass, 'settlement_items'::regclass);
SELECT journal_partitions_maintain(now());
