import { useQuery } from 'urql';
import { graphql } from '../gql';
import { Card, DataTable, Empty, ErrorNote, Loading, Page } from '../ui/kit';

const Partners = graphql(`
  query OperatorPartners {
    partners(first: 100) {
      edges {
        node {
          id
          name
          category
          currency
        }
      }
    }
  }
`);

export function OperatorOverview() {
  const [{ data, fetching, error }] = useQuery({ query: Partners });
  const partners = data?.partners.edges.map((e) => e.node) ?? [];
  return (
    <Page title="Overview">
      <Card title="Partners">
        {fetching && <Loading what="Loading partners" />}
        <ErrorNote error={error} />
        {!fetching && !error && partners.length === 0 && <Empty>No partners yet.</Empty>}
        {partners.length > 0 && (
          <DataTable
            caption="Partners in the coalition"
            rows={partners}
            rowKey={(p) => p.id}
            columns={[
              { header: 'Name', cell: (p) => p.name },
              { header: 'Category', cell: (p) => p.category },
              { header: 'Currency', cell: (p) => p.currency },
            ]}
          />
        )}
      </Card>
    </Page>
  );
}
