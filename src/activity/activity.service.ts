import type { DataSource } from 'typeorm';
import { principalRef, Principal } from '../auth/principal';
import { idSortKey, localIdOf, PageWindow, sqlKeyset } from '../common/relay';
import {
  BusinessError,
  CommonErrorCode,
  NAME_TEXT,
  REFERENCE_TEXT,
  requireIdempotencyKey,
  requireText,
  Validation,
} from '../common/user-error';
import { queryRows } from '../database/data-source';
import { callLedgerFunction } from '../ledger/ledger-call';
import { normalizeCardNumber } from '../member/member.service';
import { unknownPartner } from '../partner/partner.errors';
import type { ActivityRuleRow, CreateActivityRuleInput, RecordActivityInput, SetActivityRuleActiveInput } from './activity.types';

const CODE = /^[A-Z][A-Z0-9_]{1,39}$/;
const MAX_CAP = 1000;

/** The rules a caller may see and report: the operator all, a partner its own and the operator's. */
const VISIBLE = `($1::bigint IS NULL OR owner_partner_id IS NULL OR owner_partner_id = $1)`;

const unknownRule = () => new BusinessError('UNKNOWN_ACTIVITY', 'No such activity rule this caller may change', ['input', 'ruleId']);

const partnerOf = (principal: Principal): string | null => (principal.kind === 'PARTNER' ? principal.partnerId : null);

/** Points for customer actions reported by partners or the operator, capped per member and calendar period. */
export class ActivityService {
  constructor(private readonly dataSource: DataSource) {}

  async createRule(principal: Principal, input: CreateActivityRuleInput): Promise<ActivityRuleRow> {
    const name = input.name.trim();
    const startsAt = input.startsAt ?? new Date();
    const capped = input.capCount != null || input.capPeriod != null;
    new Validation()
      .check(CODE.test(input.code), CommonErrorCode.INVALID_INPUT, ['input', 'code'], 'code must match ^[A-Z][A-Z0-9_]{1,39}$')
      .text(name, ['input', 'name'], NAME_TEXT)
      .points(input.points, ['input', 'points'])
      .check(
        !capped || (input.capPeriod != null && input.capCount != null && input.capCount >= 1 && input.capCount <= MAX_CAP),
        CommonErrorCode.INVALID_INPUT,
        ['input', 'capCount'],
        `a cap needs both capCount (1 to ${MAX_CAP}) and capPeriod`,
      )
      .check(!input.endsAt || input.endsAt > startsAt, CommonErrorCode.INVALID_INPUT, ['input', 'endsAt'], 'endsAt must be after startsAt')
      .check(
        principal.kind === 'OPERATOR' || !input.funderPartnerId,
        CommonErrorCode.NOT_ALLOWED,
        ['input', 'funderPartnerId'],
        'A partner funds its own activity rules',
      )
      .throwIfAny();
    const funder =
      principal.kind === 'PARTNER' ? principal.partnerId : input.funderPartnerId ? localIdOf(input.funderPartnerId, 'Partner') : null;
    if (input.funderPartnerId && !funder) throw unknownPartner(['input', 'funderPartnerId']);
    const funderKnown = funder === null || (await queryRows(this.dataSource, 'SELECT 1 FROM partners WHERE id = $1', [funder])).length > 0;
    if (!funderKnown) throw unknownPartner(['input', 'funderPartnerId']);
    const rows = await queryRows<ActivityRuleRow>(
      this.dataSource,
      `INSERT INTO activity_rules (code, name, points, cap_count, cap_period, starts_at, ends_at, funder_partner_id, owner_partner_id)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) ON CONFLICT (code) DO NOTHING RETURNING *`,
      [
        input.code,
        name,
        input.points,
        input.capCount ?? null,
        input.capPeriod ?? null,
        startsAt,
        input.endsAt ?? null,
        funder,
        partnerOf(principal),
      ],
    );
    if (rows.length === 0)
      throw new BusinessError('DUPLICATE_ACTIVITY', `An activity rule with code "${input.code}" exists`, ['input', 'code']);
    return rows[0];
  }

  /** Switches a rule on or off: the operator any rule, a partner its own. */
  async setActive(principal: Principal, input: SetActivityRuleActiveInput): Promise<ActivityRuleRow> {
    const id = localIdOf(input.ruleId, 'ActivityRule');
    const owner = partnerOf(principal);
    const rows = id
      ? await queryRows<ActivityRuleRow>(
          this.dataSource,
          `UPDATE activity_rules SET active = $2 WHERE id = $3 AND ($1::bigint IS NULL OR owner_partner_id = $1) RETURNING *`,
          [owner, input.active, id],
        )
      : [];
    if (rows.length === 0) throw unknownRule();
    return rows[0];
  }

  list(principal: Principal, window: PageWindow): Promise<ActivityRuleRow[]> {
    const page = sqlKeyset(idSortKey('id'), window, 'DESC', 2);
    return queryRows<ActivityRuleRow>(
      this.dataSource,
      `SELECT * FROM activity_rules WHERE ${VISIBLE} AND ${page.where} ${page.orderLimit}`,
      [partnerOf(principal), ...page.params],
    );
  }

  async find(principal: Principal, id: string): Promise<ActivityRuleRow | null> {
    const [row] = await queryRows<ActivityRuleRow>(this.dataSource, `SELECT * FROM activity_rules WHERE ${VISIBLE} AND id = $2`, [
      partnerOf(principal),
      id,
    ]);
    return row ?? null;
  }

  /** Credits a member for an activity: one SQL call that checks the window and the cap under the member lock. */
  async record(principal: Principal, input: RecordActivityInput): Promise<{ entryId: string; memberId: string }> {
    const key = requireIdempotencyKey(input.idempotencyKey);
    const reference = requireText(input.reference, ['input', 'reference'], REFERENCE_TEXT);
    const card = normalizeCardNumber(input.cardNumber);
    const r = await callLedgerFunction(
      this.dataSource,
      'coalition_record_activity',
      { scope: principalRef(principal), key, request: { card, code: input.code, reference } },
      [input.code, card, partnerOf(principal), reference, principalRef(principal)],
    );
    return { entryId: String(r.entryId), memberId: String(r.memberId) };
  }
}
