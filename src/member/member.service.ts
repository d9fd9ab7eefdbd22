import DataLoader from 'dataloader';
import { DataSource, Repository } from 'typeorm';
import { queryRows } from '../database/data-source';
import { byIdLoader } from '../database/loaders';
import type { Principal } from '../auth/principal';
import { PageWindow, SqlSortKey, sqlKeyset } from '../common/relay';
import { CommonErrorCode, Validation } from '../common/user-error';
import { MemberEntity, memberFromRow } from './member.entity';
import { duplicateCard, unknownMember } from './member.errors';
import type { EnrollMemberInput } from './member.inputs';

export interface MemberLoaders {
  member: DataLoader<string, MemberEntity | null>;
}

/** Card numbers are compared in one canonical form: no spaces, upper case. */
export function normalizeCardNumber(cardNumber: string): string {
  return cardNumber.replace(/\s+/g, '').toUpperCase();
}

const MEMBER_SELECT = `SELECT id, card_number, birth_date::text AS birth_date, referred_by, enrolled_by_partner_id, created_at,
                              points_balance, points_held FROM members`;

/**
 * Members are listed in card-number order under the "C" collation (byte order, the same on every
 * server) through the migration's index on that expression: a prefix is then one index range.
 */
const CARD = 'card_number COLLATE "C"';
/** Above every card number: cards are digits and A–Z, all below "[" in byte order. */
const ABOVE_CARDS = "'['";
const CARD_KEY: SqlSortKey = { columns: [{ column: CARD, type: 'text', lowest: "''", highest: ABOVE_CARDS }], valid: /^[0-9A-Z]{1,32}$/ };

export class MemberService {
  private readonly members: Repository<MemberEntity>;

  constructor(private readonly dataSource: DataSource) {
    this.members = dataSource.getRepository(MemberEntity);
  }

  /** Enrols a card. The unique card number makes a repeated enrolment a DUPLICATE_CARD, never a second member. */
  async enroll(input: EnrollMemberInput, principal: Principal): Promise<MemberEntity> {
    const cardNumber = normalizeCardNumber(input.cardNumber);
    const referredBy = input.referredBy == null ? null : normalizeCardNumber(input.referredBy);
    new Validation()
      .check(
        /^[0-9A-Z]{6,32}$/.test(cardNumber),
        CommonErrorCode.INVALID_INPUT,
        ['input', 'cardNumber'],
        'cardNumber must be 6 to 32 digits or letters',
      )
      .check(
        input.birthDate == null || isPastDate(input.birthDate),
        CommonErrorCode.INVALID_INPUT,
        ['input', 'birthDate'],
        'birthDate must be a real date YYYY-MM-DD between 1900-01-01 and today',
      )
      .throwIfAny();

    const rows: { id: string; referrer_found: boolean }[] = await queryRows(
      this.dataSource,
      `WITH referrer AS (SELECT id FROM members WHERE card_number = $3),
       inserted AS (
         INSERT INTO members (card_number, birth_date, referred_by, enrolled_by_partner_id)
         SELECT $1, $2::date, (SELECT id FROM referrer), $4
         WHERE $3::text IS NULL OR EXISTS (SELECT 1 FROM referrer)
         ON CONFLICT (card_number) DO NOTHING
         RETURNING id
       )
       SELECT (SELECT id FROM inserted) AS id, ($3::text IS NULL OR EXISTS (SELECT 1 FROM referrer)) AS referrer_found`,
      [cardNumber, input.birthDate ?? null, referredBy, principal.kind === 'PARTNER' ? principal.partnerId : null],
    );
    if (!rows[0].referrer_found) throw unknownMember(referredBy!, ['input', 'referredBy']);
    if (rows[0].id === null) throw duplicateCard(cardNumber);
    return this.members.findOneByOrFail({ id: rows[0].id });
  }

  /** The hottest read (every balance check): plain SQL, no ORM hydration. */
  async findByCard(cardNumber: string): Promise<MemberEntity | null> {
    const rows = await queryRows<Record<string, unknown>>(this.dataSource, MEMBER_SELECT + ' WHERE card_number = $1', [
      normalizeCardNumber(cardNumber),
    ]);
    return rows.length > 0 ? memberFromRow(rows[0]) : null;
  }

  /** The operator's lookup: members whose card number starts with `prefix`, in card-number order. */
  async search(prefix: string, window: PageWindow): Promise<MemberEntity[]> {
    const page = sqlKeyset(CARD_KEY, window, 'ASC', 2);
    const rows = await queryRows<Record<string, unknown>>(
      this.dataSource,
      `${MEMBER_SELECT} WHERE ${CARD} >= $1 AND ${CARD} < $1 || ${ABOVE_CARDS} AND ${page.where} ${page.orderLimit}`,
      [normalizeCardNumber(prefix), ...page.params],
    );
    return rows.map(memberFromRow);
  }

  createLoaders(): MemberLoaders {
    return {
      member: byIdLoader(this.members),
    };
  }
}

function isPastDate(value: string): boolean {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const date = new Date(Date.UTC(+match[1], +match[2] - 1, +match[3]));
  const roundTrips = date.toISOString().slice(0, 10) === value;
  return roundTrips && value >= '1900-01-01' && date.getTime() <= Date.now();
}
