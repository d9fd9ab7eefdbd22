import type { DataSource } from 'typeorm';
import { REASON_TEXT, requireText } from '../common/user-error';
import { queryRows } from '../database/data-source';
import { withRetry } from '../ledger/ledger-call';
import type { MemberEntity } from '../member/member.entity';
import { unknownMember } from '../member/member.errors';
import { MemberService, normalizeCardNumber } from '../member/member.service';

/** A section of the export: the member's rows of one table, oldest first, each as to_jsonb less `omit`. */
interface Section {
  name: string;
  from: string;
  /** Columns never exported: codes and hashes that are bearer value or secrets. */
  omit?: string[];
  order?: string;
}

const SECTIONS: Section[] = [
  { name: 'consentHistory', from: 'member_consent_history x WHERE x.member_id = m.id' },
  { name: 'lots', from: 'point_lots x WHERE x.member_id = m.id' },
  { name: 'holds', from: 'point_holds x WHERE x.member_id = m.id' },
  { name: 'ledgerEntries', from: 'ledger_entries x WHERE x.member_id = m.id' },
  { name: 'purchases', from: 'purchases x WHERE x.member_id = m.id' },
  {
    name: 'returns',
    from: 'purchase_returns x JOIN purchases p ON p.id = x.purchase_id WHERE p.member_id = m.id',
  },
  { name: 'redemptions', from: 'redemptions x WHERE x.member_id = m.id' },
  { name: 'vouchers', from: 'vouchers x WHERE x.member_id = m.id', omit: ['code'] },
  { name: 'giftCards', from: 'gift_cards x WHERE x.member_id = m.id', omit: ['code_hash'] },
  {
    name: 'giftCardUses',
    from: 'gift_card_uses x JOIN gift_cards g ON g.id = x.gift_card_id WHERE g.member_id = m.id',
  },
  { name: 'milesTransfers', from: 'miles_transfers x WHERE x.member_id = m.id' },
  { name: 'surveyResponses', from: 'survey_responses x WHERE x.member_id = m.id', order: 'x.created_at' },
  { name: 'stampProgress', from: 'stamp_progress x WHERE x.member_id = m.id', order: 'x.card_id' },
  { name: 'birthdayBonuses', from: 'birthday_bonuses x WHERE x.member_id = m.id', order: 'x.year' },
  { name: 'referralBonuses', from: 'referral_bonuses x WHERE x.referee_id = m.id OR x.referrer_id = m.id', order: 'x.created_at' },
];

const sectionSql = (s: Section) =>
  `'${s.name}', (SELECT coalesce(jsonb_agg(to_jsonb(x)${(s.omit ?? []).map((c) => ` - '${c}'`).join('')} ORDER BY ${s.order ?? 'x.id'}), '[]') FROM ${s.from})`;

/**
 * Everything held about one member, as of one snapshot (a single statement): the member row with
 * its profile and erasure state, then each table's rows in their stored form (snake_case columns,
 * ids as in the database). Gift-card hashes and voucher codes are left out: they are bearer value.
 */
const EXPORT_SQL = `
  SELECT jsonb_build_object('exportedAt', clock_timestamp(), 'member', to_jsonb(m) - 'erasure_reason', 'erasureReason', m.erasure_reason,
                            ${SECTIONS.map(sectionSql).join(',\n                            ')}) AS data
    FROM members m WHERE m.card_number = $1`;

export class PrivacyService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly members: MemberService,
  ) {}

  /** The member's data as JSON, or null when the card is not enrolled. */
  async exportMemberData(cardNumber: string): Promise<Record<string, unknown> | null> {
    const rows = await queryRows<{ data: Record<string, unknown> }>(this.dataSource, EXPORT_SQL, [normalizeCardNumber(cardNumber)]);
    return rows[0]?.data ?? null;
  }

  /**
   * Erases the member's personal data in one SQL call (coalition_erase_member, migration
   * 1795914000000): profile, birth date, consent and its history, survey answers, frequent-flyer
   * numbers. Points, lots, entries and settlement are untouched. Erasing again changes nothing.
   */
  async erase(cardNumber: string, reason: string): Promise<{ member: MemberEntity; alreadyErased: boolean }> {
    const card = normalizeCardNumber(cardNumber);
    const why = requireText(reason, ['input', 'reason'], REASON_TEXT);
    const [{ result }] = await withRetry(() =>
      queryRows<{ result: { alreadyErased: boolean } }>(this.dataSource, 'SELECT coalition_erase_member($1, $2) AS result', [card, why]),
    );
    const member = await this.members.findByCard(card);
    if (!member) throw unknownMember(card, ['input', 'cardNumber']);
    return { member, alreadyErased: result.alreadyErased };
  }
}
