import { useClient, useQuery } from 'urql';
import { graphql } from '../gql';
import type { ActivityCapPeriod } from '../gql/graphql';
import { formatDateTime, formatPoints } from '../format';
import { ActionForm, Card, DataTable, Empty, ErrorNote, Field, Loading, Page, SelectField, useCursorPages } from '../ui/kit';
import { instant, localDateTimeValue, optional, OutcomeNote, PartnerSelect, settle, useOutcome, usePartners } from './shared';

const PAGE_SIZE = 30;

const ActivityRules = graphql(`
  query OperatorActivityRules($first: Int!, $after: String) {
    activityRules(first: $first, after: $after) {
      edges {
        node {
          id
          code
          name
          points
          capCount
          capPeriod
          startsAt
          endsAt
          active
          funder {
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

const CreateActivityRule = graphql(`
  mutation OperatorCreateActivityRule($input: CreateActivityRuleInput!) {
    createActivityRule(input: $input) {
      activityRule {
        id
        code
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

const SetActivityRuleActive = graphql(`
  mutation OperatorSetActivityRuleActive($input: SetActivityRuleActiveInput!) {
    setActivityRuleActive(input: $input) {
      activityRule {
        id
        code
        active
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const PERIODS: { value: ActivityCapPeriod; label: string }[] = [
  { value: 'DAY', label: 'Day' },
  { value: 'WEEK', label: 'Week (Monday to Sunday)' },
  { value: 'MONTH', label: 'Month' },
];
const periodLabel = (period: ActivityCapPeriod) => PERIODS.find((p) => p.value === period)!.label.toLowerCase();

export function ActivityRulesPage() {
  const client = useClient();
  const { after, pager } = useCursorPages('Activity rule pages');
  const [{ data, fetching, error }, refetch] = useQuery({
    query: ActivityRules,
    variables: { first: PAGE_SIZE, after },
    requestPolicy: 'cache-and-network',
  });
  const [outcome, setOutcome] = useOutcome();
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const rules = data?.activityRules.edges.map((e) => e.node);
  return (
    <Page title="Activity rules">
      <CreateActivityRuleCard onCreated={reload} />
      <Card title="Rules">
        {fetching && !rules && <Loading what="Loading activity rules" />}
        <ErrorNote error={error} />
        {rules && rules.length === 0 && <Empty>No activity rules yet.</Empty>}
        {rules && rules.length > 0 && (
          <DataTable
            caption="Activity rules, newest first"
            rows={rules}
            rowKey={(r) => r.id}
            columns={[
              { header: 'Code', cell: (r) => <code>{r.code}</code> },
              { header: 'Name', cell: (r) => r.name },
              { header: 'Points', cell: (r) => formatPoints(r.points), numeric: true },
              {
                header: 'Cap per member',
                cell: (r) => (r.capCount != null && r.capPeriod ? `${r.capCount} per ${periodLabel(r.capPeriod)}` : 'No cap'),
              },
              { header: 'Funded by', cell: (r) => r.funder?.name ?? 'Operator' },
              { header: 'Starts', cell: (r) => formatDateTime(r.startsAt) },
              { header: 'Ends', cell: (r) => (r.endsAt ? formatDateTime(r.endsAt) : 'Open-ended') },
              { header: 'Status', cell: (r) => (r.active ? 'Active' : 'Inactive') },
              {
                header: 'Action',
                cell: (r) => (
                  <ActionForm
                    className="inline-form"
                    label={`${r.active ? 'Deactivate' : 'Activate'} ${r.code}`}
                    busyLabel="Saving…"
                    onSubmit={async () => {
                      const { outcome } = await settle(
                        client.mutation(SetActivityRuleActive, { input: { ruleId: r.id, active: !r.active } }).toPromise(),
                        (d) => d.setActivityRuleActive,
                        (p) => `${p.activityRule!.code} is ${p.activityRule!.active ? 'active' : 'inactive'}.`,
                      );
                      setOutcome(outcome);
                      reload();
                    }}
                  />
                ),
              },
            ]}
          />
        )}
        <OutcomeNote outcome={outcome} />
        {data && pager(data.activityRules.pageInfo, fetching)}
      </Card>
    </Page>
  );
}

function CreateActivityRuleCard({ onCreated }: { onCreated: () => void }) {
  const client = useClient();
  const { partners } = usePartners();
  const [outcome, setOutcome] = useOutcome();
  return (
    <Card title="Create an activity rule">
      <p className="muted">Points for a customer action that partners report at their till, e.g. a review or an app check-in.</p>
      <ActionForm
        label="Create rule"
        busyLabel="Creating…"
        onSubmit={async (form) => {
          const capCount = optional(form.get('capCount'));
          const { outcome } = await settle(
            client
              .mutation(CreateActivityRule, {
                input: {
                  code: String(form.get('code')).trim(),
                  name: String(form.get('name')).trim(),
                  points: Number(form.get('points')),
                  capCount: capCount ? Number(capCount) : null,
                  capPeriod: capCount ? (form.get('capPeriod') as ActivityCapPeriod) : null,
                  funderPartnerId: optional(form.get('funderPartnerId')),
                  startsAt: instant(form.get('startsAt')),
                  endsAt: instant(form.get('endsAt')),
                },
              })
              .toPromise(),
            (d) => d.createActivityRule,
            (p) => `${p.activityRule!.name} (${p.activityRule!.code}) can be reported now.`,
          );
          setOutcome(outcome);
          if (outcome.done) onCreated();
        }}
      >
        <Field
          label="Code"
          name="code"
          required
          autoComplete="off"
          pattern="[A-Z][A-Z0-9_]{1,39}"
          hint="What partners report, e.g. REVIEW: an upper-case letter, then 1 to 39 of A–Z, 0–9, _"
        />
        <Field label="Rule name" name="name" required />
        <Field label="Points" name="points" type="number" min={1} step={1} required />
        <Field label="Cap per member" name="capCount" type="number" min={1} step={1} hint="Credits per member per period; empty: no cap" />
        <SelectField label="Cap period" name="capPeriod" defaultValue="DAY" options={PERIODS} />
        <PartnerSelect label="Funded by" name="funderPartnerId" partners={partners} none="The operator" />
        <Field label="Starts" name="startsAt" type="datetime-local" required defaultValue={localDateTimeValue(new Date())} />
        <Field label="Ends" name="endsAt" type="datetime-local" hint="Optional; empty: open-ended" />
      </ActionForm>
      <OutcomeNote outcome={outcome} />
    </Card>
  );
}
