import type { DataSource } from 'typeorm';
import { principalRef, Principal } from '../auth/principal';
import { compareDecimal, decimalScale } from '../common/decimal';
import { parseMoney, requireCurrency } from '../common/money';
import { localIdOf, PageWindow, SqlSortKey, sqlKeyset } from '../common/relay';
import {
  BusinessError,
  CommonErrorCode,
  REASON_TEXT,
  REFERENCE_TEXT,
  requireIdempotencyKey,
  requireText,
  Validation,
} from '../common/user-error';
import { queryRows } from '../database/data-source';
import { callLedgerFunction, withRetry } from '../ledger/ledger-call';
import { unknownPartner } from '../partner/partner.errors';
import { pointsFlow, PointsFlowInterval, PointsFlowRow } from './points-flow';
import type {
  CloseSettlementPeriodInput,
  DisputeSettlementLineInput,
  PostSettlementAdjustmentInput,
  ResolveSettlementDisputeInput,
  SettlementLineKind,
} from './settlement.types';

export interface PeriodRow {
  id: string;
  period_start: Date | null;
  period_end: Date;
  closed_at: Date;
  base_currency: string | null;
}

/** A statement with its period's columns (`period_id` is the period's id). */
export interface StatementRow extends Omit<PeriodRow, 'id'> {
  period_id: string;
  partner_id: string;
  currency: string;
  opening_minor: string;
  net_minor: string;
  lines: { kind: SettlementLineKind; quantity: string; amount: string }[];
  instruction_id: string | null;
  instruction_amount: string | null;
  status: string | null;
  payment_reference: string | null;
}

export interface ItemRow {
  id: string;
  entry_id: string | null;
  kind: SettlementLineKind;
  quantity: string;
  amount: string;
  currency: string;
  reference: string | null;
  created_at: Date;
}

export interface InstructionRow {
  id: string;
  partner_id: string;
  currency: string;
  amount_minor: string;
  status: string;
  payment_reference: string | null;
}

export interface DisputeRow {
  id: string;
  period_id: string;
  partner_id: string;
  kind: SettlementLineKind;
  currency: string;
  reason: string;
  resolution: string | null;
  created_at: Date;
  resolved_at: Date | null;
}

const STATEMENTS = `
  SELECT s.period_id, s.partner_id, s.currency, s.opening_minor, s.net_minor,
         coalesce((SELECT jsonb_agg(jsonb_build_object('kind', l.kind, 'quantity', l.quantity::text, 'amount', l.amount_minor::text) ORDER BY l.kind)
                     FROM settlement_lines l WHERE (l.period_id, l.partner_id, l.currency) = (s.period_id, s.partner_id, s.currency)), '[]') AS lines,
         i.id AS instruction_id, i.amount_minor AS instruction_amount, i.status, i.payment_reference,
         p.period_start, p.period_end, p.closed_at, p.base_currency
    FROM settlement_statements s
    JOIN settlement_periods p ON p.id = s.period_id
    LEFT JOIN payment_instructions i ON (i.period_id, i.partner_id, i.currency) = (s.period_id, s.partner_id, s.currency)`;

/** A partner's statements are keyed by period and currency (several currencies may settle in one period). */
const STATEMENT_KEY: SqlSortKey = {
  columns: [
    { column: 's.period_id', type: 'bigint', lowest: '0', highest: '9223372036854775807' },
    { column: 's.currency', type: 'bpchar', lowest: "''", highest: "'~'" },
  ],
  valid: /^[0-9]{1,19}:[A-Z]{3}$/,
};

/** Periods, statements, netting and corrections; the close itself is the SQL function settlement_close. */
export class SettlementService {
  constructor(private readonly dataSource: DataSource) {}

  async close(principal: Principal, input: CloseSettlementPeriodInput): Promise<PeriodRow> {
    const base = input.baseCurrency ? requireCurrency(input.baseCurrency, ['input', 'baseCurrency']) : null;
    const rates: Record<string, string> = {};
    (input.fxRates ?? []).forEach((r, i) => {
      requireCurrency(r.currency, ['input', 'fxRates', String(i), 'currency']);
      new Validation()
        .check(
          compareDecimal(r.rate, '0') > 0 && decimalScale(r.rate) <= 10,
          CommonErrorCode.INVALID_INPUT,
          ['input', 'fxRates', String(i), 'rate'],
          'a rate must be greater than zero with at most 10 decimals',
        )
        .throwIfAny();
      rates[r.currency] = r.rate;
    });
    if (input.fxRates?.length && !base) {
      throw new BusinessError(CommonErrorCode.INVALID_INPUT, 'fxRates need a baseCurrency', ['input', 'baseCurrency']);
    }
    const [{ id }] = await withRetry(() =>
      queryRows<{ id: string }>(this.dataSource, 'SELECT settlement_close($1, $2, $3, $4) AS id', [
        input.periodEnd,
        principalRef(principal),
        base,
        JSON.stringify(rates),
      ]),
    );
    return (await this.findPeriod(id))!;
  }

  async findPeriod(id: string): Promise<PeriodRow | null> {
    const [row] = await queryRows<PeriodRow>(
      this.dataSource,
      'SELECT id, period_start, period_end, closed_at, base_currency FROM settlement_periods WHERE id = $1',
      [id],
    );
    return row ?? null;
  }

  /** Newest first. */
  listPeriods(window: PageWindow): Promise<PeriodRow[]> {
    const backward = window.backward;
    return queryRows<PeriodRow>(
      this.dataSource,
      `SELECT id, period_start, period_end, closed_at, base_currency FROM settlement_periods
        WHERE ($1::bigint IS NULL OR id < $1) AND ($2::bigint IS NULL OR id > $2)
        ORDER BY id ${backward ? 'ASC' : 'DESC'} LIMIT $3`,
      [window.after, window.before, window.limit + 1],
    );
  }

  /** A period's statements; `partnerId` narrows to one partner's. */
  statements(periodId: string, partnerId: string | null): Promise<StatementRow[]> {
    return queryRows<StatementRow>(
      this.dataSource,
      `${STATEMENTS} WHERE s.period_id = $1 AND ($2::bigint IS NULL OR s.partner_id = $2) ORDER BY s.partner_id, s.currency`,
      [periodId, partnerId],
    );
  }

  /** One partner's statements across closed periods, newest period first. */
  statementsOfPartner(partnerId: string, window: PageWindow): Promise<StatementRow[]> {
    const page = sqlKeyset(STATEMENT_KEY, window, 'DESC', 2);
    return queryRows<StatementRow>(this.dataSource, `${STATEMENTS} WHERE s.partner_id = $1 AND ${page.where} ${page.orderLimit}`, [
      partnerId,
      ...page.params,
    ]);
  }

  /** The operator's margin per currency: the balancing amount, so that the nets and it sum to zero. */
  margin(periodId: string): Promise<{ currency: string; amount_minor: string }[]> {
    return queryRows(
      this.dataSource,
      `SELECT currency, -sum(net_minor) AS amount_minor FROM settlement_statements WHERE period_id = $1 GROUP BY currency ORDER BY currency`,
      [periodId],
    );
  }

  /** Each partner's net in the base currency at the locked rates, rounded once per partner. */
  consolidated(periodId: string): Promise<{ partner_id: string; amount_minor: string; currency: string }[]> {
    return queryRows(
      this.dataSource,
      `SELECT s.partner_id, p.base_currency AS currency,
              round(sum(s.net_minor / 10::numeric ^ d.digits * CASE WHEN s.currency = p.base_currency THEN 1 ELSE r.rate END) * 10::numeric ^ bd.digits) AS amount_minor
         FROM settlement_statements s JOIN settlement_periods p ON p.id = s.period_id
         JOIN currency_digits d ON d.code = s.currency JOIN currency_digits bd ON bd.code = p.base_currency
         LEFT JOIN settlement_fx_rates r ON r.period_id = s.period_id AND r.currency = s.currency
        WHERE s.period_id = $1 GROUP BY s.partner_id, p.base_currency, bd.digits ORDER BY s.partner_id`,
      [periodId],
    );
  }

  /** The exact items behind one line, oldest first. */
  items(periodId: string, partnerId: string, currency: string, kind: SettlementLineKind, window: PageWindow): Promise<ItemRow[]> {
    return queryRows<ItemRow>(
      this.dataSource,
      `SELECT id, entry_id, kind, quantity, amount::text AS amount, currency, reference, created_at FROM settlement_items_of($1)
        WHERE partner_id = $2 AND currency = $3 AND kind = $4 AND ($5::bigint IS NULL OR id > $5) AND ($6::bigint IS NULL OR id < $6)
        ORDER BY id ${window.backward ? 'DESC' : 'ASC'} LIMIT $7`,
      [periodId, partnerId, currency, kind, window.after, window.before, window.limit + 1],
    );
  }

  async markPaid(instructionId: string | null, paymentReference: string): Promise<InstructionRow> {
    const reference = requireText(paymentReference, ['input', 'paymentReference'], REFERENCE_TEXT);
    const rows = await queryRows<InstructionRow>(
      this.dataSource,
      `UPDATE payment_instructions SET status = 'PAID', payment_reference = $2, resolved_at = clock_timestamp()
        WHERE id = $1 AND status = 'OPEN' RETURNING *`,
      [instructionId, reference],
    );
    if (rows.length === 0) {
      throw new BusinessError(
        'INSTRUCTION_NOT_OPEN',
        'No open payment instruction with that ID (paid ones and carried-forward ones stay as they are)',
        ['input', 'instructionId'],
      );
    }
    return rows[0];
  }

  findInstruction(id: string): Promise<InstructionRow | null> {
    return queryRows<InstructionRow>(this.dataSource, 'SELECT * FROM payment_instructions WHERE id = $1', [id]).then((r) => r[0] ?? null);
  }

  /** An operator correction into the open period; `amount` is signed, in the partner's currency. */
  async adjust(
    principal: Principal,
    input: { partnerId: string | null; amount: PostSettlementAdjustmentInput['amount']; reason: string; idempotencyKey: string },
    field = ['input'],
  ): Promise<ItemRow> {
    const key = requireIdempotencyKey(input.idempotencyKey);
    const reason = requireText(input.reason, [...field, 'reason'], REASON_TEXT);
    const { partnerId } = input;
    const { minor, currency } = parseMoney(input.amount, [...field, 'amount']);
    const [partner] = partnerId
      ? await queryRows<{ currency: string }>(this.dataSource, 'SELECT currency FROM partners WHERE id = $1', [partnerId])
      : [];
    if (!partner) throw unknownPartner([...field, 'partnerId']);
    if (partner.currency !== currency) {
      throw new BusinessError(CommonErrorCode.CURRENCY_MISMATCH, `This partner settles in ${partner.currency}`, [
        ...field,
        'amount',
        'currency',
      ]);
    }
    if (minor === 0n)
      throw new BusinessError(CommonErrorCode.INVALID_AMOUNT, 'An adjustment of zero changes nothing', [...field, 'amount', 'amount']);
    const r = await callLedgerFunction(
      this.dataSource,
      'settlement_adjust',
      { scope: principalRef(principal), key, request: { partnerId, amount: minor, reason } },
      [partnerId, minor, reason, principalRef(principal)],
    );
    return this.item(String(r.itemId));
  }

  async item(id: string): Promise<ItemRow> {
    const [row] = await queryRows<ItemRow>(
      this.dataSource,
      'SELECT id, entry_id, kind, quantity, amount::text AS amount, currency, reference, created_at FROM settlement_items WHERE id = $1',
      [id],
    );
    return row;
  }

  /** Outstanding points by funding partner, with a breakage estimate from the redemption history. */
  async liability(): Promise<{
    rate: string;
    lines: {
      funding_partner_id: string | null;
      outstanding: string;
      value_minor: string | null;
      currency: string | null;
      breakage: string;
    }[];
  }> {
    const [{ rate }] = await queryRows<{ rate: string }>(
      this.dataSource,
      `SELECT coalesce(round(spent / nullif(spent + expired, 0), 4), 1)::text AS rate FROM (
         SELECT coalesce(sum(-member_points) FILTER (WHERE operation IN ('DEBIT', 'HOLD')), 0)
              - coalesce(sum(member_points) FILTER (WHERE operation = 'RELEASE'), 0) AS spent,
                coalesce(sum(-member_points) FILTER (WHERE operation = 'EXPIRY'), 0) AS expired
           FROM ledger_entries) h`,
    );
    const lines = await queryRows<{
      funding_partner_id: string | null;
      outstanding: string;
      value_minor: string | null;
      currency: string | null;
      breakage: string;
    }>(
      this.dataSource,
      `SELECT l.funding_partner_id, sum(l.remaining) AS outstanding, p.currency,
              round(sum(l.remaining) * (partner_contract_at(p.id, now())).redemption_value_per_point * 10::numeric ^ d.digits) AS value_minor,
              floor(sum(l.remaining) * (1 - $1::numeric)) AS breakage
         FROM point_lots l LEFT JOIN partners p ON p.id = l.funding_partner_id LEFT JOIN currency_digits d ON d.code = p.currency
        WHERE l.remaining > 0
        GROUP BY l.funding_partner_id, p.id, p.currency, d.digits ORDER BY l.funding_partner_id NULLS FIRST`,
      [rate],
    );
    return { rate, lines };
  }

  /** Points earned and burned per day or month, for the operator's charts (see points-flow.ts). */
  flow(interval: PointsFlowInterval, from: Date | null, to: Date | null): Promise<PointsFlowRow[]> {
    return pointsFlow(this.dataSource, interval, from, to);
  }

  /**
   * The scheduled close: ends the period at the start of the current day or month in the
   * coalition's time zone, unless that period is closed already.
   */
  async closeScheduled(now: Date, cadence: 'daily' | 'monthly', principal: string): Promise<string | null> {
    const [{ period_end, due }] = await queryRows<{ period_end: Date; due: boolean }>(
      this.dataSource,
      `SELECT e AS period_end, e <= now() AND NOT EXISTS (SELECT 1 FROM settlement_periods WHERE period_end >= e) AS due
         FROM (SELECT date_trunc($2, $1::timestamptz AT TIME ZONE time_zone) AT TIME ZONE time_zone AS e FROM coalition_settings) s`,
      [now, cadence === 'daily' ? 'day' : 'month'],
    );
    if (!due) return null;
    const [{ id }] = await withRetry(() =>
      queryRows<{ id: string }>(this.dataSource, 'SELECT settlement_close($1, $2, NULL, $3) AS id', [period_end, principal, '{}']),
    );
    return id;
  }

  /** A partner disputes one of its closed lines; the closed statement itself never changes. */
  async dispute(partnerId: string, input: DisputeSettlementLineInput): Promise<DisputeRow> {
    const reason = requireText(input.reason, ['input', 'reason'], { ...REASON_TEXT, max: 2000 });
    const periodId = localIdOf(input.periodId, 'SettlementPeriod');
    const rows = await queryRows<DisputeRow>(
      this.dataSource,
      `INSERT INTO settlement_disputes (period_id, partner_id, currency, kind, reason)
       SELECT period_id, partner_id, currency, kind, $5 FROM settlement_lines
        WHERE period_id = $1 AND partner_id = $2 AND currency = $3 AND kind = $4
       RETURNING *`,
      [periodId, partnerId, input.currency, input.kind, reason],
    );
    if (rows.length === 0) throw new BusinessError('UNKNOWN_LINE', 'No such line on your statement for that period', ['input']);
    return rows[0];
  }

  /** Disputes, newest first; `open` narrows to unresolved (true) or resolved (false) ones, `partnerId` to one partner's. */
  listDisputes(window: PageWindow, open: boolean | null, partnerId: string | null): Promise<DisputeRow[]> {
    return queryRows<DisputeRow>(
      this.dataSource,
      `SELECT * FROM settlement_disputes
        WHERE ($1::boolean IS NULL OR (resolved_at IS NULL) = $1) AND ($2::bigint IS NULL OR partner_id = $2)
          AND ($3::bigint IS NULL OR id < $3) AND ($4::bigint IS NULL OR id > $4)
        ORDER BY id ${window.backward ? 'ASC' : 'DESC'} LIMIT $5`,
      [open, partnerId, window.after, window.before, window.limit + 1],
    );
  }

  /** The operator answers a dispute, with an adjustment into the open period when the partner is right. */
  async resolveDispute(principal: Principal, input: ResolveSettlementDisputeInput): Promise<DisputeRow> {
    const disputeId = localIdOf(input.disputeId, 'SettlementDispute');
    const [dispute] = disputeId
      ? await queryRows<DisputeRow>(this.dataSource, 'SELECT * FROM settlement_disputes WHERE id = $1 AND resolved_at IS NULL', [disputeId])
      : [];
    if (!dispute) throw new BusinessError('UNKNOWN_DISPUTE', 'No open dispute with that ID', ['input', 'disputeId']);
    const resolution = requireText(input.resolution, ['input', 'resolution'], { ...REASON_TEXT, max: 2000 });
    const item = input.adjustment
      ? await this.adjust(
          principal,
          {
            partnerId: dispute.partner_id,
            amount: input.adjustment,
            reason: `dispute ${dispute.id}: ${resolution}`,
            idempotencyKey: input.idempotencyKey,
          },
          ['input', 'adjustment'],
        )
      : null;
    const [row] = await queryRows<DisputeRow>(
      this.dataSource,
      `UPDATE settlement_disputes SET resolution = $2, resolution_item_id = $3, resolved_at = clock_timestamp()
        WHERE id = $1 AND resolved_at IS NULL RETURNING *`,
      [dispute.id, resolution, item?.id ?? null],
    );
    if (!row) throw new BusinessError('UNKNOWN_DISPUTE', 'No open dispute with that ID', ['input', 'disputeId']);
    return row;
  }
}
