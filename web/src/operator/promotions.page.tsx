import { useState } from 'react';
import { useClient, useQuery } from 'urql';
import { graphql } from '../gql';
import type { PromotionKind } from '../gql/graphql';
import { formatDateTime, formatPoints } from '../format';
import { ActionForm, Card, DataTable, Empty, ErrorNote, Field, Loading, Page, SelectField } from '../ui/kit';
import { instant, localDateTimeValue, optional, OutcomeNote, PartnerSelect, settle, useOutcome, usePartners } from './shared';

const Promotions = graphql(`
  query OperatorPromotions {
    promotions {
      id
      name
      kind
      multiplier
      bonusPoints
      category
      startsAt
      endsAt
      operatorFunded
    }
  }
`);

const CreatePromotion = graphql(`
  mutation OperatorCreatePromotion($input: CreatePromotionInput!) {
    createPromotion(input: $input) {
      promotion {
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

export function PromotionsPage() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: Promotions, requestPolicy: 'cache-and-network' });
  const promotions = data?.promotions ?? [];
  return (
    <Page title="Promotions">
      <CreatePromotionCard onCreated={() => refetch({ requestPolicy: 'network-only' })} />
      <Card title="Running and upcoming">
        {fetching && !data && <Loading what="Loading promotions" />}
        <ErrorNote error={error} />
        {data && promotions.length === 0 && <Empty>No running or upcoming promotions.</Empty>}
        {promotions.length > 0 && (
          <DataTable
            caption="Promotions (the best multiplier applies; fixed bonuses add)"
            rows={promotions}
            rowKey={(p) => p.id}
            columns={[
              { header: 'Name', cell: (p) => p.name },
              { header: 'Effect', cell: (p) => (p.kind === 'MULTIPLIER' ? `× ${p.multiplier}` : `+${formatPoints(p.bonusPoints)}`) },
              { header: 'Scope', cell: (p) => p.category ?? 'Partner or everyone' },
              { header: 'Funded by', cell: (p) => (p.operatorFunded ? 'Operator' : 'Partner') },
              { header: 'Starts', cell: (p) => formatDateTime(p.startsAt) },
              { header: 'Ends', cell: (p) => formatDateTime(p.endsAt) },
            ]}
          />
        )}
      </Card>
    </Page>
  );
}

function CreatePromotionCard({ onCreated }: { onCreated: () => void }) {
  const client = useClient();
  const { partners } = usePartners();
  const [outcome, setOutcome] = useOutcome();
  const [kind, setKind] = useState<PromotionKind>('MULTIPLIER');
  const [scopeId, setScopeId] = useState('');
  const scoped = partners.find((p) => p.id === scopeId);
  const now = new Date();
  return (
    <Card title="Create a promotion">
      <ActionForm
        label="Create promotion"
        busyLabel="Creating…"
        onSubmit={async (form) => {
          const minimum = optional(form.get('minimumPurchase'));
          const bonus = optional(form.get('bonusPoints'));
          const { outcome } = await settle(
            client
              .mutation(CreatePromotion, {
                input: {
                  name: String(form.get('name')).trim(),
                  kind,
                  multiplier: kind === 'MULTIPLIER' ? optional(form.get('multiplier')) : null,
                  bonusPoints: kind === 'FIXED_BONUS' && bonus ? Number(bonus) : null,
                  partnerId: scoped?.id ?? null,
                  category: scoped ? null : optional(form.get('category')),
                  funderPartnerId: optional(form.get('funderPartnerId')),
                  minimumPurchase: scoped && minimum ? { amount: minimum, currency: scoped.currency } : null,
                  startsAt: instant(form.get('startsAt'))!,
                  endsAt: instant(form.get('endsAt'))!,
                },
              })
              .toPromise(),
            (d) => d.createPromotion,
            (p) => `${p.promotion!.name} is scheduled.`,
          );
          setOutcome(outcome);
          if (outcome.done) onCreated();
        }}
      >
        <Field label="Promotion name" name="name" required />
        <SelectField
          label="Kind"
          name="kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as PromotionKind)}
          options={[
            { value: 'MULTIPLIER', label: 'Multiplier' },
            { value: 'FIXED_BONUS', label: 'Fixed bonus' },
          ]}
        />
        {kind === 'MULTIPLIER' ? (
          <Field label="Multiplier" name="multiplier" inputMode="decimal" required hint='Greater than 1, e.g. "2" for double points' />
        ) : (
          <Field label="Bonus points" name="bonusPoints" type="number" min={1} step={1} required />
        )}
        <PartnerSelect
          label="Partner scope"
          name="partnerId"
          partners={partners}
          none="No single partner"
          value={scopeId}
          onChange={(e) => setScopeId(e.target.value)}
        />
        {!scoped && <Field label="Category scope" name="category" hint="Optional; empty with no partner: everyone" />}
        {scoped && <Field label={`Minimum purchase (${scoped.currency})`} name="minimumPurchase" inputMode="decimal" placeholder="0" />}
        <PartnerSelect label="Funded by" name="funderPartnerId" partners={partners} none="The operator" />
        <Field label="Starts" name="startsAt" type="datetime-local" required defaultValue={localDateTimeValue(now)} />
        <Field
          label="Ends"
          name="endsAt"
          type="datetime-local"
          required
          defaultValue={localDateTimeValue(new Date(now.getTime() + 7 * 86_400_000))}
        />
      </ActionForm>
      <OutcomeNote outcome={outcome} />
    </Card>
  );
}
