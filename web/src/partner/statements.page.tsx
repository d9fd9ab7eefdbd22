import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Cell, Legend, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useQuery } from 'urql';
import { chartValue, formatDate, formatDateTime, formatMoney, formatPoints } from '../format';
import { graphql } from '../gql';
import type { PartnerStatementListQuery } from '../gql/graphql';
import { storedCredential } from '../session';
import { Card, DataTable, Empty, ErrorNote, Loading, Page, useCursorPages } from '../ui/kit';

const Statements = graphql(`
  query PartnerStatementList($first: Int!, $after: String) {
    currentPartner {
      id
      statements(first: $first, after: $after) {
        edges {
          node {
            currency
            period {
              id
              periodStart
              periodEnd
              closedAt
            }
            openingBalance {
              amount
              currency
            }
            net {
              amount
              currency
            }
            amountDue {
              amount
              currency
            }
            paymentInstruction {
              id
              status
              amount {
                amount
                currency
              }
              paymentReference
            }
            lines {
              kind
              points
              amount {
                amount
                currency
              }
            }
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`);

const LineItems = graphql(`
  query PartnerStatementLineItems($periodId: ID!, $first: Int!, $after: String) {
    settlementPeriod(id: $periodId) {
      id
      statements {
        currency
        lines {
          kind
          items(first: $first, after: $after) {
            edges {
              node {
                id
                kind
                quantity
                amount
                currency
                reference
                createdAt
                transaction {
                  id
                  kind
                  points
                  reference
                }
              }
            }
            pageInfo {
              hasNextPage
              endCursor
            }
          }
        }
      }
    }
  }
`);

type Statement = NonNullable<PartnerStatementListQuery['currentPartner']>['statements']['edges'][number]['node'];

const PAGE_SIZE = 12;
const ITEMS_PAGE = 50;

const LINE_LABEL: Record<string, string> = {
  ISSUANCE: 'Points issued',
  PROMOTION: 'Promotions funded',
  SPONSORSHIP: 'Sponsored rewards',
  REDEMPTION: 'Vouchers honoured',
  GIFT_CARD: 'Gift cards honoured',
  MILES: 'Miles credited',
  BREAKAGE: 'Breakage share',
  ADJUSTMENT: 'Adjustments',
  DONATION: 'Donations received',
};

const statementKey = (s: Statement) => `${s.period.id}:${s.currency}`;

/** Its statements, newest period first: a chart of the net per period, lines, items, CSV. */
export function StatementsPage() {
  const { after, pager } = useCursorPages('Statement pages');
  const [open, setOpen] = useState<string | null>(null);
  const [{ data, fetching, error }] = useQuery({
    query: Statements,
    variables: { first: PAGE_SIZE, after },
    requestPolicy: 'cache-and-network',
  });
  const partnerId = data?.currentPartner?.id;
  const connection = data?.currentPartner?.statements;
  const statements = connection?.edges.map((e) => e.node) ?? [];
  const selected = statements.find((s) => statementKey(s) === open);
  return (
    <Page title="Statements">
      {fetching && !data && <Loading what="Loading statements" />}
      <ErrorNote error={error} />
      {data && statements.length === 0 && (
        <Card>
          <Empty>No statements yet: the first one appears when the operator closes a settlement period.</Empty>
        </Card>
      )}
      {statements.length > 0 && (
        <>
          <Card title="Net per period">
            <NetChart statements={statements} />
          </Card>
          <Card title="Statements">
            <DataTable
              caption="Newest period first. Positive: the coalition pays you; negative: you pay."
              rows={statements}
              rowKey={statementKey}
              columns={[
                { header: 'Period', cell: (s) => periodLabel(s) },
                { header: 'Currency', cell: (s) => s.currency },
                { header: 'Opening', numeric: true, cell: (s) => formatMoney(s.openingBalance) },
                { header: 'Net', numeric: true, cell: (s) => <span className={signClass(s.net.amount)}>{formatMoney(s.net)}</span> },
                { header: 'Amount due', numeric: true, cell: (s) => formatMoney(s.amountDue) },
                {
                  header: 'Payment',
                  cell: (s) =>
                    s.paymentInstruction ? (
                      <>
                        {s.paymentInstruction.status.replace('_', ' ').toLowerCase()}
                        {s.paymentInstruction.paymentReference && <span className="muted"> ({s.paymentInstruction.paymentReference})</span>}
                      </>
                    ) : (
                      <span className="muted">nothing due</span>
                    ),
                },
                {
                  header: 'Details',
                  cell: (s) => (
                    <div className="row-actions">
                      <button
                        type="button"
                        className="secondary"
                        aria-expanded={open === statementKey(s)}
                        onClick={() => setOpen(open === statementKey(s) ? null : statementKey(s))}
                      >
                        {open === statementKey(s) ? 'Hide lines' : 'Lines'}
                        <span className="visually-hidden"> of {periodLabel(s)}</span>
                      </button>
                      {partnerId && <CsvDownload periodId={s.period.id} partnerId={partnerId} label={periodLabel(s)} />}
                    </div>
                  ),
                },
              ]}
            />
            {pager(connection?.pageInfo, fetching)}
          </Card>
          {selected && <StatementDetail key={statementKey(selected)} statement={selected} />}
        </>
      )}
    </Page>
  );
}

function periodLabel(s: Statement): string {
  return s.period.periodStart
    ? `${formatDate(s.period.periodStart)} – ${formatDate(s.period.periodEnd)}`
    : `until ${formatDate(s.period.periodEnd)}`;
}

function signClass(amount: string): string {
  return amount.startsWith('-') ? 'negative' : 'positive';
}

const PALETTE = ['#0b5cad', '#b35c00', '#5a3d99', '#1d6b3a', '#a31621'];

/** Net per period, oldest on the left; a float here is only a bar's height (the table has the exact figures). */
function NetChart({ statements }: { statements: readonly Statement[] }) {
  const currencies = [...new Set(statements.map((s) => s.currency))];
  const byPeriod = new Map<string, Record<string, string | number>>();
  for (const s of [...statements].reverse()) {
    const row = byPeriod.get(s.period.id) ?? { period: formatDate(s.period.periodEnd) };
    row[s.currency] = chartValue(s.net.amount);
    byPeriod.set(s.period.id, row);
  }
  const rows = [...byPeriod.values()];
  const summary = statements.map((s) => `${formatDate(s.period.periodEnd)}: ${formatMoney(s.net)}`).join('; ');
  return (
    <div className="chart" role="img" aria-label={`Net per period: ${summary}`}>
      <ResponsiveContainer width="100%" height={280}>
        <BarChart data={rows} margin={{ top: 8, right: 16, bottom: 8, left: 16 }}>
          <CartesianGrid strokeDasharray="3 3" vertical={false} />
          <XAxis dataKey="period" />
          {/* Zero always shows, so a bar's length is its net (never a slice of an axis starting elsewhere). */}
          <YAxis domain={[(min: number) => Math.min(0, min), (max: number) => Math.max(0, max)]} width={64} />
          <ReferenceLine y={0} stroke="#5b6675" />
          <Tooltip formatter={(value, name) => formatMoney({ amount: String(value), currency: String(name) })} />
          {currencies.length > 1 && <Legend />}
          {currencies.map((currency, i) => (
            <Bar key={currency} dataKey={currency} name={currency} fill={PALETTE[i % PALETTE.length]} isAnimationActive={false}>
              {currencies.length === 1 &&
                rows.map((row, j) => <Cell key={j} fill={Number(row[currency] ?? 0) < 0 ? '#a31621' : '#1d6b3a'} />)}
            </Bar>
          ))}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}

/**
 * The statement as CSV for the finance team. The export needs the Authorization header, which a
 * plain link cannot send: it is fetched with the credential and saved from a Blob URL.
 */
function CsvDownload({ periodId, partnerId, label }: { periodId: string; partnerId: string; label: string }) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<Error | null>(null);
  return (
    <>
      <a
        href={`/settlement/statement.csv?period=${encodeURIComponent(periodId)}&partner=${encodeURIComponent(partnerId)}`}
        className="button-link"
        aria-busy={busy}
        onClick={async (event) => {
          event.preventDefault();
          if (busy) return;
          setBusy(true);
          setError(null);
          try {
            await downloadCsv(event.currentTarget.href);
          } catch (e) {
            setError(e as Error);
          } finally {
            setBusy(false);
          }
        }}
      >
        {busy ? 'Downloading…' : 'CSV'}
        <span className="visually-hidden"> of {label}</span>
      </a>
      <ErrorNote error={error} />
    </>
  );
}

async function downloadCsv(url: string): Promise<void> {
  const credential = storedCredential();
  const response = await fetch(url, { headers: credential ? { authorization: `Bearer ${credential}` } : {} });
  if (!response.ok) {
    let message = `The export failed (HTTP ${response.status})`;
    try {
      const body = (await response.json()) as { errors?: { message?: string }[] };
      if (body.errors?.[0]?.message) message = body.errors[0].message;
    } catch {
      // not JSON: keep the status
    }
    throw new Error(message);
  }
  const blob = await response.blob();
  const filename = /filename="([^"]+)"/.exec(response.headers.get('content-disposition') ?? '')?.[1] ?? 'statement.csv';
  const href = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = href;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
  // The browser has taken the file once the click ran; the URL is freed a moment later.
  setTimeout(() => URL.revokeObjectURL(href), 10_000);
}

function StatementDetail({ statement }: { statement: Statement }) {
  const [kind, setKind] = useState<string | null>(null);
  return (
    <Card title={`Statement ${periodLabel(statement)} (${statement.currency})`}>
      <DataTable
        caption="Each line is rounded once, for the whole line; the items behind it are exact."
        rows={statement.lines}
        rowKey={(l) => l.kind}
        columns={[
          { header: 'Line', cell: (l) => LINE_LABEL[l.kind] ?? l.kind },
          { header: 'Points', numeric: true, cell: (l) => (l.points == null ? '—' : formatPoints(l.points)) },
          { header: 'Amount', numeric: true, cell: (l) => <span className={signClass(l.amount.amount)}>{formatMoney(l.amount)}</span> },
          {
            header: 'Items',
            cell: (l) => (
              <button
                type="button"
                className="secondary"
                aria-expanded={kind === l.kind}
                onClick={() => setKind(kind === l.kind ? null : l.kind)}
              >
                {kind === l.kind ? 'Hide items' : 'Items'}
                <span className="visually-hidden"> of {LINE_LABEL[l.kind] ?? l.kind}</span>
              </button>
            ),
          },
        ]}
      />
      <dl className="facts">
        <div>
          <dt>Opening balance</dt>
          <dd>{formatMoney(statement.openingBalance)}</dd>
        </div>
        <div>
          <dt>Net</dt>
          <dd>{formatMoney(statement.net)}</dd>
        </div>
        <div>
          <dt>Amount due</dt>
          <dd>{formatMoney(statement.amountDue)}</dd>
        </div>
        <div>
          <dt>Closed</dt>
          <dd>{formatDateTime(statement.period.closedAt)}</dd>
        </div>
      </dl>
      {kind && <LineItemList key={kind} periodId={statement.period.id} currency={statement.currency} kind={kind} />}
    </Card>
  );
}

function LineItemList({ periodId, currency, kind }: { periodId: string; currency: string; kind: string }) {
  const { after, page, pager } = useCursorPages('Item pages');
  const [{ data, fetching, error }] = useQuery({
    query: LineItems,
    variables: { periodId, first: ITEMS_PAGE, after },
  });
  const line = data?.settlementPeriod?.statements.find((s) => s.currency === currency)?.lines.find((l) => l.kind === kind);
  const items = line?.items.edges.map((e) => e.node) ?? [];
  return (
    <section className="drill-down" aria-label={`Items of ${LINE_LABEL[kind] ?? kind}`}>
      <h3>Items: {LINE_LABEL[kind] ?? kind}</h3>
      {fetching && <Loading what="Loading items" />}
      <ErrorNote error={error} />
      {data && items.length === 0 && <Empty>No items.</Empty>}
      {items.length > 0 && (
        <DataTable
          caption={`Oldest first${page > 1 ? `, page ${page}` : ''}`}
          rows={items}
          rowKey={(i) => i.id}
          columns={[
            { header: 'Posted', cell: (i) => formatDateTime(i.createdAt) },
            { header: 'Reference', cell: (i) => i.reference ?? i.transaction?.reference ?? '—' },
            { header: 'Quantity', numeric: true, cell: (i) => i.quantity },
            { header: 'Exact amount', numeric: true, cell: (i) => `${i.amount} ${i.currency}` },
            {
              header: 'Transaction',
              cell: (i) => (i.transaction ? `${i.transaction.kind.toLowerCase()} ${formatPoints(i.transaction.points)}` : '—'),
            },
          ]}
        />
      )}
      {pager(line?.items.pageInfo, fetching)}
    </section>
  );
}
