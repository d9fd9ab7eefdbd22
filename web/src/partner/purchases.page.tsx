import { useState } from 'react';
import { useQuery } from 'urql';
import { formatDateTime, formatMoney, formatPoints } from '../format';
import { graphql } from '../gql';
import { ActionForm, Card, DataTable, Empty, ErrorNote, Field, Loading, Page, useCursorPages } from '../ui/kit';

const Purchases = graphql(`
  query PartnerPurchaseList($first: Int!, $after: String, $reference: String) {
    currentPartner {
      id
      purchases(first: $first, after: $after, reference: $reference) {
        edges {
          node {
            id
            reference
            cardNumber
            amount {
              amount
              currency
            }
            points
            returnedAmount {
              amount
              currency
            }
            returns {
              amount {
                amount
                currency
              }
              points
              createdAt
            }
            createdAt
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

const PAGE_SIZE = 20;

/** The partner's purchases, newest first, with their returns; a page at a time. */
export function PurchasesPage() {
  const { after, page: pageNumber, reset, pager } = useCursorPages('Purchase pages');
  const [reference, setReference] = useState('');
  const [{ data, fetching, error }, refetch] = useQuery({
    query: Purchases,
    variables: { first: PAGE_SIZE, after, reference: reference || null },
    requestPolicy: 'cache-and-network',
  });
  const connection = data?.currentPartner?.purchases;
  const purchases = connection?.edges.map((e) => e.node) ?? [];
  return (
    <Page
      title="Purchases"
      actions={
        <button type="button" className="secondary" onClick={() => refetch({ requestPolicy: 'network-only' })}>
          Refresh
        </button>
      }
    >
      <Card title="Find a purchase">
        <ActionForm
          label="Find"
          onSubmit={async (form) => {
            setReference(String(form.get('reference') ?? '').trim());
            reset();
          }}
        >
          <Field label="Reference" name="reference" autoComplete="off" hint="Empty: all purchases" defaultValue={reference} />
        </ActionForm>
      </Card>
      <Card title={reference ? `Purchase ${reference}` : 'All purchases'}>
        {fetching && !data && <Loading what="Loading purchases" />}
        <ErrorNote error={error} />
        {data && purchases.length === 0 && (
          <Empty>
            {reference ? `No purchase with reference ${reference}.` : pageNumber > 1 ? 'No more purchases.' : 'No purchases recorded yet.'}
          </Empty>
        )}
        {purchases.length > 0 && (
          <DataTable
            caption={`Newest first, page ${pageNumber}`}
            rows={purchases}
            rowKey={(p) => p.id}
            columns={[
              { header: 'Recorded', cell: (p) => formatDateTime(p.createdAt) },
              { header: 'Reference', cell: (p) => p.reference },
              { header: 'Card', cell: (p) => p.cardNumber },
              { header: 'Amount', numeric: true, cell: (p) => formatMoney(p.amount) },
              { header: 'Points', numeric: true, cell: (p) => formatPoints(p.points) },
              {
                header: 'Returned',
                numeric: true,
                cell: (p) => (p.returns.length === 0 ? '—' : formatMoney(p.returnedAmount)),
              },
              {
                header: 'Returns',
                cell: (p) =>
                  p.returns.length === 0 ? (
                    <span className="muted">none</span>
                  ) : (
                    <ul className="returns">
                      {p.returns.map((r, i) => (
                        <li key={i}>
                          {formatMoney(r.amount)}, {formatPoints(r.points)} back, {formatDateTime(r.createdAt)}
                        </li>
                      ))}
                    </ul>
                  ),
              },
            ]}
          />
        )}
        {pager(connection?.pageInfo, fetching)}
      </Card>
    </Page>
  );
}
