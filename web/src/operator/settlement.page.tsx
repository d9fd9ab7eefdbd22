import { useClient, useQuery } from 'urql';
import { graphql } from '../gql';
import type { OperatorDisputesQuery, OperatorSettlementPeriodsQuery } from '../gql/graphql';
import { formatDate, formatDateTime, formatMoney, formatPoints } from '../format';
import { storedCredential } from '../session';
import { ActionForm, Card, DataTable, Empty, ErrorNote, Field, Loading, Page } from '../ui/kit';
import { instant, optional, OutcomeNote, settle, useIdempotencyKey, useOutcome } from './shared';

const Periods = graphql(`
  query OperatorSettlementPeriods {
    settlementPeriods(first: 12) {
      edges {
        node {
          id
          periodStart
          periodEnd
          closedAt
          operatorMargin {
            amount
            currency
          }
          statements {
            currency
            partner {
              id
              name
            }
            lines {
              kind
              points
              amount {
                amount
                currency
              }
            }
            net {
              amount
              currency
            }
            openingBalance {
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
              paymentReference
              amount {
                amount
                currency
              }
            }
          }
        }
      }
    }
  }
`);

const ClosePeriod = graphql(`
  mutation OperatorClosePeriod($input: CloseSettlementPeriodInput!) {
    closeSettlementPeriod(input: $input) {
      period {
        id
        periodEnd
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const MarkPaid = graphql(`
  mutation OperatorMarkPaid($input: MarkPaymentInstructionPaidInput!) {
    markPaymentInstructionPaid(input: $input) {
      paymentInstruction {
        id
        status
        paymentReference
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const Disputes = graphql(`
  query OperatorDisputes {
    open: settlementDisputes(open: true, first: 40) {
      edges {
        node {
          id
          periodId
          kind
          currency
          reason
          resolution
          createdAt
          resolvedAt
          partner {
            id
            name
          }
        }
      }
    }
    resolved: settlementDisputes(open: false, first: 20) {
      edges {
        node {
          id
          periodId
          kind
          currency
          reason
          resolution
          createdAt
          resolvedAt
          partner {
            id
            name
          }
        }
      }
    }
  }
`);

const ResolveDispute = graphql(`
  mutation OperatorResolveDispute($input: ResolveSettlementDisputeInput!) {
    resolveSettlementDispute(input: $input) {
      dispute {
        id
        resolution
        resolvedAt
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

type Period = OperatorSettlementPeriodsQuery['settlementPeriods']['edges'][number]['node'];
type Statement = Period['statements'][number];

export function SettlementPage() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: Periods, requestPolicy: 'cache-and-network' });
  const periods = data?.settlementPeriods.edges.map((e) => e.node) ?? [];
  const reload = () => refetch({ requestPolicy: 'network-only' });
  return (
    <Page title="Settlement">
      <ClosePeriodCard onClosed={reload} />
      {fetching && !data && <Loading what="Loading periods" />}
      <ErrorNote error={error} />
      {data && periods.length === 0 && (
        <Card title="Periods">
          <Empty>No period has been closed yet.</Empty>
        </Card>
      )}
      {periods.map((p) => (
        <PeriodCard key={p.id} period={p} onChanged={reload} />
      ))}
      <DisputesCard />
    </Page>
  );
}

function ClosePeriodCard({ onClosed }: { onClosed: () => void }) {
  const client = useClient();
  const [outcome, setOutcome] = useOutcome();
  return (
    <Card title="Close a period">
      <p className="muted">
        Everything posted before the end and not yet settled falls in the period: statements, netting and one payment instruction per
        partner and currency.
      </p>
      <ActionForm
        label="Close period"
        busyLabel="Closing…"
        onSubmit={async (form) => {
          const { outcome } = await settle(
            client.mutation(ClosePeriod, { input: { periodEnd: instant(form.get('periodEnd')) ?? new Date().toISOString() } }).toPromise(),
            (d) => d.closeSettlementPeriod,
            (p) => `Closed the period ending ${formatDateTime(p.period!.periodEnd)}.`,
          );
          setOutcome(outcome);
          if (outcome.done) onClosed();
        }}
      >
        <Field label="Period end" name="periodEnd" type="datetime-local" hint="Empty: now. Not in the future, not before the last close." />
      </ActionForm>
      <OutcomeNote outcome={outcome} />
    </Card>
  );
}

function PeriodCard({ period, onChanged }: { period: Period; onChanged: () => void }) {
  const title = `Period ${period.periodStart ? `${formatDateTime(period.periodStart)} – ` : 'to '}${formatDateTime(period.periodEnd)}`;
  return (
    <Card title={title}>
      <p className="muted">
        Closed {formatDateTime(period.closedAt)} · operator margin{' '}
        <strong>{period.operatorMargin.length ? period.operatorMargin.map((m) => formatMoney(m)).join(', ') : '—'}</strong> (nets + margin =
        0)
      </p>
      {period.statements.length === 0 ? (
        <Empty>Nothing was posted in this period.</Empty>
      ) : (
        <DataTable
          caption="Statements: positive amounts are owed to the partner, negative ones by it"
          rows={period.statements}
          rowKey={(s) => `${s.partner.id}:${s.currency}`}
          columns={[
            { header: 'Partner', cell: (s) => s.partner.name },
            { header: 'Lines', cell: (s) => <Lines statement={s} /> },
            { header: 'Net', cell: (s) => <strong>{formatMoney(s.net)}</strong>, numeric: true },
            { header: 'Opening', cell: (s) => formatMoney(s.openingBalance), numeric: true },
            { header: 'Amount due', cell: (s) => formatMoney(s.amountDue), numeric: true },
            { header: 'Payment', cell: (s) => <Payment statement={s} onChanged={onChanged} /> },
            { header: 'Export', cell: (s) => <CsvButton periodId={period.id} partnerId={s.partner.id} periodEnd={period.periodEnd} /> },
          ]}
        />
      )}
    </Card>
  );
}

function Lines({ statement }: { statement: Statement }) {
  return (
    <dl className="lines">
      {statement.lines.map((l) => (
        <div key={l.kind}>
          <dt>{l.kind}</dt>
          <dd>
            {formatMoney(l.amount)}
            {l.points != null && <span className="muted"> · {formatPoints(l.points)}</span>}
          </dd>
        </div>
      ))}
    </dl>
  );
}

function Payment({ statement, onChanged }: { statement: Statement; onChanged: () => void }) {
  const client = useClient();
  const [outcome, setOutcome] = useOutcome();
  const instruction = statement.paymentInstruction;
  if (!instruction) return <span className="muted">Nothing due</span>;
  const direction = instruction.amount.amount.startsWith('-') ? 'partner pays' : 'operator pays';
  return (
    <div>
      <p>
        {formatMoney({ ...instruction.amount, amount: instruction.amount.amount.replace(/^-/, '') })} ({direction}):{' '}
        <strong className={`status status-${instruction.status.toLowerCase()}`}>{instruction.status.replace('_', ' ')}</strong>
        {instruction.paymentReference && <span className="muted"> · ref {instruction.paymentReference}</span>}
      </p>
      {instruction.status === 'OPEN' && (
        <ActionForm
          className="inline-form"
          label="Mark paid"
          busyLabel="Saving…"
          onSubmit={async (form) => {
            const { outcome } = await settle(
              client
                .mutation(MarkPaid, {
                  input: { instructionId: instruction.id, paymentReference: String(form.get('paymentReference')).trim() },
                })
                .toPromise(),
              (d) => d.markPaymentInstructionPaid,
              (p) => `Marked paid (${p.paymentInstruction!.paymentReference}).`,
            );
            setOutcome(outcome);
            if (outcome.done) onChanged();
          }}
        >
          <Field label={`Payment reference for ${statement.partner.name}`} name="paymentReference" required maxLength={200} />
        </ActionForm>
      )}
      <OutcomeNote outcome={outcome} />
    </div>
  );
}

/** The statement CSV needs the bearer credential, so it is fetched and saved rather than linked. */
function CsvButton({ periodId, partnerId, periodEnd }: { periodId: string; partnerId: string; periodEnd: string }) {
  return (
    <button
      type="button"
      className="secondary"
      onClick={async () => {
        const credential = storedCredential();
        const response = await fetch(
          `/settlement/statement.csv?period=${encodeURIComponent(periodId)}&partner=${encodeURIComponent(partnerId)}`,
          {
            headers: credential ? { authorization: `Bearer ${credential}` } : {},
          },
        );
        if (!response.ok) return window.alert(`The export failed (${response.status}).`);
        const url = URL.createObjectURL(await response.blob());
        const a = Object.assign(document.createElement('a'), { href: url, download: `statement-${periodEnd.slice(0, 10)}.csv` });
        a.click();
        URL.revokeObjectURL(url);
      }}
    >
      CSV
    </button>
  );
}

function DisputesCard() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: Disputes, requestPolicy: 'cache-and-network' });
  const open = data?.open.edges.map((e) => e.node) ?? [];
  const resolved = data?.resolved.edges.map((e) => e.node) ?? [];
  return (
    <Card title="Disputes">
      {fetching && !data && <Loading what="Loading disputes" />}
      <ErrorNote error={error} />
      {data && open.length + resolved.length === 0 && <Empty>No partner has disputed a line.</Empty>}
      {open.map((d) => (
        <DisputeForm key={d.id} dispute={d} onResolved={() => refetch({ requestPolicy: 'network-only' })} />
      ))}
      {resolved.length > 0 && (
        <DataTable
          caption="Recently resolved disputes, newest first"
          rows={resolved}
          rowKey={(d) => d.id}
          columns={[
            { header: 'Partner', cell: (d) => d.partner.name },
            { header: 'Line', cell: (d) => `${d.kind} (${d.currency})` },
            { header: 'Reason', cell: (d) => d.reason },
            { header: 'Resolution', cell: (d) => d.resolution },
            { header: 'Resolved', cell: (d) => formatDate(d.resolvedAt) },
          ]}
        />
      )}
    </Card>
  );
}

type Dispute = OperatorDisputesQuery['open']['edges'][number]['node'];

function DisputeForm({ dispute, onResolved }: { dispute: Dispute; onResolved: () => void }) {
  const client = useClient();
  const [outcome, setOutcome] = useOutcome();
  const idempotency = useIdempotencyKey();
  return (
    <section className="dispute" aria-label={`Dispute by ${dispute.partner.name}`}>
      <p>
        <strong>{dispute.partner.name}</strong> disputes its {dispute.kind} line ({dispute.currency}) since {formatDate(dispute.createdAt)}:
        “{dispute.reason}”
      </p>
      <ActionForm
        label="Resolve"
        busyLabel="Resolving…"
        onSubmit={async (form) => {
          const adjustment = optional(form.get('adjustment'));
          const result = client
            .mutation(ResolveDispute, {
              input: {
                disputeId: dispute.id,
                resolution: String(form.get('resolution')).trim(),
                adjustment: adjustment ? { amount: adjustment, currency: dispute.currency } : null,
                idempotencyKey: idempotency.key(),
              },
            })
            .toPromise();
          const { outcome } = await settle(
            result,
            (d) => d.resolveSettlementDispute,
            () => 'Resolved.',
          );
          if (!outcome.error) idempotency.answered();
          setOutcome(outcome);
          if (outcome.done) onResolved();
        }}
      >
        <Field label="Resolution" name="resolution" required minLength={3} />
        <Field
          label={`Adjustment (${dispute.currency})`}
          name="adjustment"
          inputMode="decimal"
          hint={`Optional, signed: positive credits ${dispute.partner.name} in the open period`}
        />
      </ActionForm>
      <OutcomeNote outcome={outcome} />
    </section>
  );
}
