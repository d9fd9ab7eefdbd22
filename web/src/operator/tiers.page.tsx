import { useClient, useQuery } from 'urql';
import { graphql } from '../gql';
import { formatPoints } from '../format';
import { ActionForm, Card, DataTable, Empty, ErrorNote, Field, Loading, Page } from '../ui/kit';
import { optional, OutcomeNote, settle, useOutcome } from './shared';

const Tiers = graphql(`
  query OperatorTiers {
    tiers {
      id
      name
      minQualifyingPoints
      earnMultiplier
    }
  }
`);

const CreateTier = graphql(`
  mutation OperatorCreateTier($input: CreateTierInput!) {
    createTier(input: $input) {
      tier {
        id
        name
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

export function TiersPage() {
  const client = useClient();
  const [{ data, fetching, error }, refetch] = useQuery({ query: Tiers, requestPolicy: 'cache-and-network' });
  const [outcome, setOutcome] = useOutcome();
  const tiers = data?.tiers ?? [];
  return (
    <Page title="Tiers">
      <Card title="Add a tier">
        <p className="muted">Members reach a tier with qualifying points in the rolling window; upgrades apply at once.</p>
        <ActionForm
          label="Create tier"
          busyLabel="Creating…"
          onSubmit={async (form) => {
            const { outcome } = await settle(
              client
                .mutation(CreateTier, {
                  input: {
                    name: String(form.get('name')).trim(),
                    minQualifyingPoints: Number(form.get('minQualifyingPoints')),
                    earnMultiplier: optional(form.get('earnMultiplier')),
                  },
                })
                .toPromise(),
              (d) => d.createTier,
              (p) => `${p.tier!.name} added.`,
            );
            setOutcome(outcome);
            if (outcome.done) refetch({ requestPolicy: 'network-only' });
          }}
        >
          <Field label="Tier name" name="name" required />
          <Field label="Qualifying points" name="minQualifyingPoints" type="number" min={0} step={1} required />
          <Field label="Earn multiplier" name="earnMultiplier" inputMode="decimal" placeholder="1" hint="Optional; default 1" />
        </ActionForm>
        <OutcomeNote outcome={outcome} />
      </Card>
      <Card title="Status levels">
        {fetching && !data && <Loading what="Loading tiers" />}
        <ErrorNote error={error} />
        {data && tiers.length === 0 && <Empty>No tiers yet.</Empty>}
        {tiers.length > 0 && (
          <DataTable
            caption="Tiers, lowest first"
            rows={tiers}
            rowKey={(t) => t.id}
            columns={[
              { header: 'Name', cell: (t) => t.name },
              { header: 'From', cell: (t) => formatPoints(t.minQualifyingPoints), numeric: true },
              { header: 'Earn multiplier', cell: (t) => `× ${t.earnMultiplier}`, numeric: true },
            ]}
          />
        )}
      </Card>
    </Page>
  );
}
