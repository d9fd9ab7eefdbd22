import { useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import { useMutation, useQuery } from 'urql';
import { formatPoints } from '../format';
import { graphql } from '../gql';
import { ActionForm, Card, Empty, ErrorNote, Field, Loading, Page, SelectField, useCursorPages } from '../ui/kit';
import { CASE_CATEGORIES, ServiceCaseTable, StatusFilter, type ServiceCaseStatusFilter } from '../ui/service-cases';
import { run, runKeyed, useIdempotencyKeys, type Outcome } from './actions';
import { OutcomeNote } from './outcome';

const PartnerCases = graphql(`
  query PartnerServiceCaseList($status: ServiceCaseStatus, $first: Int!, $after: String) {
    currentPartner {
      id
      serviceCases(status: $status, first: $first, after: $after) {
        edges {
          node {
            ...ServiceCaseRow
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

const OpenCase = graphql(`
  mutation PartnerOpenServiceCase($input: OpenServiceCaseInput!) {
    openServiceCase(input: $input) {
      serviceCase {
        id
        followUpDueAt
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const ResolveCase = graphql(`
  mutation PartnerResolveServiceCase($input: ResolveServiceCaseInput!) {
    resolveServiceCase(input: $input) {
      serviceCase {
        id
        status
      }
      transaction {
        id
        points
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const PAGE_SIZE = 20;

/** Complaints taken at the till: opened with card and subject, resolved once, optionally with goodwill at the partner's cost. */
export function ServiceCasesPage() {
  const [params] = useSearchParams();
  const [status, setStatus] = useState<ServiceCaseStatusFilter>('');
  const { after, page, reset, pager } = useCursorPages('Service case pages');
  const [{ data, fetching, error }, refetch] = useQuery({
    query: PartnerCases,
    variables: { status: status || null, first: PAGE_SIZE, after },
    requestPolicy: 'cache-and-network',
  });
  const [, openCase] = useMutation(OpenCase);
  const [, resolveCase] = useMutation(ResolveCase);
  const keys = useIdempotencyKeys();
  const [opened, setOpened] = useState<Outcome<unknown> | null>(null);
  const [resolving, setResolving] = useState<string | null>(null);
  const [resolved, setResolved] = useState<Outcome<{ transaction: { points: number } | null }> | null>(null);
  const connection = data?.currentPartner?.serviceCases;
  const cases = connection?.edges.map((e) => e.node) ?? [];
  const reload = () => refetch({ requestPolicy: 'network-only' });

  return (
    <Page title="Service cases">
      <Card title="Open a case">
        <ActionForm
          label="Open case"
          onSubmit={async (form) => {
            const outcome = await run(
              () =>
                openCase({
                  input: {
                    cardNumber: String(form.get('card')),
                    subject: String(form.get('subject')),
                    category: form.get('category') as (typeof CASE_CATEGORIES)[number],
                  },
                }),
              (d) => d.openServiceCase,
            );
            setOpened(outcome);
            if (outcome.kind === 'done') reload();
          }}
        >
          <Field label="Card number" name="card" required autoComplete="off" defaultValue={params.get('card') ?? ''} />
          <Field label="Subject" name="subject" required maxLength={200} autoComplete="off" />
          <SelectField label="Category" name="category" options={CASE_CATEGORIES.map((c) => ({ value: c, label: c }))} />
        </ActionForm>
        <OutcomeNote outcome={opened} done={() => 'Case opened; the follow-up call is due in two days.'} />
      </Card>

      {resolving && (
        <Card title="Resolve the case">
          <ActionForm
            label="Resolve"
            onSubmit={async (form) => {
              const points = String(form.get('points') ?? '').trim();
              const outcome = await runKeyed(
                keys,
                `resolve:${resolving}`,
                (idempotencyKey) =>
                  resolveCase({
                    input: {
                      caseId: resolving,
                      resolution: String(form.get('resolution')),
                      goodwillPoints: points ? Number(points) : null,
                      idempotencyKey,
                    },
                  }),
                (d) => d.resolveServiceCase,
              );
              setResolved(outcome);
              if (outcome.kind === 'done') {
                setResolving(null);
                reload();
              }
            }}
          >
            <Field label="Resolution" name="resolution" required minLength={3} maxLength={2000} autoComplete="off" />
            <Field label="Goodwill points" name="points" type="number" min={1} step={1} hint="Optional, at your cost" />
          </ActionForm>
        </Card>
      )}
      <OutcomeNote
        outcome={resolved}
        done={(v) => (v.transaction ? `Resolved; ${formatPoints(v.transaction.points)} goodwill credited.` : 'Resolved.')}
      />

      <Card title="Cases">
        <StatusFilter
          value={status}
          onChange={(s) => {
            setStatus(s);
            reset();
          }}
        />
        {fetching && !data && <Loading what="Loading cases" />}
        <ErrorNote error={error} />
        {data && cases.length === 0 && <Empty>No cases here.</Empty>}
        {cases.length > 0 && (
          <ServiceCaseTable
            caption={`Newest first, page ${page}`}
            cases={cases}
            action={(c) =>
              c.status === 'RESOLVED' ? null : (
                <button type="button" className="secondary" onClick={() => (setResolving(c.id), setResolved(null))}>
                  Resolve {c.subject}
                </button>
              )
            }
          />
        )}
        {pager(connection?.pageInfo, fetching)}
      </Card>
    </Page>
  );
}
