import { Link } from 'react-router-dom';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import { formatDateTime, formatPoints } from '../format';
import { Card, ErrorNote, Loading, Page } from '../ui/kit';

const Overview = graphql(`
  query OperatorOverview {
    partners(first: 100) {
      edges {
        node {
          id
        }
      }
      pageInfo {
        hasNextPage
      }
    }
    pointsLiability {
      outstandingPoints
      expectedBreakagePoints
    }
    settlementPeriods(first: 1) {
      edges {
        node {
          id
          periodEnd
        }
      }
    }
    settlementDisputes(open: true, first: 100) {
      edges {
        node {
          id
        }
      }
    }
  }
`);

/** The coalition at a glance, each figure leading to the page that acts on it. */
export function OperatorOverview() {
  const [{ data, fetching, error }] = useQuery({ query: Overview, requestPolicy: 'cache-and-network' });
  if (fetching && !data) return <Loading what="Loading the overview" />;
  const partners = data?.partners.edges.length ?? 0;
  const lastPeriod = data?.settlementPeriods.edges[0]?.node;
  const openDisputes = data?.settlementDisputes.edges.length ?? 0;
  return (
    <Page title="Overview">
      <ErrorNote error={error} />
      {data && (
        <div className="grid">
          <Card title="Partners">
            <p className="balance">{data.partners.pageInfo.hasNextPage ? `${partners}+` : partners}</p>
            <Link to="/operator/partners">Manage partners</Link>
          </Card>
          <Card title="Outstanding points">
            <p className="balance">{formatPoints(data.pointsLiability.outstandingPoints)}</p>
            <p className="muted">{formatPoints(data.pointsLiability.expectedBreakagePoints)} expected never to be redeemed</p>
            <Link to="/operator/liability">Liability</Link>
          </Card>
          <Card title="Settlement">
            <p>{lastPeriod ? <>Last period ended {formatDateTime(lastPeriod.periodEnd)}.</> : 'No period closed yet.'}</p>
            <p>{openDisputes === 0 ? 'No open disputes.' : <strong>{openDisputes} open dispute(s).</strong>}</p>
            <Link to="/operator/settlement">Settlement</Link>
          </Card>
        </div>
      )}
    </Page>
  );
}
