import { stringify } from 'csv-stringify/sync';
import { canActForPartner } from '../auth/authorize';
import type { Principal } from '../auth/principal';
import { formatExact, formatMinor } from '../common/money';
import { localIdOf, PageWindow, toGlobalId } from '../common/relay';
import { HttpError } from '../server/http-error';
import type { SettlementService } from './settlement.service';

const ALL: PageWindow = { after: null, before: null, limit: 1_000_000, backward: false };

const HEADER = ['record', 'period_end', 'currency', 'kind', 'quantity', 'amount', 'reference', 'created_at', 'item_id'];
/** Columns the server writes as plain decimals ("-12.50"): spreadsheets must read them as numbers. */
const NUMERIC_COLUMNS = new Set(['quantity', 'amount'].map((name) => HEADER.indexOf(name)));

/**
 * CSV injection: a text cell starting with =, +, -, @, tab or CR (or their full-width forms) is
 * prefixed with ' so a spreadsheet shows it instead of running it as a formula. csv-stringify
 * 6.9 escapes every string cell, negative amounts included ("-12.50" → "'-12.50", which a
 * spreadsheet reads as text), so the numeric columns are exempted cell by cell.
 */
const CSV_OPTIONS = {
  escape_formulas: true,
  cast: {
    string: (value: string, context: { index: number }) => (NUMERIC_COLUMNS.has(context.index) ? { value, escape_formulas: false } : value),
  },
};

/**
 * A statement as CSV for a partner's finance team: one row per line, then one row per exact item
 * behind each line. Operator, or the partner itself.
 */
export async function statementCsv(
  settlement: SettlementService,
  principal: Principal | null,
  query: URLSearchParams,
): Promise<{ filename: string; body: string }> {
  if (!principal) throw new HttpError(401, 'UNAUTHENTICATED', 'Send "Authorization: Bearer <key>"');
  const periodId = localIdOf(query.get('period') ?? '', 'SettlementPeriod');
  const partnerId = localIdOf(query.get('partner') ?? '', 'Partner');
  if (!periodId || !partnerId) throw new HttpError(400, 'BAD_REQUEST', 'Pass ?period=<SettlementPeriod ID>&partner=<Partner ID>');
  if (!canActForPartner(principal, partnerId))
    throw new HttpError(403, 'FORBIDDEN', 'Only the operator and the partner itself may export its statement');
  const period = await settlement.findPeriod(periodId);
  const statements = period ? await settlement.statements(periodId, partnerId) : [];
  if (!period || statements.length === 0) throw new HttpError(404, 'NOT_FOUND', 'No statement for that partner in that period');

  const rows: (string | null)[][] = [HEADER];
  for (const s of statements) {
    for (const line of s.lines) {
      rows.push([
        'LINE',
        period.period_end.toISOString(),
        s.currency,
        line.kind,
        line.quantity,
        formatMinor(BigInt(line.amount), s.currency),
        null,
        null,
        null,
      ]);
    }
    rows.push([
      'OPENING',
      period.period_end.toISOString(),
      s.currency,
      null,
      null,
      formatMinor(BigInt(s.opening_minor), s.currency),
      null,
      null,
      null,
    ]);
    rows.push([
      'NET',
      period.period_end.toISOString(),
      s.currency,
      null,
      null,
      formatMinor(BigInt(s.net_minor), s.currency),
      null,
      null,
      null,
    ]);
    for (const line of s.lines) {
      for (const item of await settlement.items(periodId, partnerId, s.currency, line.kind, ALL)) {
        rows.push([
          'ITEM',
          period.period_end.toISOString(),
          item.currency,
          item.kind,
          item.quantity,
          formatExact(item.amount, item.currency),
          item.reference,
          item.created_at.toISOString(),
          toGlobalId('SettlementItem', item.id),
        ]);
      }
    }
  }
  return { filename: `statement-${period.period_end.toISOString().slice(0, 10)}-${partnerId}.csv`, body: stringify(rows, CSV_OPTIONS) };
}
