import { MigrationInterface, QueryRunner } from 'typeorm';
import { COALITION_FUNCTIONS } from './sql/coalition-functions';

/**
 * Service cases (issue #13): a member's complaint, opened by a partner (its own case) or the
 * operator (naming a partner or none), resolved once with a resolution and optional goodwill at
 * the resolver's cost, and rated 1–5 by the member afterwards. The goodwill posting body moves out
 * of coalition_goodwill into coalition_post_goodwill so grants and resolutions share it.
 */
export class ServiceCases1795912000000 implements MigrationInterface {
  name = 'ServiceCases1795912000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE service_cases (
        id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        partner_id        bigint      REFERENCES partners (id),
        member_id         bigint      NOT NULL REFERENCES members (id),
        purchase_id       bigint      REFERENCES purchases (id),
        category          text        NOT NULL CHECK (category IN ('BILLING', 'PRODUCT', 'SERVICE', 'POINTS', 'OTHER')),
        subject           text        NOT NULL CHECK (length(subject) BETWEEN 1 AND 200),
        opened_by         text        NOT NULL,
        opened_at         timestamptz NOT NULL DEFAULT clock_timestamp(),
        follow_up_due_at  timestamptz NOT NULL,
        resolved_at       timestamptz,
        resolved_by       text,
        resolution        text        CHECK (length(resolution) BETWEEN 1 AND 2000),
        goodwill_points   bigint      CHECK (goodwill_points > 0),
        goodwill_entry_id bigint      REFERENCES ledger_entries (id),
        satisfaction      smallint    CHECK (satisfaction BETWEEN 1 AND 5),
        rated_at          timestamptz,
        CONSTRAINT service_cases_resolved CHECK ((resolved_at IS NULL) = (resolution IS NULL) AND (resolved_at IS NULL) = (resolved_by IS NULL)),
        CONSTRAINT service_cases_goodwill CHECK ((goodwill_points IS NULL) = (goodwill_entry_id IS NULL)
                                                 AND (goodwill_points IS NULL OR resolved_at IS NOT NULL)),
        CONSTRAINT service_cases_rated CHECK ((satisfaction IS NULL) = (rated_at IS NULL) AND (satisfaction IS NULL OR resolved_at IS NOT NULL))
      )`);
    // Newest first per partner, per member and across partners; the unresolved ones by due date.
    await q.query('CREATE INDEX service_cases_partner_idx ON service_cases (partner_id, id)');
    await q.query('CREATE INDEX service_cases_member_idx ON service_cases (member_id, id)');
    await q.query('CREATE INDEX service_cases_unresolved_idx ON service_cases (follow_up_due_at) WHERE resolved_at IS NULL');
    await q.query(POST_GOODWILL);
    await q.query(GOODWILL);
    await q.query(RESOLVE_SERVICE_CASE);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION coalition_resolve_service_case(text, text, bytea, bigint, bigint, text, bigint, text)');
    await q.query('DROP FUNCTION coalition_goodwill(text, text, bytea, text, bigint, bigint, text, text)');
    await q.query(COALITION_FUNCTIONS.find((f) => f.includes('CREATE FUNCTION coalition_goodwill('))!);
    await q.query('DROP FUNCTION coalition_post_goodwill(bigint, bigint, bigint, text, text)');
    await q.query('DROP TABLE service_cases');
  }
}

// Goodwill points to a member (already locked) at the funder's cost (a partner's PROMOTION line,
// or the operator when p_funder is NULL), with the reason shown to the member.
const POST_GOODWILL = `
  CREATE FUNCTION coalition_post_goodwill(p_member bigint, p_points bigint, p_funder bigint, p_reason text, p_principal text)
  RETURNS jsonb LANGUAGE plpgsql AS $$
  BEGIN
    RETURN ledger_post_credit(p_member, p_points, 'ADJUSTMENT', CASE WHEN p_funder IS NULL THEN 'OPERATOR' ELSE 'PARTNER' END,
      p_funder, 'GOODWILL', p_funder, coalition_expiry(now()), p_funder, NULL, p_principal, p_reason, NULL);
  END $$`;

const GOODWILL = `
  CREATE OR REPLACE FUNCTION coalition_goodwill(
    p_scope text, p_key text, p_fingerprint bytea, p_card text, p_points bigint, p_funder bigint, p_reason text, p_principal text)
  RETURNS jsonb LANGUAGE plpgsql AS $$
  DECLARE v_replay jsonb; v_member bigint;
  BEGIN
    v_replay := ledger_claim(p_scope, p_key, p_fingerprint);
    IF v_replay IS NOT NULL THEN RETURN v_replay; END IF;
    IF coalesce(btrim(p_reason), '') = '' THEN PERFORM ledger_refuse('REASON_REQUIRED', 'A goodwill grant needs a reason'); END IF;
    v_member := coalition_member_by_card(p_card);
    PERFORM ledger_lock_member(v_member);
    RETURN ledger_remember(p_scope, p_key, p_fingerprint,
      coalition_post_goodwill(v_member, p_points, p_funder, p_reason, p_principal) || jsonb_build_object('memberId', v_member::text));
  END $$`;

// Resolves a case once, with the goodwill (if any) posted in the same transaction at the
// resolver's cost: p_partner is the resolving partner (only its own cases) or NULL for the
// operator (any case). The member row is locked before the case row, the ledger's lock order.
const RESOLVE_SERVICE_CASE = `
  CREATE FUNCTION coalition_resolve_service_case(
    p_scope text, p_key text, p_fingerprint bytea, p_case bigint, p_partner bigint, p_resolution text, p_points bigint, p_principal text)
  RETURNS jsonb LANGUAGE plpgsql AS $$
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
  END $$`;
