import type { DataSource } from 'typeorm';
import { principalRef, Principal } from '../auth/principal';
import { compareDecimal, decimalScale } from '../common/decimal';
import { idSortKey, localIdOf, PageWindow, sqlKeyset } from '../common/relay';
import { BusinessError, CommonErrorCode, REFERENCE_TEXT, requireIdempotencyKey, requireText, Validation } from '../common/user-error';
import { queryRows } from '../database/data-source';
import { callLedgerFunction } from '../ledger/ledger-call';
import { normalizeCardNumber } from '../member/member.service';
import { unknownPartner } from '../partner/partner.errors';
import type {
  ConvertMilesToPointsInput,
  ConvertPointsToMilesInput,
  MilesDirection,
  MilesRatioRow,
  MilesTransferRow,
  MilesTransferStatus,
  ResolveMilesTransferInput,
  SetMilesRatioInput,
} from './miles.types';

type PartnerPrincipal = Extract<Principal, { kind: 'PARTNER' }>;

/**
 * A transfer's status comes from its hold (inbound transfers have none). A pending hold past its
 * expiry is EXPIRED already: the airline can no longer confirm it, the sweep just has not returned the points yet.
 */
const SELECT_TRANSFER = `
  SELECT t.*, CASE WHEN t.hold_id IS NULL THEN 'COMPLETED'
                   WHEN h.status = 'PENDING' AND h.expires_at <= now() THEN 'EXPIRED'
                   WHEN h.status = 'CAPTURED' THEN 'CONFIRMED'
                   WHEN h.status = 'VOIDED' THEN 'REJECTED'
                   ELSE h.status END AS status
    FROM miles_transfers t LEFT JOIN point_holds h ON h.id = t.hold_id`;

/**
 * The same derivation as conditions on the hold the planner can use: PENDING (the few an airline
 * still has to answer among all it ever had) starts from the partial index of pending holds.
 */
const STATUS_FILTER: Record<MilesTransferStatus, string> = {
  PENDING: `h.partner_id = t.airline_id AND h.status = 'PENDING' AND h.expires_at > now()`,
  CONFIRMED: `h.status = 'CAPTURED'`,
  REJECTED: `h.status = 'VOIDED'`,
  EXPIRED: `(h.status = 'EXPIRED' OR (h.status = 'PENDING' AND h.expires_at <= now()))`,
  COMPLETED: `t.hold_id IS NULL`,
};

/** Airline miles: effective-dated asymmetric ratios, two-phase outbound transfers, inbound conversion. */
export class MilesService {
  constructor(private readonly dataSource: DataSource) {}

  async setRatio(input: SetMilesRatioInput): Promise<void> {
    const airlineId = localIdOf(input.airlineId, 'Partner');
    const effectiveFrom = input.effectiveFrom ?? new Date();
    new Validation()
      .points(input.points, ['input', 'points'])
      .points(input.miles, ['input', 'miles'])
      .points(input.minimum ?? 0n, ['input', 'minimum'], 0n)
      .check(
        input.pricePerMile == null || (compareDecimal(input.pricePerMile, '0') >= 0 && decimalScale(input.pricePerMile) <= 10),
        CommonErrorCode.INVALID_INPUT,
        ['input', 'pricePerMile'],
        'pricePerMile must be zero or more with at most 10 decimals',
      )
      .check(
        effectiveFrom.getTime() >= Date.now() - 60_000,
        CommonErrorCode.INVALID_INPUT,
        ['input', 'effectiveFrom'],
        'a ratio cannot change the past',
      )
      .throwIfAny();
    const rows = await queryRows<{ id: string }>(
      this.dataSource,
      `INSERT INTO miles_ratios (airline_id, direction, points, miles, minimum, effective_from, price_per_mile)
       SELECT id, $2, $3, $4, $5, $6, $7 FROM partners WHERE id = $1 RETURNING id`,
      [airlineId, input.direction, input.points, input.miles, input.minimum ?? 0n, effectiveFrom, input.pricePerMile ?? '0'],
    );
    if (rows.length === 0) throw unknownPartner(['input', 'airlineId']);
  }

  /**
   * The ratios in force now, one per airline and direction, by airline name: where a member can
   * move points (TO_MILES) and at what rate. What the operator pays per mile stays out of it.
   */
  ratiosInForce(direction: MilesDirection | null): Promise<MilesRatioRow[]> {
    return queryRows<MilesRatioRow>(
      this.dataSource,
      `SELECT r.airline_id, r.direction, r.points, r.miles, r.minimum, r.effective_from
         FROM (SELECT DISTINCT ON (airline_id, direction) * FROM miles_ratios
                WHERE effective_from <= now() AND ($1::text IS NULL OR direction = $1)
                ORDER BY airline_id, direction, effective_from DESC) r
         JOIN partners p ON p.id = r.airline_id
        ORDER BY lower(p.name) COLLATE "C", r.direction`,
      [direction],
    );
  }

  /** A member moves points to an airline: held now, captured when the airline confirms. */
  async convertToMiles(principal: Extract<Principal, { kind: 'MEMBER' }>, input: ConvertPointsToMilesInput): Promise<MilesTransferRow> {
    const key = requireIdempotencyKey(input.idempotencyKey);
    const airlineId = localIdOf(input.airlineId, 'Partner');
    const ffn = input.frequentFlyerNumber.trim();
    new Validation()
      .points(input.points, ['input', 'points'])
      .check(
        /^[A-Za-z0-9-]{3,64}$/.test(ffn),
        CommonErrorCode.INVALID_INPUT,
        ['input', 'frequentFlyerNumber'],
        'frequentFlyerNumber must be 3 to 64 letters, digits or "-"',
      )
      .throwIfAny();
    if (!airlineId) throw new BusinessError('NOT_AN_AIRLINE', 'No such airline partner', ['input', 'airlineId']);
    const r = await callLedgerFunction(
      this.dataSource,
      'coalition_miles_out',
      { scope: principalRef(principal), key, request: { airlineId, points: input.points, ffn } },
      [principal.cardNumber, airlineId, input.points, ffn, principalRef(principal)],
    );
    return this.find(String(r.transferId)) as Promise<MilesTransferRow>;
  }

  /** The airline's answer for one of its own pending transfers. */
  async resolve(principal: PartnerPrincipal, action: 'CONFIRM' | 'REJECT', input: ResolveMilesTransferInput): Promise<MilesTransferRow> {
    const key = requireIdempotencyKey(input.idempotencyKey);
    const transferId = localIdOf(input.transferId, 'MilesTransfer');
    if (!transferId) throw new BusinessError('UNKNOWN_TRANSFER', 'No such miles transfer for this airline', ['input', 'transferId']);
    const reference = input.airlineReference?.trim()
      ? requireText(input.airlineReference, ['input', 'airlineReference'], REFERENCE_TEXT)
      : null;
    const r = await callLedgerFunction(
      this.dataSource,
      `coalition_miles_resolve:${action}`,
      { scope: principalRef(principal), key, request: { transferId, reference } },
      [transferId, principal.partnerId, action, reference, principalRef(principal)],
    );
    return this.find(String(r.transferId)) as Promise<MilesTransferRow>;
  }

  /** An airline converts a member's miles into points it funds. */
  async convertToPoints(principal: PartnerPrincipal, input: ConvertMilesToPointsInput): Promise<MilesTransferRow> {
    const key = requireIdempotencyKey(input.idempotencyKey);
    const reference = input.reference.trim();
    new Validation().points(input.miles, ['input', 'miles']).text(reference, ['input', 'reference'], REFERENCE_TEXT).throwIfAny();
    const card = normalizeCardNumber(input.cardNumber);
    const r = await callLedgerFunction(
      this.dataSource,
      'coalition_miles_in',
      { scope: principalRef(principal), key, request: { card, miles: input.miles, reference } },
      [principal.partnerId, card, input.miles, reference, principalRef(principal)],
    );
    return this.find(String(r.transferId)) as Promise<MilesTransferRow>;
  }

  async find(id: string): Promise<MilesTransferRow | null> {
    const [row] = await queryRows<MilesTransferRow>(this.dataSource, `${SELECT_TRANSFER} WHERE t.id = $1`, [id]);
    return row ?? null;
  }

  listForMember(memberId: string, airlineId: string | null): Promise<MilesTransferRow[]> {
    return queryRows<MilesTransferRow>(
      this.dataSource,
      `${SELECT_TRANSFER} WHERE t.member_id = $1 AND ($2::bigint IS NULL OR t.airline_id = $2) ORDER BY t.id DESC LIMIT 100`,
      [memberId, airlineId],
    );
  }

  /** An airline's transfers, oldest first, optionally of one status. */
  listForAirline(airlineId: string, status: MilesTransferStatus | null, window: PageWindow): Promise<MilesTransferRow[]> {
    const page = sqlKeyset(idSortKey('t.id'), window, 'ASC', 2);
    return queryRows<MilesTransferRow>(
      this.dataSource,
      `${SELECT_TRANSFER} WHERE t.airline_id = $1 AND ${status ? STATUS_FILTER[status] : 'true'} AND ${page.where} ${page.orderLimit}`,
      [airlineId, ...page.params],
    );
  }
}
