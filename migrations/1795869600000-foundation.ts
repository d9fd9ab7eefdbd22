import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Partners with their effective-dated contracts and hashed API keys, and members.
 * Identifiers are bigint identities (compact, ordered); the API exposes them as opaque global IDs.
 */
export class Foundation1795869600000 implements MigrationInterface {
  name = 'Foundation1795869600000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE partners (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
        category    text        NOT NULL CHECK (category ~ '^[a-z0-9][a-z0-9_-]{0,63}$'),
        currency    char(3)     NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
        created_at  timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE UNIQUE INDEX partners_name_key ON partners (lower(name))`);
    await q.query(`CREATE INDEX partners_category_idx ON partners (category)`);

    // A contract version is never edited: terms change by adding a version with a later
    // effective_from, and every posting records the version it used.
    await q.query(`
      CREATE TABLE partner_contracts (
        id                           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        partner_id                   bigint      NOT NULL REFERENCES partners (id),
        version                      integer     NOT NULL CHECK (version >= 1),
        effective_from               timestamptz NOT NULL,
        points_per_unit              numeric     NOT NULL CHECK (points_per_unit > 0),
        issuance_price_per_point     numeric     NOT NULL CHECK (issuance_price_per_point >= 0),
        redemption_value_per_point   numeric     NOT NULL CHECK (redemption_value_per_point >= 0),
        gift_card_reimbursement_rate numeric     NOT NULL DEFAULT 1 CHECK (gift_card_reimbursement_rate BETWEEN 0 AND 1),
        breakage_share               numeric     NOT NULL DEFAULT 0 CHECK (breakage_share BETWEEN 0 AND 1),
        created_at                   timestamptz NOT NULL DEFAULT now(),
        UNIQUE (partner_id, version),
        UNIQUE (partner_id, effective_from)
      )`);

    // Only a SHA-256 of each key is kept: keys are 256-bit random, so a slow hash adds nothing,
    // and an indexed equality lookup keeps authentication one cheap query.
    await q.query(`
      CREATE TABLE partner_api_keys (
        id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        partner_id  bigint      NOT NULL REFERENCES partners (id),
        key_hash    bytea       NOT NULL UNIQUE CHECK (length(key_hash) = 32),
        key_prefix  text        NOT NULL,
        created_at  timestamptz NOT NULL DEFAULT now(),
        revoked_at  timestamptz
      )`);
    await q.query(`CREATE INDEX partner_api_keys_partner_idx ON partner_api_keys (partner_id)`);

    await q.query(`
      CREATE TABLE members (
        id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        card_number            text        NOT NULL UNIQUE CHECK (card_number ~ '^[0-9A-Z]{6,32}$'),
        birth_date             date,
        referred_by            bigint      REFERENCES members (id),
        enrolled_by_partner_id bigint      REFERENCES partners (id),
        created_at             timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE members`);
    await q.query(`DROP TABLE partner_api_keys`);
    await q.query(`DROP TABLE partner_contracts`);
    await q.query(`DROP TABLE partners`);
  }
}
