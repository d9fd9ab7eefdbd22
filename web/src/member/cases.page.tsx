import { useState } from 'react';
import { useMutation, useQuery } from 'urql';
import { formatDateTime, formatPoints } from '../format';
import { graphql } from '../gql';
import { Empty, ErrorNote, Loading, Notice, Page, UserErrors, type UserErrorShape } from '../ui/kit';
import { Badge, ItemList } from './member-ui';

const MyCases = graphql(`
  query MemberServiceCaseList {
    me {
      id
      serviceCases(first: 50) {
        edges {
          node {
            id
            subject
            status
            openedAt
            resolvedAt
            resolution
            goodwillPoints
            satisfaction
            partner {
              id
              name
            }
          }
        }
      }
    }
  }
`);

const RateCase = graphql(`
  mutation MemberRateServiceCase($input: RateServiceCaseInput!) {
    rateServiceCase(input: $input) {
      serviceCase {
        id
        satisfaction
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const TONE = { OPEN: 'wait', OVERDUE: 'off', RESOLVED: 'ok' } as const;

/** The member's complaints: where each stands, and a 1–5 rating once one is resolved. */
export function CasesPage() {
  const [{ data, fetching, error }] = useQuery({ query: MyCases, requestPolicy: 'cache-and-network' });
  const cases = data?.me?.serviceCases.edges.map((e) => e.node) ?? [];
  return (
    <Page title="My cases">
      <ErrorNote error={error} />
      {fetching && !data && <Loading what="Loading your cases" />}
      {data && cases.length === 0 && <Empty>You have no service cases.</Empty>}
      {cases.length > 0 && (
        <section className="card" aria-label="Service cases">
          <ItemList label="Service cases">
            {cases.map((c) => (
              <li key={c.id} className="item stacked">
                <div className="item-head">
                  <strong>{c.subject}</strong>
                  <Badge tone={TONE[c.status]}>{c.status === 'RESOLVED' ? 'Resolved' : 'Being handled'}</Badge>
                </div>
                <small className="muted">
                  {c.partner?.name ?? 'Coalition'} · opened {formatDateTime(c.openedAt)}
                  {c.resolvedAt && ` · resolved ${formatDateTime(c.resolvedAt)}`}
                </small>
                {c.resolution && <p>{c.resolution}</p>}
                {c.goodwillPoints && <small>{formatPoints(c.goodwillPoints)} of goodwill added to your card.</small>}
                {c.status === 'RESOLVED' && <Rating caseId={c.id} subject={c.subject} satisfaction={c.satisfaction ?? null} />}
              </li>
            ))}
          </ItemList>
        </section>
      )}
    </Page>
  );
}

function Rating({ caseId, subject, satisfaction }: { caseId: string; subject: string; satisfaction: number | null }) {
  const [{ fetching }, rate] = useMutation(RateCase);
  const [errors, setErrors] = useState<readonly UserErrorShape[]>([]);
  const [failure, setFailure] = useState<string | null>(null);
  if (satisfaction !== null) return <Notice>You rated this {satisfaction} out of 5. Thank you!</Notice>;
  return (
    <div role="group" aria-label={`Rate how “${subject}” was handled`}>
      <small>How satisfied are you with how this was handled?</small>
      <div className="rating">
        {[1, 2, 3, 4, 5].map((n) => (
          <button
            key={n}
            type="button"
            className="secondary"
            disabled={fetching}
            aria-label={`${n} out of 5`}
            onClick={async () => {
              const result = await rate({ input: { caseId, satisfaction: n } });
              setFailure(result.error ? result.error.message : null);
              setErrors(result.data?.rateServiceCase.userErrors ?? []);
            }}
          >
            {n}
          </button>
        ))}
      </div>
      <UserErrors errors={errors} />
      {failure && <ErrorNote error={{ message: failure }} />}
    </div>
  );
}
