import { MigrationInterface, QueryRunner } from 'typeorm';
import { COALITION_FUNCTIONS } from './sql/coalition-functions';

const MILES_OUT = COALITION_FUNCTIONS.find((f) => f.startsWith('CREATE FUNCTION coalition_miles_out('))!;
const MILES_OUT_HOLD = 'p_principal, NULL, p_ffn);';

/**
 * Privacy (issue #13): a history of marketing-consent changes (what a regulator asks to see), the
 * reason an operator erased a member, and erasure itself as one SQL call.
 *
 * Erasure blanks personal data in place and deletes no row that money or points hang on: the
 * ledger, lots, holds, purchases and settlement keep their rows, so every invariant, the sealed
 * hash chain (which covers no personal column) and the partner-events audit still hold. The card
 * number stays: it is the member's pseudonymous key, already inside sealed entries (referral
 * reasons) and in the partners' own event records, so replacing it would break the seals.
 */
export class MemberPrivacy1795914000000 implements MigrationInterface {
  name = 'MemberPrivacy1795914000000';

  async up(q: QueryRunner): Promise<void> {
    // The miles hold's entry carried the frequent-flyer number as its reference, and sealed entries
    // can never be blanked: from now on the number lives only in miles_transfers, which erasure clears.
    if (!MILES_OUT.includes(MILES_OUT_HOLD)) throw new Error('coalition_miles_out changed: review this migration');
    await q.query(MILES_OUT.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION').replace(MILES_OUT_HOLD, 'p_principal, NULL, NULL);'));
    await q.query(`
      CREATE TABLE member_consent_history (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        member_id   bigint      NOT NULL REFERENCES members (id),
        granted     boolean     NOT NULL,
        source      text        CHECK (length(source) BETWEEN 1 AND 100),
        principal   text        NOT NULL,
        recorded_at timestamptz NOT NULL DEFAULT clock_timestamp(),
        CHECK (NOT granted OR source IS NOT NULL)
      )`);
    await q.query(`CREATE INDEX member_consent_history_member_idx ON member_consent_history (member_id, id)`);
    await q.query(`ALTER TABLE members ADD COLUMN erasure_reason text CHECK (length(erasure_reason) BETWEEN 3 AND 500),
                     ADD CONSTRAINT members_erasure_reasoned CHECK ((erased_at IS NULL) = (erasure_reason IS NULL))`);

    // An erased member's account is closed for spending: no redemption or miles transfer (at a
    // till or anywhere else). Refunds, returns and expiry still post, so settlement stays whole.
    await q.query(`
      CREATE FUNCTION members_erased_no_spend() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF EXISTS (SELECT 1 FROM members WHERE id = NEW.member_id AND erased_at IS NOT NULL) THEN
          PERFORM ledger_refuse('MEMBER_ERASED', 'This member''s data was erased; the card can no longer spend points');
        END IF;
        RETURN NEW;
      END $$`);
    for (const table of ['redemptions', 'miles_transfers']) {
      await q.query(`CREATE TRIGGER ${table}_erased_no_spend BEFORE INSERT ON ${table}
                     FOR EACH ROW EXECUTE FUNCTION members_erased_no_spend()`);
    }

    // One call: the member row locked first (as every ledger function does), then every personal
    // value blanked. Idempotency keys' stored answers embed the member row (to_jsonb(members)), so
    // its personal keys are stripped there too. A second call answers the first erasure unchanged.
    await q.query(`
      CREATE FUNCTION coalition_erase_member(p_card text, p_reason text) RETURNS jsonb LANGUAGE plpgsql AS $$
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
      END $$`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION coalition_erase_member(text, text)`);
    for (const table of ['redemptions', 'miles_transfers']) await q.query(`DROP TRIGGER ${table}_erased_no_spend ON ${table}`);
    await q.query(`DROP FUNCTION members_erased_no_spend()`);
    await q.query(`ALTER TABLE members DROP CONSTRAINT members_erasure_reasoned, DROP COLUMN erasure_reason`);
    await q.query(`DROP TABLE member_consent_history`);
    await q.query(MILES_OUT.replace('CREATE FUNCTION', 'CREATE OR REPLACE FUNCTION'));
  }
}
