import { useState } from 'react';
import { useClient, useQuery } from 'urql';
import { graphql } from '../gql';
import type { RewardKind } from '../gql/graphql';
import { formatMoney, formatPoints } from '../format';
import { ActionForm, Card, DataTable, Empty, ErrorNote, Field, Loading, Page, SelectField, useCursorPages } from '../ui/kit';
import { optional, OutcomeNote, PartnerSelect, settle, useOutcome, usePartners, type PartnerSummary } from './shared';

const Rewards = graphql(`
  query OperatorRewards($after: String) {
    rewards(first: 30, after: $after) {
      edges {
        node {
          id
          name
          kind
          pointsCost
          active
          giftCardValue {
            amount
            currency
          }
          sponsorContribution {
            amount
            currency
          }
          fulfilledBy {
            id
            name
          }
          sponsoredBy {
            id
            name
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

const CreateReward = graphql(`
  mutation OperatorCreateReward($input: CreateRewardInput!) {
    createReward(input: $input) {
      reward {
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

const CreateStampCard = graphql(`
  mutation OperatorCreateStampCard($input: CreateStampCardInput!) {
    createStampCard(input: $input) {
      stampCard {
        id
        name
        stampsRequired
        minimumPurchase {
          amount
          currency
        }
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

type Reward = NonNullable<ReturnType<typeof useRewards>['rewards']>[number];
function useRewards() {
  const { after, pager } = useCursorPages('Reward pages');
  const [{ data, fetching, error }, refetch] = useQuery({ query: Rewards, variables: { after }, requestPolicy: 'cache-and-network' });
  return {
    rewards: data?.rewards.edges.map((e) => e.node),
    pagerView: data && pager(data.rewards.pageInfo),
    fetching,
    error,
    reload: () => refetch({ requestPolicy: 'network-only' }),
  };
}

export function RewardsPage() {
  const { partners } = usePartners();
  const { rewards, pagerView, fetching, error, reload } = useRewards();
  return (
    <Page title="Rewards">
      <CreateRewardCard partners={partners} onCreated={reload} />
      <Card title="Catalogue">
        {fetching && !rewards && <Loading what="Loading the catalogue" />}
        <ErrorNote error={error} />
        {rewards && rewards.length === 0 && <Empty>No active rewards.</Empty>}
        {rewards && rewards.length > 0 && (
          <DataTable
            caption="Active rewards, oldest first"
            rows={rewards}
            rowKey={(r) => r.id}
            columns={[
              { header: 'Name', cell: (r) => r.name },
              { header: 'Kind', cell: (r) => (r.kind === 'GIFT_CARD' ? `Gift card ${formatMoney(r.giftCardValue)}` : 'Voucher') },
              { header: 'Cost', cell: (r) => formatPoints(r.pointsCost), numeric: true },
              { header: 'Fulfilled by', cell: (r) => r.fulfilledBy.name },
              { header: 'Sponsored by', cell: (r) => r.sponsoredBy.name },
              { header: 'Sponsor pays', cell: (r) => formatMoney(r.sponsorContribution), numeric: true },
            ]}
          />
        )}
        {pagerView}
      </Card>
      <CreateStampCardCard partners={partners} rewards={rewards ?? []} />
    </Page>
  );
}

function CreateRewardCard({ partners, onCreated }: { partners: PartnerSummary[]; onCreated: () => void }) {
  const client = useClient();
  const [outcome, setOutcome] = useOutcome();
  const [kind, setKind] = useState<RewardKind>('VOUCHER');
  const [fulfillerId, setFulfillerId] = useState('');
  const [sponsorId, setSponsorId] = useState('');
  const fulfiller = partners.find((p) => p.id === fulfillerId) ?? partners[0];
  const sponsor = partners.find((p) => p.id === sponsorId) ?? fulfiller;
  if (partners.length === 0) {
    return (
      <Card title="Add a reward">
        <Empty>Onboard a partner first: every reward is honoured by one.</Empty>
      </Card>
    );
  }
  return (
    <Card title="Add a reward">
      <ActionForm
        label="Create reward"
        busyLabel="Creating…"
        onSubmit={async (form) => {
          const contribution = optional(form.get('sponsorContribution'));
          const giftCardValue = optional(form.get('giftCardValue'));
          const { outcome } = await settle(
            client
              .mutation(CreateReward, {
                input: {
                  name: String(form.get('name')).trim(),
                  kind,
                  pointsCost: Number(form.get('pointsCost')),
                  fulfilledBy: fulfiller.id,
                  sponsoredBy: optional(form.get('sponsoredBy')),
                  sponsorContribution: contribution ? { amount: contribution, currency: sponsor.currency } : null,
                  giftCardValue: kind === 'GIFT_CARD' && giftCardValue ? { amount: giftCardValue, currency: fulfiller.currency } : null,
                },
              })
              .toPromise(),
            (d) => d.createReward,
            (p) => `${p.reward!.name} is in the catalogue.`,
          );
          setOutcome(outcome);
          if (outcome.done) onCreated();
        }}
      >
        <Field label="Reward name" name="name" required maxLength={200} />
        <SelectField
          label="Kind"
          name="kind"
          value={kind}
          onChange={(e) => setKind(e.target.value as RewardKind)}
          options={[
            { value: 'VOUCHER', label: 'Voucher (honoured at the till)' },
            { value: 'GIFT_CARD', label: 'Gift card (stored value)' },
          ]}
        />
        <Field label="Points cost" name="pointsCost" type="number" min={1} step={1} required />
        <PartnerSelect
          label="Fulfilling partner"
          name="fulfilledBy"
          partners={partners}
          value={fulfiller.id}
          onChange={(e) => setFulfillerId(e.target.value)}
        />
        <PartnerSelect
          label="Sponsoring partner"
          name="sponsoredBy"
          partners={partners.filter((p) => p.id !== fulfiller.id)}
          none="The fulfilling partner itself"
          value={sponsorId}
          onChange={(e) => setSponsorId(e.target.value)}
        />
        <Field
          label={`Sponsor contribution (${sponsor.currency})`}
          name="sponsorContribution"
          inputMode="decimal"
          placeholder="0"
          hint="Paid by the sponsor per redemption"
        />
        {kind === 'GIFT_CARD' && (
          <Field label={`Gift-card value (${fulfiller.currency})`} name="giftCardValue" inputMode="decimal" required />
        )}
      </ActionForm>
      <OutcomeNote outcome={outcome} />
    </Card>
  );
}

function CreateStampCardCard({ partners, rewards }: { partners: PartnerSummary[]; rewards: Reward[] }) {
  const client = useClient();
  const [outcome, setOutcome] = useOutcome();
  const [partnerId, setPartnerId] = useState('');
  const partner = partners.find((p) => p.id === partnerId) ?? partners[0];
  const vouchers = rewards.filter((r) => r.kind === 'VOUCHER' && r.fulfilledBy.id === partner?.id);
  return (
    <Card title="Add a stamp card">
      <p className="muted">Every Nth qualifying purchase at the partner earns a voucher it honours.</p>
      {!partner ? (
        <Empty>Onboard a partner first.</Empty>
      ) : (
        <ActionForm
          label="Create stamp card"
          busyLabel="Creating…"
          onSubmit={async (form) => {
            const minimum = optional(form.get('minimumPurchase'));
            const { outcome } = await settle(
              client
                .mutation(CreateStampCard, {
                  input: {
                    partnerId: partner.id,
                    name: String(form.get('name')).trim(),
                    rewardId: String(form.get('rewardId') ?? ''),
                    stampsRequired: Number(form.get('stampsRequired')),
                    minimumPurchase: minimum ? { amount: minimum, currency: partner.currency } : null,
                  },
                })
                .toPromise(),
              (d) => d.createStampCard,
              (p) =>
                `${p.stampCard!.name}: every ${p.stampCard!.stampsRequired} purchases from ${formatMoney(p.stampCard!.minimumPurchase)}.`,
            );
            setOutcome(outcome);
          }}
        >
          <PartnerSelect
            label="Partner"
            name="partnerId"
            partners={partners}
            value={partner.id}
            onChange={(e) => setPartnerId(e.target.value)}
          />
          <Field label="Stamp card name" name="name" required />
          <SelectField
            label="Reward voucher"
            name="rewardId"
            required
            options={
              vouchers.length ? vouchers.map((r) => ({ value: r.id, label: r.name })) : [{ value: '', label: 'No voucher at this partner' }]
            }
          />
          <Field label="Stamps required" name="stampsRequired" type="number" min={1} step={1} required defaultValue={10} />
          <Field label={`Minimum purchase (${partner.currency})`} name="minimumPurchase" inputMode="decimal" placeholder="0" />
        </ActionForm>
      )}
      <OutcomeNote outcome={outcome} />
    </Card>
  );
}
