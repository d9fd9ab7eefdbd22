import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Service cases (issue #13): a member's complaint, opened by a partner (its own case) or the
 * operator (naming a partner or none), resolved once with a resolution and optional goodwill at
 * the resolver's cost, and rated 1–5 by the member afterwards. The goodwill posting body moves out
 * of coalition_goodwill into coalition_post_goodwill so grants and resolutions share it (sql/functions).
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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query('DROP FUNCTION coalition_resolve_service_case(text, text, bytea, bigint, bigint, text, bigint, text)');
    await q.query('DROP FUNCTION coalition_post_goodwill(bigint, bigint, bigint, text, text)');
    await q.query('DROP TABLE service_cases');
  }
}
