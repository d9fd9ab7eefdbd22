import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Retention analytics and segment-targeted promotions (issue 13).
 *
 * coalition_rfm scores members on recency, frequency and monetary value (quintiles, set-based) and
 * names their segment; the retention report reads it live, and refreshSegments copies the
 * coalition-wide answer into member_segments, so a purchase looks its member's segment up by
 * primary key instead of scoring anyone. A promotion with a segment applies only to members in it.
 * coalition_rfm and the earn functions' segment condition are in sql/functions.
 */
export const SEGMENTS = ['NEW', 'CHAMPIONS', 'LOYAL', 'PROMISING', 'AT_RISK', 'HIBERNATING'] as const;
const SEGMENT_CHECK = `CHECK (segment IN (${SEGMENTS.map((s) => `'${s}'`).join(', ')}))`;

export class RetentionSegments1795915000000 implements MigrationInterface {
  name = 'RetentionSegments1795915000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE member_segments (
        member_id    bigint      PRIMARY KEY REFERENCES members (id),
        segment      text        NOT NULL ${SEGMENT_CHECK},
        refreshed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`ALTER TABLE promotions ADD COLUMN segment text ${SEGMENT_CHECK}`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP FUNCTION coalition_rfm(bigint, timestamptz)`);
    await q.query(`ALTER TABLE promotions DROP COLUMN segment`);
    await q.query(`DROP TABLE member_segments`);
  }
}
