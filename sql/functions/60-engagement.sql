-- Goodwill (service recovery) from a partner or the operator, always with a reason.
CREATE OR REPLACE FUNCTION coalition_goodwill(p_scope text, p_key text, p_fingerprint bytea, p_card text, p_points bigint, p_funder bigint, p_reason text, p_principal text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
  DECLARE v_replay jsonb; v_member bigint;
  BEGIN
    v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
    IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
    IF coalesce(btrim(p_reason), '') = '' THEN PERFORM ledger_refuse('REASON_REQUIRED', 'A goodwill grant needs a reason'); END IF;
    v_member := coalition_member_by_card(p_card);
    PERFORM ledger_lock_member(v_member);
    RETURN ledger_remember(p_scope, p_key, p_fingerprint,
      coalition_post_goodwill(v_member, p_points, p_funder, p_reason, p_principal) || jsonb_build_object('memberId', v_member::text));
  END $function$;

CREATE OR REPLACE FUNCTION coalition_submit_survey(p_scope text, p_key text, p_fingerprint bytea, p_survey bigint, p_card text, p_answers jsonb, p_principal text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
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
   END $function$;

-- Birthday bonus, once a year, for members whose birthday is p_as_of's date in the coalition's
-- time zone (29 February birthdays are kept on 28 February in other years).
CREATE OR REPLACE FUNCTION coalition_birthday_bonuses(p_as_of timestamp with time zone, p_principal text)
 RETURNS integer
 LANGUAGE plpgsql
AS $function$
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
   END $function$;

-- Goodwill points to a member (already locked) at the funder's cost (a partner's PROMOTION line,
-- or the operator when p_funder is NULL), with the reason shown to the member.
CREATE OR REPLACE FUNCTION coalition_post_goodwill(p_member bigint, p_points bigint, p_funder bigint, p_reason text, p_principal text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
  BEGIN
    RETURN ledger_post_credit(p_member, p_points, 'ADJUSTMENT', CASE WHEN p_funder IS NULL THEN 'OPERATOR' ELSE 'PARTNER' END,
      p_funder, 'GOODWILL', p_funder, coalition_expiry(now()), p_funder, NULL, p_principal, p_reason, NULL);
  END $function$;

-- Resolves a case once, with the goodwill (if any) posted in the same transaction at the
-- resolver's cost: p_partner is the resolving partner (only its own cases) or NULL for the
-- operator (any case). The member row is locked before the case row, the ledger's lock order.
CREATE OR REPLACE FUNCTION coalition_resolve_service_case(p_scope text, p_key text, p_fingerprint bytea, p_case bigint, p_partner bigint, p_resolution text, p_points bigint, p_principal text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
  DECLARE v_replay jsonb; v_member bigint; c service_cases; v_credit jsonb;
  BEGIN
    v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
    IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
    SELECT member_id INTO v_member FROM service_cases WHERE id = p_case AND (p_partner IS NULL OR partner_id = p_partner);
    IF NOT FOUND THEN PERFORM ledger_refuse('UNKNOWN_CASE', 'No such service case'); END IF;
    PERFORM ledger_lock_member(v_member);
    SELECT * INTO c FROM service_cases WHERE id = p_case FOR UPDATE;
    IF c.resolved_at IS NOT NULL THEN PERFORM ledger_refuse('CASE_ALREADY_RESOLVED', 'This service case is already resolved'); END IF;
    IF p_points IS NOT NULL THEN
      v_credit := coalition_post_goodwill(v_member, p_points, p_partner, p_resolution, p_principal);
    END IF;
    UPDATE service_cases
       SET resolved_at = clock_timestamp(), resolved_by = p_principal, resolution = p_resolution,
           goodwill_points = p_points, goodwill_entry_id = (v_credit->>'entryId')::bigint
     WHERE id = c.id;
    RETURN ledger_remember(p_scope, p_key, p_fingerprint, jsonb_build_object('caseId', c.id::text, 'memberId', v_member::text,
      'entryId', v_credit->>'entryId'));
  END $function$;

-- A partner reports an activity of one of its own rules or of an operator rule (p_reporter NULL:
-- the operator, any rule). The cap is counted after the member lock, so concurrent reports for
-- one member serialize and cannot exceed it. The credit is a BONUS lot funded by the rule's funder
-- (PROMOTION line at its issuance price), shown at the reporting partner.
CREATE OR REPLACE FUNCTION coalition_record_activity(p_scope text, p_key text, p_fingerprint bytea, p_code text, p_card text, p_reporter bigint, p_reference text, p_principal text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
   DECLARE v_replay jsonb; r activity_rules; v_member bigint; v_since timestamptz; v_count bigint; v_credit jsonb;
   BEGIN
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     SELECT * INTO r FROM activity_rules
      WHERE code = p_code AND (p_reporter IS NULL OR owner_partner_id IS NULL OR owner_partner_id = p_reporter);
     IF NOT FOUND THEN PERFORM ledger_refuse('UNKNOWN_ACTIVITY', format('No activity "%s" this caller may report', p_code)); END IF;
     IF NOT r.active OR now() < r.starts_at OR coalesce(now() >= r.ends_at, false) THEN
       PERFORM ledger_refuse('ACTIVITY_NOT_ACTIVE', format('Activity "%s" does not earn points now', p_code));
     END IF;
     v_member := coalition_member_by_card(p_card);
     PERFORM ledger_lock_member(v_member);
     IF r.cap_count IS NOT NULL THEN
       -- The current calendar day, ISO week or month in the coalition's time zone.
       SELECT date_trunc(lower(r.cap_period), now() AT TIME ZONE time_zone) AT TIME ZONE time_zone INTO v_since FROM coalition_settings;
       SELECT count(*) INTO v_count FROM activity_credits WHERE member_id = v_member AND rule_id = r.id AND created_at >= v_since;
       IF v_count >= r.cap_count THEN
         PERFORM ledger_refuse('ACTIVITY_CAP_REACHED',
           format('Activity "%s" earns at most %s times per %s', p_code, r.cap_count, lower(r.cap_period)));
       END IF;
     END IF;
     v_credit := coalition_bonus(v_member, r.points, r.funder_partner_id, coalesce(p_reporter, r.funder_partner_id), p_principal,
       r.name, p_reference);
     INSERT INTO activity_credits (rule_id, member_id, entry_id, reported_by)
     VALUES (r.id, v_member, (v_credit->>'entryId')::bigint, p_reporter);
     RETURN ledger_remember(p_scope, p_key, p_fingerprint, v_credit || jsonb_build_object('memberId', v_member::text));
   END $function$;

-- A member gives points to a charity partner: a REDEEM debit towards the charity, and a DONATION
-- settlement item paying the charity the points' redemption value of its contract in force.
-- At least 100 points: a donation worth less than a coin costs the charity more to book than it brings.
CREATE OR REPLACE FUNCTION coalition_donate(p_scope text, p_key text, p_fingerprint bytea, p_card text, p_charity bigint, p_points bigint, p_principal text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
   DECLARE v_replay jsonb; c partners; k partner_contracts; v_member bigint; v_debit jsonb; v_donation bigint;
   BEGIN
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     SELECT * INTO c FROM partners WHERE id = p_charity AND category = 'charity' AND active;
     IF NOT FOUND THEN PERFORM ledger_refuse('NOT_A_CHARITY', 'No such charity partner'); END IF;
     IF p_points < 100 THEN
       PERFORM ledger_refuse('BELOW_MINIMUM', format('A donation is at least %s points', 100));
     END IF;
     v_member := coalition_member_by_card(p_card);
     PERFORM ledger_lock_member(v_member);
     k := partner_contract_at(c.id, now());
     v_debit := ledger_post_debit(v_member, p_points, 'REDEEM', 'PARTNER', c.id, 'REDEEMED', c.id, k.id, p_principal,
       format('Donation to %s', c.name), NULL);
     PERFORM ledger_money((v_debit->>'entryId')::bigint, c.id, 'DONATION', p_points, k.redemption_value_per_point, 'donation');
     INSERT INTO donations (member_id, charity_id, points, value, currency, entry_id)
     VALUES (v_member, c.id, p_points, p_points * k.redemption_value_per_point, c.currency, (v_debit->>'entryId')::bigint)
     RETURNING id INTO v_donation;
     RETURN ledger_remember(p_scope, p_key, p_fingerprint, jsonb_build_object('donationId', v_donation::text,
       'entryId', v_debit->>'entryId', 'memberId', v_member::text, 'balance', v_debit->'balance'));
   END $function$;
