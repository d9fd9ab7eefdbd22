import { useState } from 'react';
import { Link } from 'react-router-dom';
import { useClient, useQuery } from 'urql';
import { graphql } from '../gql';
import { formatDate } from '../format';
import { ActionForm, Card, DataTable, Empty, ErrorNote, Field, Loading, Page, useCursorPages } from '../ui/kit';
import { OneTimeSecret, optional, OutcomeNote, settle, useOutcome } from './shared';

const PartnerList = graphql(`
  query OperatorPartnerList($after: String) {
    partners(first: 50, after: $after) {
      edges {
        node {
          id
          name
          category
          currency
          createdAt
          contract {
            version
            pointsPerUnit
            issuancePricePerPoint
            redemptionValuePerPoint
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`);

const CreatePartner = graphql(`
  mutation OperatorCreatePartner($input: CreatePartnerInput!) {
    createPartner(input: $input) {
      partner {
        id
        name
      }
      apiKey
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export function PartnersPage() {
  const { after, pager } = useCursorPages('Partner pages');
  const [{ data, fetching, error }, refetch] = useQuery({ query: PartnerList, variables: { after }, requestPolicy: 'cache-and-network' });
  const partners = data?.partners.edges.map((e) => e.node) ?? [];
  return (
    <Page title="Partners">
      <CreatePartnerCard onCreated={() => refetch({ requestPolicy: 'network-only' })} />
      <Card title="All partners">
        {fetching && !data && <Loading what="Loading partners" />}
        <ErrorNote error={error} />
        {data && partners.length === 0 && <Empty>No partners yet. Onboard the first one above.</Empty>}
        {partners.length > 0 && (
          <DataTable
            caption="Partners in the coalition, oldest first"
            rows={partners}
            rowKey={(p) => p.id}
            columns={[
              { header: 'Name', cell: (p) => <Link to={`/operator/partners/${p.id}`}>{p.name}</Link> },
              { header: 'Category', cell: (p) => p.category },
              { header: 'Currency', cell: (p) => p.currency },
              { header: 'Points per unit', cell: (p) => p.contract?.pointsPerUnit ?? '—', numeric: true },
              { header: 'Issuance price', cell: (p) => p.contract?.issuancePricePerPoint ?? '—', numeric: true },
              { header: 'Redemption value', cell: (p) => p.contract?.redemptionValuePerPoint ?? '—', numeric: true },
              { header: 'Since', cell: (p) => formatDate(p.createdAt) },
            ]}
          />
        )}
        {data && pager(data.partners.pageInfo)}
      </Card>
    </Page>
  );
}

function CreatePartnerCard({ onCreated }: { onCreated: () => void }) {
  const client = useClient();
  const [outcome, setOutcome] = useOutcome();
  const [created, setCreated] = useState<{ id: string; name: string; apiKey: string } | null>(null);
  return (
    <Card title="Onboard a partner">
      <ActionForm
        label="Create partner"
        busyLabel="Creating…"
        onSubmit={async (form) => {
          setCreated(null);
          const { outcome, payload } = await settle(
            client
              .mutation(CreatePartner, {
                input: {
                  name: String(form.get('name')).trim(),
                  category: String(form.get('category')).trim(),
                  currency: String(form.get('currency')).trim().toUpperCase(),
                  pointsPerUnit: String(form.get('pointsPerUnit')).trim(),
                  issuancePricePerPoint: String(form.get('issuancePricePerPoint')).trim(),
                  redemptionValuePerPoint: String(form.get('redemptionValuePerPoint')).trim(),
                  giftCardReimbursementRate: optional(form.get('giftCardReimbursementRate')),
                },
              })
              .toPromise(),
            (d) => d.createPartner,
            (p) => `${p.partner!.name} is onboarded.`,
          );
          setOutcome(outcome);
          if (payload?.partner && payload.apiKey) {
            setCreated({ ...payload.partner, apiKey: payload.apiKey });
            onCreated();
          }
        }}
      >
        <Field label="Name" name="name" required maxLength={200} />
        <Field label="Category" name="category" required hint="e.g. pharmacy; partners in one category compete" />
        <Field label="Currency" name="currency" required defaultValue="EUR" pattern="[A-Za-z]{3}" hint="ISO 4217 code" />
        <Field
          label="Points per unit"
          name="pointsPerUnit"
          required
          inputMode="decimal"
          defaultValue="1"
          hint="Points earned per 1.00 spent"
        />
        <Field
          label="Issuance price per point"
          name="issuancePricePerPoint"
          required
          inputMode="decimal"
          hint="What it pays per point it issues"
        />
        <Field
          label="Redemption value per point"
          name="redemptionValuePerPoint"
          required
          inputMode="decimal"
          hint="What it receives per point redeemed at it"
        />
        <Field
          label="Gift-card reimbursement rate"
          name="giftCardReimbursementRate"
          inputMode="decimal"
          placeholder="1"
          hint="Optional; default 1"
        />
      </ActionForm>
      <OutcomeNote outcome={outcome} />
      {created && (
        <>
          <OneTimeSecret label={`API key for ${created.name}`} secret={created.apiKey} />
          <p>
            <Link to={`/operator/partners/${created.id}`}>Open {created.name}</Link>
          </p>
        </>
      )}
    </Card>
  );
}
