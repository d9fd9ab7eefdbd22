import { useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { Card, DataTable, Empty, ErrorNote, Loading, Page, useCursorPages } from '../ui/kit';
import { ServiceCaseTable, StatusFilter, type ServiceCaseStatusFilter } from '../ui/service-cases';

const OperatorCases = graphql(`
  query OperatorServiceCases($status: ServiceCaseStatus, $first: Int!, $after: String) {
    serviceCases(status: $status, first: $first, after: $after) {
      edges {
        node {
          ...ServiceCaseRow
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
    serviceCaseStats {
      partner {
        id
        name
      }
      open
      overdue
      resolved
      medianHoursToResolve
      p90HoursToResolve
      rated
      averageSatisfaction
    }
  }
`);

const PAGE_SIZE = 20;

/** Service cases across partners, and each partner's figures: how many wait, how fast they are put right, how members rate it. */
export function ServiceCasesPage() {
  const [status, setStatus] = useState<ServiceCaseStatusFilter>('');
  const { after, page, reset, pager } = useCursorPages('Service case pages');
  const [{ data, fetching, error }] = useQuery({
    query: OperatorCases,
    variables: { status: status || null, first: PAGE_SIZE, after },
    requestPolicy: 'cache-and-network',
  });
  const cases = data?.serviceCases.edges.map((e) => e.node) ?? [];
  const hours = (h: string | null | undefined) => (h == null ? '—' : `${h} h`);
  return (
    <Page title="Service cases">
      <ErrorNote error={error} />
      {fetching && !data && <Loading what="Loading service cases" />}
      <Card title="Figures per partner">
        {data && data.serviceCaseStats.length === 0 && <Empty>No service cases yet.</Empty>}
        {data && data.serviceCaseStats.length > 0 && (
          <DataTable
            caption="Open, overdue and resolved cases; time to resolve; satisfaction"
            rows={data.serviceCaseStats}
            rowKey={(s) => s.partner?.id ?? 'operator'}
            columns={[
              { header: 'Partner', cell: (s) => s.partner?.name ?? 'Operator (no partner)' },
              { header: 'Open', numeric: true, cell: (s) => s.open },
              { header: 'Overdue', numeric: true, cell: (s) => s.overdue },
              { header: 'Resolved', numeric: true, cell: (s) => s.resolved },
              { header: 'Median to resolve', numeric: true, cell: (s) => hours(s.medianHoursToResolve) },
              { header: 'P90 to resolve', numeric: true, cell: (s) => hours(s.p90HoursToResolve) },
              {
                header: 'Satisfaction',
                numeric: true,
                cell: (s) => (s.averageSatisfaction ? `${s.averageSatisfaction} (${s.rated})` : '—'),
              },
            ]}
          />
        )}
      </Card>
      <Card title="All cases">
        <StatusFilter
          value={status}
          onChange={(s) => {
            setStatus(s);
            reset();
          }}
        />
        {data && cases.length === 0 && <Empty>No cases here.</Empty>}
        {cases.length > 0 && <ServiceCaseTable caption={`Newest first, page ${page}`} cases={cases} showPartner />}
        {pager(data?.serviceCases.pageInfo, fetching)}
      </Card>
    </Page>
  );
}
