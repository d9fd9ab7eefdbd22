-- An erased member's account is closed for spending: no redemption or miles transfer (at a
-- till or anywhere else). Refunds, returns and expiry still post, so settlement stays whole.
CREATE OR REPLACE FUNCTION members_erased_no_spend()
 RETURNS trigger
 LANGUAGE plpgsql
AS $function$
      BEGIN
        IF EXISTS (SELECT 1 FROM members WHERE id = NEW.member_id AND erased_at IS NOT NULL) THEN
          PERFORM ledger_refuse('MEMBER_ERASED', 'This member''s data was erased; the card can no longer spend points');
        END IF;
        RETURN NEW;
      END $function$;

-- One call: the member row locked first (as every ledger function does), then every personal
-- value blanked. Idempotency keys' stored answers embed the member row (to_jsonb(members)), so
-- its personal keys are stripped there too. A second call answers the first erasure unchanged.
CREATE OR REPLACE FUNCTION coalition_erase_member(p_card text, p_reason text)
 RETURNS jsonb
 LANGUAGE plpgsql
AS $function$
      DECLARE v_member members;
      BEGIN
        SELECT * INTO v_member FROM members WHERE card_number = p_card FOR NO KEY UPDATE;
        IF NOT FOUND THEN PERFORM ledger_refuse('UNKNOWN_MEMBER', format('No member with card number "%s"', p_card)); END IF;
        IF v_member.erased_at IS NOT NULL THEN
          RETURN jsonb_build_object('memberId', v_member.id::text, 'erasedAt', v_member.erased_at, 'alreadyErased', true);
        END IF;
        UPDATE members SET first_name = NULL, last_name = NULL, email = NULL, language = NULL, birth_date = NULL,
                           marketing_consent = false, marketing_consent_at = NULL, marketing_consent_source = NULL,
                           erased_at = clock_timestamp(), erasure_reason = p_reason
         WHERE id = v_member.id RETURNING * INTO v_member;
        DELETE FROM member_consent_history WHERE member_id = v_member.id;
        UPDATE survey_responses SET answers = '[]'::jsonb WHERE member_id = v_member.id;
        UPDATE miles_transfers SET frequent_flyer_number = NULL WHERE member_id = v_member.id AND frequent_flyer_number IS NOT NULL;
        UPDATE idempotency_keys
           SET result = jsonb_set(result, '{member}', (result->'member') - ARRAY['first_name', 'last_name', 'email', 'language',
                                  'birth_date', 'marketing_consent_at', 'marketing_consent_source'])
         WHERE result->'member'->>'id' = v_member.id::text;
        RETURN jsonb_build_object('memberId', v_member.id::text, 'erasedAt', v_member.erased_at, 'alreadyErased', false);
      END $function$;

CREATE OR REPLACE TRIGGER redemptions_erased_no_spend BEFORE INSERT ON redemptions FOR EACH ROW EXECUTE FUNCTION members_erased_no_spend();

CREATE OR REPLACE TRIGGER miles_transfers_erased_no_spend BEFORE INSERT ON miles_transfers FOR EACH ROW EXECUTE FUNCTION members_erased_no_spend();
