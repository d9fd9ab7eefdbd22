-- What p_amount (points TO_MILES, miles TO_POINTS) converts to at ratio r, rounded down for the member.
CREATE OR REPLACE FUNCTION coalition_miles_converted(r miles_ratios, p_amount bigint)
 RETURNS bigint
 LANGUAGE sql
 IMMUTABLE
AS $function$
     SELECT floor(p_amount::numeric * CASE r.direction WHEN 'TO_MILES' THEN r.miles ELSE r.points END
                  / CASE r.direction WHEN 'TO_MILES' THEN r.points ELSE r.miles END)::bigint
   $function$;

-- The airline's ratio in force for a transfer of p_amount; refuses a partner without one and an
-- amount below its minimum or too small for one unit.
CREATE OR REPLACE FUNCTION coalition_miles_ratio(p_airline bigint, p_direction text, p_amount bigint)
 RETURNS miles_ratios
 LANGUAGE plpgsql
 STABLE
AS $function$
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
   END $function$;

-- Points to miles, phase one: the points are held until the airline confirms or rejects. The
-- frequent-flyer number lives only in miles_transfers (which erasure clears), never in a sealed entry.
CREATE OR REPLACE FUNCTION coalition_miles_out(p_scope text, p_key text, p_fingerprint bytea, p_card text, p_airline bigint, p_points bigint, p_ffn text, p_principal text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
   DECLARE v_replay jsonb; v_ratio miles_ratios; v_member bigint; v_miles bigint; v_hold jsonb; v_transfer bigint;
   BEGIN
     v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
     IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
     v_ratio := coalition_miles_ratio(p_airline, 'TO_MILES', p_points);
     v_miles := coalition_miles_converted(v_ratio, p_points);
     v_member := coalition_member_by_card(p_card);
     v_hold := ledger_hold(NULL, NULL, NULL, v_member, p_points, 'MILES_TRANSFER', p_airline,
       now() + make_interval(mins => (SELECT miles_hold_minutes FROM coalition_settings)), p_principal, NULL, NULL);
     INSERT INTO miles_transfers (member_id, airline_id, direction, points, miles, ratio_id, hold_id, frequent_flyer_number)
     VALUES (v_member, p_airline, 'TO_MILES', p_points, v_miles, v_ratio.id, (v_hold->>'holdId')::bigint, p_ffn)
     RETURNING id INTO v_transfer;
     RETURN ledger_remember(p_scope, p_key, p_fingerprint, jsonb_build_object('transferId', v_transfer::text, 'entryId', v_hold->>'entryId',
       'points', p_points, 'miles', v_miles, 'memberId', v_member::text, 'balance', v_hold->'balance'));
   END $function$;

-- Phase two, by the airline for its own transfers: CONFIRM captures the held points, REJECT returns them.
CREATE OR REPLACE FUNCTION coalition_miles_resolve(p_scope text, p_key text, p_fingerprint bytea, p_transfer bigint, p_airline bigint, p_action text, p_airline_reference text, p_principal text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
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
   END $function$;

-- Miles to points: the airline converts a member's miles into points it funds.
CREATE OR REPLACE FUNCTION coalition_miles_in(p_scope text, p_key text, p_fingerprint bytea, p_airline bigint, p_card text, p_miles bigint, p_reference text, p_principal text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
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
   END $function$;
