import type { DataSource } from 'typeorm';
import { principalRef, Principal } from '../auth/principal';
import { localIdOf, idSortKey, PageWindow, sqlKeyset } from '../common/relay';
import { BusinessError, CommonErrorCode, NAME_TEXT, requireIdempotencyKey, TextRule, Validation } from '../common/user-error';
import { queryRows } from '../database/data-source';
import { callLedgerFunction } from '../ledger/ledger-call';
import { unknownMember } from '../member/member.errors';
import { normalizeCardNumber } from '../member/member.service';
import { unknownPartner } from '../partner/partner.errors';
import { ServiceCaseErrorCode, unknownCase } from './service-case.errors';
import type {
  OpenServiceCaseInput,
  RateServiceCaseInput,
  ResolveServiceCaseInput,
  ServiceCaseRow,
  ServiceCaseStats,
  ServiceCaseStatus,
} from './service-case.types';

const RESOLUTION_TEXT: TextRule = { min: 3, max: 2000, multiline: true, lengthCode: ServiceCaseErrorCode.RESOLUTION_REQUIRED };
const DEFAULT_FOLLOW_UP_MS = 2 * 24 * 3600 * 1000;

const STATUS_SQL = `CASE WHEN sc.resolved_at IS NOT NULL THEN 'RESOLVED' WHEN sc.follow_up_due_at < now() THEN 'OVERDUE' ELSE 'OPEN' END`;
const STATUS_FILTER: Record<ServiceCaseStatus, string> = {
  OPEN: 'sc.resolved_at IS NULL AND sc.follow_up_due_at >= now()',
  OVERDUE: 'sc.resolved_at IS NULL AND sc.follow_up_due_at < now()',
  RESOLVED: 'sc.resolved_at IS NOT NULL',
};
const SELECT_CASE = `
  SELECT sc.id, sc.partner_id, sc.member_id, m.card_number, pu.reference AS purchase_reference, sc.category, sc.subject,
         ${STATUS_SQL} AS status, sc.opened_at, sc.follow_up_due_at, sc.resolved_at, sc.resolution, sc.goodwill_points,
         sc.satisfaction, sc.rated_at
    FROM service_cases sc JOIN members m ON m.id = sc.member_id LEFT JOIN purchases pu ON pu.id = sc.purchase_id`;

/** Which cases a list shows: by partner and/or member, and status. */
export interface CaseFilter {
  partnerId?: string | null;
  memberId?: string | null;
  status?: ServiceCaseStatus | null;
}

interface StatsRow {
  partner_id: string | null;
  open: number;
  overdue: number;
  resolved: number;
  median_hours: string | null;
  p90_hours: string | null;
  rated: number;
  average_satisfaction: string | null;
}

/** Service recovery: complaints opened, resolved once (optionally with goodwill) and rated by the member. */
export class ServiceCaseService {
  constructor(private readonly dataSource: DataSource) {}

  /** A partner opens its own case; the operator one about a partner or none. Not value-moving: one INSERT. */
  async open(principal: Principal, input: OpenServiceCaseInput): Promise<ServiceCaseRow> {
    const subject = input.subject.trim();
    const due = input.followUpDueAt ?? new Date(Date.now() + DEFAULT_FOLLOW_UP_MS);
    new Validation()
      .text(subject, ['input', 'subject'], NAME_TEXT)
      .check(due.getTime() > Date.now(), CommonErrorCode.INVALID_INPUT, ['input', 'followUpDueAt'], 'followUpDueAt must be in the future')
      .check(
        principal.kind === 'OPERATOR' || !input.partnerId,
        CommonErrorCode.NOT_ALLOWED,
        ['input', 'partnerId'],
        "A partner's case is always its own",
      )
      .throwIfAny();
    const partnerId = principal.kind === 'PARTNER' ? principal.partnerId : input.partnerId ? localIdOf(input.partnerId, 'Partner') : null;
    if (input.partnerId && !partnerId) throw unknownPartner(['input', 'partnerId']);
    const purchaseId = input.purchaseId ? localIdOf(input.purchaseId, 'Purchase') : null;
    const unknownPurchase = new BusinessError(
      ServiceCaseErrorCode.UNKNOWN_PURCHASE,
      "No such purchase of this member at the case's partner",
      ['input', 'purchaseId'],
    );
    if (input.purchaseId && !purchaseId) throw unknownPurchase;
    const card = normalizeCardNumber(input.cardNumber);
    // One statement: the checks that refuse it (member, partner, purchase) and the insert.
    const [r] = await queryRows<{ member: string | null; partner_ok: boolean; purchase_ok: boolean; id: string | null }>(
      this.dataSource,
      `WITH m AS (SELECT id FROM members WHERE card_number = $1),
            ok AS (SELECT ($2::bigint IS NULL OR EXISTS (SELECT 1 FROM partners WHERE id = $2)) AS partner_ok,
                          ($3::bigint IS NULL OR EXISTS (SELECT 1 FROM purchases p, m
                                                          WHERE p.id = $3 AND p.partner_id = $2 AND p.member_id = m.id)) AS purchase_ok),
            ins AS (INSERT INTO service_cases (partner_id, member_id, purchase_id, category, subject, opened_by, follow_up_due_at)
                    SELECT $2, m.id, $3, $4, $5, $6, $7 FROM m, ok WHERE ok.partner_ok AND ok.purchase_ok RETURNING id)
       SELECT (SELECT id FROM m) AS member, ok.partner_ok, ok.purchase_ok, (SELECT id FROM ins) AS id FROM ok`,
      [card, partnerId, purchaseId, input.category, subject, principalRef(principal), due],
    );
    if (r.member === null) throw unknownMember(card, ['input', 'cardNumber']);
    if (!r.partner_ok) throw unknownPartner(['input', 'partnerId']);
    if (!r.purchase_ok) throw unknownPurchase;
    return (await this.find(r.id!))!;
  }

  /** Resolves a case once, with its goodwill (if any) in the same SQL call, at the resolver's cost. */
  async resolve(
    principal: Principal,
    input: ResolveServiceCaseInput,
  ): Promise<{ caseId: string; entryId: string | null; memberId: string }> {
    const key = requireIdempotencyKey(input.idempotencyKey);
    const resolution = input.resolution.trim();
    const points = input.goodwillPoints ?? null;
    const validation = new Validation().text(resolution, ['input', 'resolution'], RESOLUTION_TEXT);
    if (points !== null) validation.points(points, ['input', 'goodwillPoints']);
    validation.throwIfAny();
    const caseId = localIdOf(input.caseId, 'ServiceCase');
    if (!caseId) throw unknownCase();
    const resolver = principal.kind === 'PARTNER' ? principal.partnerId : null;
    const r = await callLedgerFunction(
      this.dataSource,
      'coalition_resolve_service_case',
      { scope: principalRef(principal), key, request: { caseId, resolution, points } },
      [caseId, resolver, resolution, points, principalRef(principal)],
    );
    return { caseId: String(r.caseId), entryId: r.entryId == null ? null : String(r.entryId), memberId: String(r.memberId) };
  }

  /** The member rates its own resolved case, once. */
  async rate(principal: Extract<Principal, { kind: 'MEMBER' }>, input: RateServiceCaseInput): Promise<ServiceCaseRow> {
    new Validation()
      .check(
        Number.isInteger(input.satisfaction) && input.satisfaction >= 1 && input.satisfaction <= 5,
        CommonErrorCode.INVALID_INPUT,
        ['input', 'satisfaction'],
        'satisfaction must be 1 to 5',
      )
      .throwIfAny();
    const caseId = localIdOf(input.caseId, 'ServiceCase');
    if (!caseId) throw unknownCase();
    // The row lock makes a second rating sent at once see the first one.
    const [r] = await queryRows<{ resolved: boolean; rated: boolean }>(
      this.dataSource,
      `WITH c AS (SELECT sc.id, sc.resolved_at IS NOT NULL AS resolved, sc.satisfaction IS NOT NULL AS rated
                    FROM service_cases sc JOIN members m ON m.id = sc.member_id
                   WHERE sc.id = $1 AND m.card_number = $2 FOR UPDATE OF sc),
            u AS (UPDATE service_cases SET satisfaction = $3, rated_at = clock_timestamp()
                    FROM c WHERE service_cases.id = c.id AND c.resolved AND NOT c.rated RETURNING 1)
       SELECT resolved, rated FROM c`,
      [caseId, principal.cardNumber, input.satisfaction],
    );
    if (!r) throw unknownCase();
    if (!r.resolved)
      throw new BusinessError(ServiceCaseErrorCode.CASE_NOT_RESOLVED, 'A case can be rated once it is resolved', ['input', 'caseId']);
    if (r.rated) throw new BusinessError(ServiceCaseErrorCode.ALREADY_RATED, 'This case has already been rated', ['input', 'caseId']);
    return (await this.find(caseId))!;
  }

  async find(caseId: string): Promise<ServiceCaseRow | null> {
    const [row] = await queryRows<ServiceCaseRow>(this.dataSource, `${SELECT_CASE} WHERE sc.id = $1`, [caseId]);
    return row ?? null;
  }

  /** Newest first, one statement per page. */
  list(filter: CaseFilter, window: PageWindow): Promise<ServiceCaseRow[]> {
    const params: unknown[] = [];
    const conditions = ['true'];
    for (const [value, column] of [
      [filter.partnerId, 'sc.partner_id'],
      [filter.memberId, 'sc.member_id'],
    ] as const) {
      if (value == null) continue;
      params.push(value);
      conditions.push(`${column} = $${params.length}`);
    }
    if (filter.status) conditions.push(STATUS_FILTER[filter.status]);
    const page = sqlKeyset(idSortKey('sc.id'), window, 'DESC', params.length + 1);
    return queryRows<ServiceCaseRow>(
      this.dataSource,
      `${SELECT_CASE} WHERE ${conditions.join(' AND ')} AND ${page.where} ${page.orderLimit}`,
      [...params, ...page.params],
    );
  }

  /** Figures per partner in one set-based statement; `partnerId` limits them to one partner. */
  async stats(partnerId: string | null): Promise<Omit<ServiceCaseStats, 'partner'>[]> {
    const rows = await queryRows<StatsRow>(
      this.dataSource,
      `WITH c AS (SELECT partner_id, resolved_at, follow_up_due_at, satisfaction,
                         extract(epoch FROM resolved_at - opened_at)::float8 / 3600 AS hours
                    FROM service_cases WHERE $1::bigint IS NULL OR partner_id = $1)
       SELECT partner_id,
              count(*) FILTER (WHERE resolved_at IS NULL AND follow_up_due_at >= now())::integer AS open,
              count(*) FILTER (WHERE resolved_at IS NULL AND follow_up_due_at < now())::integer AS overdue,
              count(resolved_at)::integer AS resolved,
              round((percentile_cont(0.5) WITHIN GROUP (ORDER BY hours))::numeric, 1)::text AS median_hours,
              round((percentile_cont(0.9) WITHIN GROUP (ORDER BY hours))::numeric, 1)::text AS p90_hours,
              count(satisfaction)::integer AS rated,
              round(avg(satisfaction), 2)::text AS average_satisfaction
         FROM c GROUP BY partner_id ORDER BY partner_id NULLS FIRST`,
      [partnerId],
    );
    const figures = rows.map((r) => ({
      partnerId: r.partner_id,
      open: r.open,
      overdue: r.overdue,
      resolved: r.resolved,
      medianHoursToResolve: r.median_hours,
      p90HoursToResolve: r.p90_hours,
      rated: r.rated,
      averageSatisfaction: r.average_satisfaction,
    }));
    // A partner without cases still gets its (empty) figures.
    if (partnerId !== null && figures.length === 0) {
      figures.push({
        partnerId,
        open: 0,
        overdue: 0,
        resolved: 0,
        medianHoursToResolve: null,
        p90HoursToResolve: null,
        rated: 0,
        averageSatisfaction: null,
      });
    }
    return figures;
  }
}
