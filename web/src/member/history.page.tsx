import { useState } from 'react';
import { useQuery } from 'urql';
import { graphql } from '../gql';
import type { TransactionKind } from '../gql/graphql';
import { formatDateTime } from '../format';
import { Empty, ErrorNote, Loading, Page, Pager } from '../ui/kit';
import { ItemList, PointsDelta } from './member-ui';

export const HISTORY_PAGE_SIZE = 20;

const MemberHistory = graphql(`
  query MemberHistory($first: Int, $after: String, $last: Int, $before: String) {
    me {
      id
      transactions(first: $first, after: $after, last: $last, before: $before) {
        edges {
          cursor
          node {
            id
            createdAt
            kind
            points
            reason
            reference
            partner {
              id
              name
            }
          }
        }
        pageInfo {
          hasNextPage
          hasPreviousPage
          startCursor
          endCursor
        }
      }
    }
  }
`);

export const KIND_LABEL: Record<TransactionKind, string> = {
  EARN: 'Earned',
  BONUS: 'Bonus',
  REDEEM: 'Reward',
  RETURN: 'Return',
  EXPIRE: 'Expired',
  MILES_TRANSFER: 'Miles',
  ADJUSTMENT: 'Adjustment',
};

type Window = { first: number; after?: string } | { last: number; before: string };

/** Newest first, a page at a time: Next goes back in time, Previous towards now. */
export function HistoryPage() {
  const [window, setWindow] = useState<Window>({ first: HISTORY_PAGE_SIZE });
  const [page, setPage] = useState(1);
  const [{ data, fetching, error }] = useQuery({ query: MemberHistory, variables: window });
  const connection = data?.me?.transactions;
  return (
    <Page title="History">
      <ErrorNote error={error} />
      {fetching && !data && <Loading what="Loading your history" />}
      {connection && connection.edges.length === 0 && <Empty>No points have moved on this card yet.</Empty>}
      {connection && connection.edges.length > 0 && (
        <section className="card" aria-label="Transactions" aria-busy={fetching}>
          <ItemList label="Transactions">
            {connection.edges.map(({ node: t }) => (
              <li key={t.id} className="item tx">
                <div className="tx-what">
                  <span>
                    <strong>{KIND_LABEL[t.kind]}</strong>
                    {t.partner && ` · ${t.partner.name}`}
                  </span>
                  <small className="muted">
                    {formatDateTime(t.createdAt)}
                    {t.reference && ` · ${t.reference}`}
                  </small>
                  {t.reason && <small className="muted">{t.reason}</small>}
                </div>
                <PointsDelta points={t.points} />
              </li>
            ))}
          </ItemList>
          <Pager
            label="History pages"
            page={page}
            disabled={fetching}
            hasPrevious={connection.pageInfo.hasPreviousPage}
            hasNext={connection.pageInfo.hasNextPage}
            onPrevious={() => {
              setWindow({ last: HISTORY_PAGE_SIZE, before: connection.pageInfo.startCursor! });
              setPage((p) => Math.max(1, p - 1));
            }}
            onNext={() => {
              setWindow({ first: HISTORY_PAGE_SIZE, after: connection.pageInfo.endCursor! });
              setPage((p) => p + 1);
            }}
          />
        </section>
      )}
    </Page>
  );
}
