import { Bar, BarChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { formatDate, formatMoney } from '../format';
import { Card, DataTable, Empty, ErrorNote, Loading, useCursorPages } from './kit';

const Report = graphql(`
  query RetentionReportView($partnerId: ID) {
    retentionReport(partnerId: $partnerId) {
      windows {
        days
        activeMembers
        repeatPurchasers
        repeatPurchaseRate
      }
      cohorts {
        month
        size
        retention
      }
      segments {
        segment
        members
        spend {
          amount
          currency
        }
      }
      atRiskDays
      atRiskMembers
    }
  }
`);

const FollowUps = graphql(`
  query RetentionFollowUps($partnerId: ID, $after: String) {
    atRiskFollowUps(partnerId: $partnerId, first: 20, after: $after) {
      edges {
        node {
          cardNumber
          firstName
          email
          lastPurchaseAt
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const percent = (share: string) => new Intl.NumberFormat(undefined, { style: 'percent', maximumFractionDigits: 1 }).format(Number(share));

/** The retention figures of the coalition or of one partner (`partnerId`; a partner's own key needs none). */
export function RetentionView({ partnerId, showEmail }: { partnerId: string | null; showEmail: boolean }) {
  const [{ data, fetching, error }] = useQuery({ query: Report, variables: { partnerId }, requestPolicy: 'cache-and-network' });
  const report = data?.retentionReport;
  const longest = Math.max(0, ...(report?.cohorts ?? []).map((c) => c.retention.length));
  return (
    <>
      {fetching && !data && <Loading what="Computing retention" />}
      <ErrorNote error={error} />
      {report && (
        <div className="figures">
          {report.windows.map((w) => (
            <div className="figure" key={w.days}>
              <span className="muted">Active, last {w.days} days</span>
              <strong>{w.activeMembers}</strong>
              <span className="muted">repeat purchase rate {percent(w.repeatPurchaseRate)}</span>
            </div>
          ))}
          <div className="figure">
            <span className="muted">At risk (no purchase for {report.atRiskDays} days)</span>
            <strong>{report.atRiskMembers}</strong>
          </div>
        </div>
      )}
      {report && (
        <Card title="Cohorts by enrolment month: share active in each month since">
          {report.cohorts.length === 0 ? (
            <Empty>No members enrolled in the last 12 months.</Empty>
          ) : (
            <DataTable
              caption="Cohort retention"
              rows={report.cohorts}
              rowKey={(c) => c.month}
              columns={[
                { header: 'Cohort', cell: (c) => c.month },
                { header: 'Members', cell: (c) => c.size, numeric: true },
                ...Array.from({ length: longest }, (_, k) => ({
                  header: `M${k}`,
                  cell: (c: (typeof report.cohorts)[number]) => (k < c.retention.length ? percent(c.retention[k]) : ''),
                  numeric: true,
                })),
              ]}
            />
          )}
        </Card>
      )}
      {report && (
        <Card title="RFM segments">
          <div className="chart" aria-hidden="true">
            <ResponsiveContainer width="100%" height={220}>
              <BarChart data={report.segments} margin={{ left: 8, right: 24 }}>
                <CartesianGrid strokeDasharray="3 3" vertical={false} />
                <XAxis dataKey="segment" />
                <YAxis allowDecimals={false} />
                <Tooltip />
                <Bar dataKey="members" name="Members" fill="#0b5cad" />
              </BarChart>
            </ResponsiveContainer>
          </div>
          <DataTable
            caption="Members and their spend per segment"
            rows={report.segments}
            rowKey={(s) => s.segment}
            columns={[
              { header: 'Segment', cell: (s) => s.segment },
              { header: 'Members', cell: (s) => s.members, numeric: true },
              { header: 'Spend', cell: (s) => s.spend.map((m) => formatMoney(m)).join(' · ') || '–', numeric: true },
            ]}
          />
        </Card>
      )}
      <FollowUpCard partnerId={partnerId} showEmail={showEmail} />
    </>
  );
}

function FollowUpCard({ partnerId, showEmail }: { partnerId: string | null; showEmail: boolean }) {
  const pages = useCursorPages('At-risk follow-ups pages');
  const [{ data, fetching, error }] = useQuery({ query: FollowUps, variables: { partnerId, after: pages.after } });
  const rows = data?.atRiskFollowUps.edges.map((e) => e.node) ?? [];
  return (
    <Card title="At-risk members to follow up (consented to marketing)">
      <ErrorNote error={error} />
      {data && rows.length === 0 && <Empty>No at-risk member has consented to marketing.</Empty>}
      {rows.length > 0 && (
        <DataTable
          caption="At-risk follow-ups"
          rows={rows}
          rowKey={(r) => r.cardNumber}
          columns={[
            { header: 'Card', cell: (r) => r.cardNumber },
            { header: 'First name', cell: (r) => r.firstName ?? '–' },
            ...(showEmail ? [{ header: 'Email', cell: (r: (typeof rows)[number]) => r.email ?? '–' }] : []),
            { header: 'Last purchase', cell: (r) => formatDate(r.lastPurchaseAt) },
          ]}
        />
      )}
      {pages.pager(data?.atRiskFollowUps.pageInfo, fetching)}
    </Card>
  );
}
