import type { DataSource } from 'typeorm';
import { principalRef, Principal } from '../auth/principal';
import { idSortKey, localIdOf, PageWindow, sqlKeyset, toGlobalId } from '../common/relay';
import { BusinessError, requireIdempotencyKey, Validation } from '../common/user-error';
import { queryRows } from '../database/data-source';
import { callLedgerFunction } from '../ledger/ledger-call';
import type { Charity, DonatePointsInput, DonationRow } from './donation.types';

const SELECT_DONATION = `
  SELECT d.id, d.member_id, d.charity_id, d.points, d.currency, d.created_at,
         round(d.value, (SELECT digits FROM currency_digits WHERE code = d.currency))::text AS value
    FROM donations d`;

/** Points given to charity partners: the member's points go, the charity is paid their redemption value at settlement. */
export class DonationService {
  constructor(private readonly dataSource: DataSource) {}

  async donate(principal: Extract<Principal, { kind: 'MEMBER' }>, input: DonatePointsInput): Promise<DonationRow> {
    const key = requireIdempotencyKey(input.idempotencyKey);
    new Validation().points(input.points, ['input', 'points']).throwIfAny();
    const charityId = localIdOf(input.charityId, 'Partner');
    if (!charityId) throw new BusinessError('NOT_A_CHARITY', 'No such charity partner', ['input', 'charityId']);
    const r = await callLedgerFunction(
      this.dataSource,
      'coalition_donate',
      { scope: principalRef(principal), key, request: { charityId, points: input.points } },
      [principal.cardNumber, charityId, input.points, principalRef(principal)],
    );
    const [row] = await queryRows<DonationRow>(this.dataSource, `${SELECT_DONATION} WHERE d.id = $1`, [String(r.donationId)]);
    return row;
  }

  /** A member's donations, newest first; `charityId` narrows them to one charity (what a partner may see). */
  listForMember(memberId: string, charityId: string | null, window: PageWindow): Promise<DonationRow[]> {
    const page = sqlKeyset(idSortKey('d.id'), window, 'DESC', 3);
    return queryRows<DonationRow>(
      this.dataSource,
      `${SELECT_DONATION} WHERE d.member_id = $1 AND ($2::bigint IS NULL OR d.charity_id = $2) AND ${page.where} ${page.orderLimit}`,
      [memberId, charityId, ...page.params],
    );
  }

  async find(id: string): Promise<DonationRow | null> {
    const [row] = await queryRows<DonationRow>(this.dataSource, `${SELECT_DONATION} WHERE d.id = $1`, [id]);
    return row ?? null;
  }

  /** Active charity partners by name, with what a point is worth to each under its contract in force. */
  async charities(): Promise<Charity[]> {
    const rows = await queryRows<{ id: string; name: string; currency: string; value_per_point: string }>(
      this.dataSource,
      `SELECT p.id, p.name, p.currency, (partner_contract_at(p.id, now())).redemption_value_per_point::text AS value_per_point
         FROM partners p WHERE p.category = 'charity' AND p.active ORDER BY lower(p.name) COLLATE "C", p.id`,
      [],
    );
    return rows.map((r) => ({ id: toGlobalId('Partner', r.id), name: r.name, currency: r.currency, valuePerPoint: r.value_per_point }));
  }
}
