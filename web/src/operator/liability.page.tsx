import { useState } from 'react';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { PointsFlowInterval } from '../gql/graphql';
import { formatMoney, formatPoints } from '../format';
import { Card, DataTable, Empty, ErrorNote, Loading, Page, SelectField } from '../ui/kit';
import { usePartners } from './shared';

const Liability = graphql(`
  query OperatorLiability {
    pointsLiability {
      outstandingPoints
      expectedBreakagePoints
      expectedRedemptionRate
      byFundingPartner {
        fundingPartnerId
        outstandingPoints
        expectedBreakagePoints
        redemptionValue {
          amount
          currency
        }
      }
    }
  }
`);

const Flow = graphql(`
  query OperatorPointsFlow($interval: PointsFlowInterval!) {
    pointsFlow(interval: $interval) {
      start
      earned
      returned
      redeemed
      transferred
      expired
    }
  }
`);

const EARNED = '#0b5cad';
const REDEEMED = '#d9822b';
const EXPIRED = '#8a94a3';

export function LiabilityPage() {
  const [{ data, fetching, error }] = useQuery({ query: Liability, requestPolicy: 'cache-and-network' });
  const { byId } = usePartners();
  const liability = data?.pointsLiability;
  const rows = (liability?.byFundingPartner ?? []).map((l) => ({
    ...l,
    name: l.fundingPartnerId ? (byId.get(l.fundingPartnerId)?.name ?? 'Partner') : 'Operator',
  }));
  return (
    <Page title="Points liability">
      {fetching && !data && <Loading what="Loading the liability" />}
      <ErrorNote error={error} />
      {liability && (
        <div className="figures">
          <Figure label="Outstanding points" value={formatPoints(liability.outstandingPoints)} />
          <Figure label="Expected breakage" value={formatPoints(liability.expectedBreakagePoints)} />
          <Figure
            label="Expected redemption rate"
            value={new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 }).format(
              Number(liability.expectedRedemptionRate),
            )}
          />
        </div>
      )}
      <Card title="Outstanding points by funding partner">
        {liability && rows.length === 0 && <Empty>No unspent points.</Empty>}
        {rows.length > 0 && (
          <>
            <div className="chart" aria-hidden="true">
              <ResponsiveContainer width="100%" height={Math.max(160, rows.length * 44 + 60)}>
                <BarChart data={rows} layout="vertical" margin={{ left: 24, right: 24 }}>
                  <CartesianGrid strokeDasharray="3 3" horizontal={false} />
                  <XAxis type="number" allowDecimals={false} />
                  <YAxis type="category" dataKey="name" width={140} />
                  <Tooltip formatter={(v) => formatPoints(Number(v))} />
                  <Legend />
                  <Bar dataKey="outstandingPoints" name="Outstanding" fill={EARNED} />
                  <Bar dataKey="expectedBreakagePoints" name="Expected breakage" fill={EXPIRED} />
                </BarChart>
              </ResponsiveContainer>
            </div>
            <DataTable
              caption="Unspent points by the partner that paid for them"
              rows={rows}
              rowKey={(r) => r.fundingPartnerId ?? 'operator'}
              columns={[
                { header: 'Funded by', cell: (r) => r.name },
                { header: 'Outstanding', cell: (r) => formatPoints(r.outstandingPoints), numeric: true },
                { header: 'At redemption value', cell: (r) => formatMoney(r.redemptionValue), numeric: true },
                { header: 'Expected breakage', cell: (r) => formatPoints(r.expectedBreakagePoints), numeric: true },
              ]}
            />
          </>
        )}
      </Card>
      <FlowCard />
    </Page>
  );
}

function Figure({ label, value }: { label: string; value: string }) {
  return (
    <div className="figure">
      <span className="muted">{label}</span>
      <strong>{value}</strong>
    </div>
  );
}

function FlowCard() {
  const [interval, setInterval] = useState<PointsFlowInterval>('DAY');
  const [{ data, fetching, error, operation }] = useQuery({ query: Flow, variables: { interval }, requestPolicy: 'cache-and-network' });
  // While another interval loads, the data on screen is still the previous interval's.
  const shown = operation?.variables.interval ?? interval;
  const label = (start: string) =>
    new Intl.DateTimeFormat(undefined, shown === 'DAY' ? { day: 'numeric', month: 'short' } : { month: 'short', year: 'numeric' }).format(
      new Date(start),
    );
  const buckets = (data?.pointsFlow ?? []).map((b) => ({ ...b, label: label(b.start), burned: b.redeemed + b.transferred }));
  return (
    <Card title="Points earned and redeemed">
      <div className="chart-controls">
        <SelectField
          label="Per"
          name="interval"
          value={interval}
          onChange={(e) => setInterval(e.target.value as PointsFlowInterval)}
          options={[
            { value: 'DAY', label: 'Day (last 30 days)' },
            { value: 'MONTH', label: 'Month (last 12 months)' },
          ]}
        />
      </div>
      {fetching && !data && <Loading what="Loading the flow" />}
      <ErrorNote error={error} />
      {data && (
        <>
          <div className="chart" aria-hidden="true" data-interval={shown} data-busy={fetching}>
            <ResponsiveContainer width="100%" height={280}>
              <BarChart data={buckets} margin={{ left: 8, right: 24 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="label" interval="preserveStartEnd" minTickGap={12} />
                <YAxis allowDecimals={false} />
                <Tooltip formatter={(v) => formatPoints(Number(v))} />
                <Legend />
                <Bar dataKey="earned" name="Earned" fill={EARNED} />
                <Bar dataKey="burned" name="Redeemed and transferred" fill={REDEEMED} />
                <Bar dataKey="expired" name="Expired" fill={EXPIRED} />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <details>
            <summary>As a table</summary>
            <DataTable
              caption={`Points per ${shown === 'DAY' ? 'day' : 'month'}, oldest first`}
              rows={buckets}
              rowKey={(b) => b.start}
              columns={[
                { header: shown === 'DAY' ? 'Day' : 'Month', cell: (b) => b.label },
                { header: 'Earned', cell: (b) => formatPoints(b.earned), numeric: true },
                { header: 'Returned', cell: (b) => formatPoints(b.returned), numeric: true },
                { header: 'Redeemed', cell: (b) => formatPoints(b.redeemed), numeric: true },
                { header: 'Transferred', cell: (b) => formatPoints(b.transferred), numeric: true },
                { header: 'Expired', cell: (b) => formatPoints(b.expired), numeric: true },
              ]}
            />
          </details>
        </>
      )}
    </Card>
  );
}
