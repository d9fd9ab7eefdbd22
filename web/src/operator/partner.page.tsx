import { useState } from 'react';
import { Link, useParams } from 'react-router-dom';
import { useClient, useQuery } from 'urql';
import { graphql } from '../gql';
import type { OperatorPartnerDetailQuery } from '../gql/graphql';
import { formatDateTime } from '../format';
import { ActionForm, Card, DataTable, Empty, ErrorNote, Field, Loading, Page } from '../ui/kit';
import { instant, OneTimeSecret, optional, OutcomeNote, PartnerSelect, settle, useOutcome, usePartners } from './shared';

const PartnerDetail = graphql(`
  query OperatorPartnerDetail($id: ID!) {
    node(id: $id) {
      __typename
      ... on Partner {
        id
        name
        category
        currency
        createdAt
        contract {
          version
          effectiveFrom
          pointsPerUnit
          issuancePricePerPoint
          redemptionValuePerPoint
          giftCardReimbursementRate
          breakageShare
        }
        apiKeys {
          id
          prefix
          createdAt
          revokedAt
        }
      }
    }
  }
`);

const SetCategory = graphql(`
  mutation OperatorSetPartnerCategory($input: SetPartnerCategoryInput!) {
    setPartnerCategory(input: $input) {
      partner {
        id
        category
      }
      deactivatedRewards
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const AddCompetitors = graphql(`
  mutation OperatorAddCompetitors($input: AddCompetitorsInput!) {
    addCompetitors(input: $input) {
      deactivatedRewards
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const AmendContract = graphql(`
  mutation OperatorAmendContract($input: AmendPartnerContractInput!) {
    amendPartnerContract(input: $input) {
      contract {
        version
        effectiveFrom
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const IssueKey = graphql(`
  mutation OperatorIssuePartnerKey($input: CreatePartnerApiKeyInput!) {
    createPartnerApiKey(input: $input) {
      apiKey
      partnerApiKey {
        id
        prefix
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const RevokeKey = graphql(`
  mutation OperatorRevokePartnerKey($input: RevokePartnerApiKeyInput!) {
    revokePartnerApiKey(input: $input) {
      partnerApiKey {
        id
        revokedAt
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

type Detail = Extract<NonNullable<OperatorPartnerDetailQuery['node']>, { __typename: 'Partner' }>;

export function PartnerPage() {
  const { id = '' } = useParams();
  const [{ data, fetching, error }, refetch] = useQuery({ query: PartnerDetail, variables: { id }, requestPolicy: 'cache-and-network' });
  const partner = data?.node?.__typename === 'Partner' ? data.node : null;
  const reload = () => refetch({ requestPolicy: 'network-only' });
  if (fetching && !data) return <Loading what="Loading the partner" />;
  if (error) return <ErrorNote error={error} />;
  if (!partner)
    return (
      <Page title="Partner">
        <Empty>
          No partner with that ID. <Link to="/operator/partners">All partners</Link>
        </Empty>
      </Page>
    );
  return (
    <Page title={partner.name} actions={<Link to="/operator/partners">All partners</Link>}>
      <p className="muted">
        {partner.category} · settles in {partner.currency} · onboarded {formatDateTime(partner.createdAt)}
      </p>
      <div className="grid">
        <CategoryCard partner={partner} onChanged={reload} />
        <CompetitorsCard partner={partner} />
      </div>
      <ContractCard partner={partner} onChanged={reload} />
      <ApiKeysCard partner={partner} onChanged={reload} />
    </Page>
  );
}

function CategoryCard({ partner, onChanged }: { partner: Detail; onChanged: () => void }) {
  const client = useClient();
  const [outcome, setOutcome] = useOutcome();
  return (
    <Card title="Category">
      <p>
        Now: <strong>{partner.category}</strong>. Rewards that would then pair competitors are withdrawn.
      </p>
      <ActionForm
        label="Set category"
        onSubmit={async (form) => {
          const { outcome } = await settle(
            client.mutation(SetCategory, { input: { partnerId: partner.id, category: String(form.get('category')) } }).toPromise(),
            (d) => d.setPartnerCategory,
            (p) => `Category set to ${p.partner!.category}; ${p.deactivatedRewards} reward(s) withdrawn.`,
          );
          setOutcome(outcome);
          if (outcome.done) onChanged();
        }}
      >
        <Field label="New category" name="category" required defaultValue={partner.category} />
      </ActionForm>
      <OutcomeNote outcome={outcome} />
    </Card>
  );
}

function CompetitorsCard({ partner }: { partner: Detail }) {
  const client = useClient();
  const { partners } = usePartners();
  const [outcome, setOutcome] = useOutcome();
  const others = partners.filter((p) => p.id !== partner.id);
  const sameCategory = others.filter((p) => p.category === partner.category);
  return (
    <Card title="Competitors">
      {sameCategory.length > 0 ? (
        <p>
          Same category ({partner.category}): {sameCategory.map((p) => p.name).join(', ')}.
        </p>
      ) : (
        <p className="muted">No other partner in {partner.category}.</p>
      )}
      <p className="muted">Declare a competitor in another category; rewards pairing the two are withdrawn.</p>
      {others.length === 0 ? (
        <Empty>No other partners yet.</Empty>
      ) : (
        <ActionForm
          label="Add competitor"
          onSubmit={async (form) => {
            const competitorId = String(form.get('competitorId'));
            const { outcome } = await settle(
              client.mutation(AddCompetitors, { input: { partnerId: partner.id, competitorId } }).toPromise(),
              (d) => d.addCompetitors,
              (p) =>
                `${partner.name} and ${others.find((o) => o.id === competitorId)?.name} now compete; ${p.deactivatedRewards} reward(s) withdrawn.`,
            );
            setOutcome(outcome);
          }}
        >
          <PartnerSelect label="Competitor" name="competitorId" partners={others} required />
        </ActionForm>
      )}
      <OutcomeNote outcome={outcome} />
    </Card>
  );
}

function ContractCard({ partner, onChanged }: { partner: Detail; onChanged: () => void }) {
  const client = useClient();
  const [outcome, setOutcome] = useOutcome();
  const c = partner.contract;
  return (
    <Card title="Contract">
      {c ? (
        <DataTable
          caption={`Terms in force now: version ${c.version}, from ${formatDateTime(c.effectiveFrom)}`}
          rows={[c]}
          rowKey={(r) => String(r.version)}
          columns={[
            { header: 'Points per unit', cell: (r) => r.pointsPerUnit, numeric: true },
            { header: 'Issuance price / point', cell: (r) => r.issuancePricePerPoint, numeric: true },
            { header: 'Redemption value / point', cell: (r) => r.redemptionValuePerPoint, numeric: true },
            { header: 'Gift-card rate', cell: (r) => r.giftCardReimbursementRate, numeric: true },
            { header: 'Breakage share', cell: (r) => r.breakageShare, numeric: true },
          ]}
        />
      ) : (
        <Empty>No terms in force.</Empty>
      )}
      <h3>Amend the contract</h3>
      <p className="muted">A new version applies from its start; entries already posted keep the version they used.</p>
      <ActionForm
        label="Amend contract"
        busyLabel="Amending…"
        onSubmit={async (form) => {
          const { outcome } = await settle(
            client
              .mutation(AmendContract, {
                input: {
                  partnerId: partner.id,
                  pointsPerUnit: String(form.get('pointsPerUnit')).trim(),
                  issuancePricePerPoint: String(form.get('issuancePricePerPoint')).trim(),
                  redemptionValuePerPoint: String(form.get('redemptionValuePerPoint')).trim(),
                  giftCardReimbursementRate: optional(form.get('giftCardReimbursementRate')),
                  breakageShare: optional(form.get('breakageShare')),
                  effectiveFrom: instant(form.get('effectiveFrom')),
                },
              })
              .toPromise(),
            (d) => d.amendPartnerContract,
            (p) => `Version ${p.contract!.version} applies from ${formatDateTime(p.contract!.effectiveFrom)}.`,
          );
          setOutcome(outcome);
          if (outcome.done) onChanged();
        }}
      >
        <Field label="Points per unit" name="pointsPerUnit" required inputMode="decimal" defaultValue={c?.pointsPerUnit} />
        <Field
          label="Issuance price per point"
          name="issuancePricePerPoint"
          required
          inputMode="decimal"
          defaultValue={c?.issuancePricePerPoint}
        />
        <Field
          label="Redemption value per point"
          name="redemptionValuePerPoint"
          required
          inputMode="decimal"
          defaultValue={c?.redemptionValuePerPoint}
        />
        <Field
          label="Gift-card reimbursement rate"
          name="giftCardReimbursementRate"
          inputMode="decimal"
          defaultValue={c?.giftCardReimbursementRate}
        />
        <Field label="Breakage share" name="breakageShare" inputMode="decimal" defaultValue={c?.breakageShare} hint="0 to 1" />
        <Field label="Effective from" name="effectiveFrom" type="datetime-local" hint="Empty: now. Never in the past." />
      </ActionForm>
      <OutcomeNote outcome={outcome} />
    </Card>
  );
}

function ApiKeysCard({ partner, onChanged }: { partner: Detail; onChanged: () => void }) {
  const client = useClient();
  const [outcome, setOutcome] = useOutcome();
  const [issued, setIssued] = useState<string | null>(null);
  const keys = partner.apiKeys;
  return (
    <Card title="API keys">
      {keys.length === 0 ? (
        <Empty>No keys.</Empty>
      ) : (
        <DataTable
          caption="Keys, revoked ones included"
          rows={keys}
          rowKey={(k) => k.id}
          columns={[
            { header: 'Key', cell: (k) => <code>{k.prefix}…</code> },
            { header: 'Created', cell: (k) => formatDateTime(k.createdAt) },
            { header: 'Status', cell: (k) => (k.revokedAt ? `Revoked ${formatDateTime(k.revokedAt)}` : 'Active') },
            {
              header: 'Action',
              cell: (k) =>
                k.revokedAt ? null : (
                  <ActionForm
                    className="inline-form"
                    label={`Revoke ${k.prefix}…`}
                    busyLabel="Revoking…"
                    onSubmit={async () => {
                      if (!window.confirm(`Revoke key ${k.prefix}…? Calls with it stop working at once.`)) return;
                      const { outcome } = await settle(
                        client.mutation(RevokeKey, { input: { apiKeyId: k.id } }).toPromise(),
                        (d) => d.revokePartnerApiKey,
                        () => `Key ${k.prefix}… revoked.`,
                      );
                      setOutcome(outcome);
                      onChanged();
                    }}
                  />
                ),
            },
          ]}
        />
      )}
      <ActionForm
        label="Issue a new key"
        busyLabel="Issuing…"
        onSubmit={async () => {
          setIssued(null);
          const { outcome, payload } = await settle(
            client.mutation(IssueKey, { input: { partnerId: partner.id } }).toPromise(),
            (d) => d.createPartnerApiKey,
            (p) => `Key ${p.partnerApiKey!.prefix}… issued.`,
          );
          setOutcome(outcome);
          if (payload?.apiKey) setIssued(payload.apiKey);
          onChanged();
        }}
      />
      <OutcomeNote outcome={outcome} />
      {issued && <OneTimeSecret label={`New API key for ${partner.name}`} secret={issued} />}
    </Card>
  );
}
