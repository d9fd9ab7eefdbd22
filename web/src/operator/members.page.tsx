import { Link, useParams, useSearchParams } from 'react-router-dom';
import { useState } from 'react';
import { useClient, useMutation, useQuery } from 'urql';
import { graphql } from '../gql';
import { formatDate, formatDateTime, formatPoints } from '../format';
import {
  ActionForm,
  Card,
  DataTable,
  downloadJson,
  Empty,
  ErrorNote,
  Field,
  Loading,
  Page,
  UserErrors,
  type UserErrorShape,
} from '../ui/kit';

const SearchMembers = graphql(`
  query OperatorSearchMembers($search: String, $after: String) {
    members(search: $search, first: 25, after: $after) {
      edges {
        node {
          id
          cardNumber
          balance
          heldPoints
          enrolledAt
          tier {
            tier {
              name
            }
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

const MemberDetail = graphql(`
  query OperatorMemberDetail($cardNumber: String!, $after: String) {
    member(cardNumber: $cardNumber) {
      id
      cardNumber
      firstName
      lastName
      email
      language
      erasedAt
      marketingConsent {
        granted
        at
        source
      }
      balance
      heldPoints
      enrolledAt
      tier {
        qualifyingPoints
        since
        tier {
          name
        }
        nextTier {
          name
          minQualifyingPoints
        }
      }
      transactions(first: 25, after: $after) {
        edges {
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
          endCursor
        }
      }
    }
  }
`);

/** Card-number prefix lookup; the search and the page position live in the URL so Back works. */
export function MembersPage() {
  const [params, setParams] = useSearchParams();
  const search = params.get('search') ?? '';
  const after = params.get('after');
  const [{ data, fetching, error }] = useQuery({ query: SearchMembers, variables: { search: search || null, after }, pause: !search });
  const members = data?.members.edges.map((e) => e.node) ?? [];
  return (
    <Page title="Members">
      <Card title="Look up a member">
        <ActionForm
          label="Search"
          onSubmit={async (form) => {
            setParams({ search: String(form.get('search')).trim() });
          }}
        >
          <Field
            label="Card number or its beginning"
            name="search"
            required
            defaultValue={search}
            autoComplete="off"
            hint="Spaces and case do not matter"
          />
        </ActionForm>
      </Card>
      {search && (
        <Card title={`Cards starting with “${search}”`}>
          {fetching && <Loading what="Searching" />}
          <ErrorNote error={error} />
          {data && members.length === 0 && <Empty>No member’s card starts with that.</Empty>}
          {members.length > 0 && (
            <DataTable
              caption="Members in card-number order"
              rows={members}
              rowKey={(m) => m.id}
              columns={[
                { header: 'Card', cell: (m) => <Link to={`/operator/members/${encodeURIComponent(m.cardNumber)}`}>{m.cardNumber}</Link> },
                { header: 'Balance', cell: (m) => formatPoints(m.balance), numeric: true },
                { header: 'Held', cell: (m) => formatPoints(m.heldPoints), numeric: true },
                { header: 'Tier', cell: (m) => m.tier.tier?.name ?? '—' },
                { header: 'Enrolled', cell: (m) => formatDate(m.enrolledAt) },
              ]}
            />
          )}
          {data?.members.pageInfo.hasNextPage && (
            <button type="button" className="secondary" onClick={() => setParams({ search, after: data.members.pageInfo.endCursor! })}>
              Next cards
            </button>
          )}
        </Card>
      )}
    </Page>
  );
}

const OperatorExportMember = graphql(`
  query OperatorExportMember($cardNumber: String!) {
    exportMemberData(cardNumber: $cardNumber)
  }
`);

const OperatorEraseMember = graphql(`
  mutation OperatorEraseMember($input: EraseMemberInput!) {
    eraseMember(input: $input) {
      alreadyErased
      member {
        id
        firstName
        lastName
        email
        language
        erasedAt
        marketingConsent {
          granted
          at
          source
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

/** GDPR: the member's data as a JSON file, and erasure of its personal data (asked twice: it cannot be undone). */
function PrivacyCard({ cardNumber, erasedAt }: { cardNumber: string; erasedAt: string | null | undefined }) {
  const client = useClient();
  const [, erase] = useMutation(OperatorEraseMember);
  const [errors, setErrors] = useState<readonly UserErrorShape[]>();
  return (
    <Card title="Privacy">
      <button
        type="button"
        className="secondary"
        onClick={async () => {
          const result = await client.query(OperatorExportMember, { cardNumber }, { requestPolicy: 'network-only' }).toPromise();
          if (result.data?.exportMemberData) downloadJson(`member-${cardNumber}.json`, result.data.exportMemberData);
        }}
      >
        Export data
      </button>
      {erasedAt ? (
        <p aria-label="Erasure">Personal data erased {formatDateTime(erasedAt)}.</p>
      ) : (
        <ActionForm
          label="Erase member"
          busyLabel="Erasing…"
          onSubmit={async (form) => {
            if (!window.confirm(`Erase the personal data of card ${cardNumber}? This cannot be undone; points and history stay.`)) return;
            const result = await erase({ input: { cardNumber, reason: String(form.get('reason') ?? '') } });
            setErrors(result.data?.eraseMember.userErrors);
          }}
        >
          <Field label="Reason" name="reason" required minLength={3} maxLength={500} hint="e.g. the erasure request's reference" />
        </ActionForm>
      )}
      <UserErrors errors={errors} />
    </Card>
  );
}

export function MemberPage() {
  const { cardNumber = '' } = useParams();
  const [params, setParams] = useSearchParams();
  const after = params.get('after');
  const [{ data, fetching, error }] = useQuery({
    query: MemberDetail,
    variables: { cardNumber, after },
    requestPolicy: 'cache-and-network',
  });
  const member = data?.member;
  const back = <Link to="/operator/members">Member lookup</Link>;
  if (fetching && !data) return <Loading what="Loading the member" />;
  if (error) return <ErrorNote error={error} />;
  if (!member)
    return (
      <Page title="Member" actions={back}>
        <Empty>No member with card {cardNumber}.</Empty>
      </Page>
    );
  const transactions = member.transactions.edges.map((e) => e.node);
  return (
    <Page title={`Card ${member.cardNumber}`} actions={back}>
      <div className="grid">
        <Card title="Balance">
          <p className="balance">{formatPoints(member.balance)}</p>
          <p className="muted">
            {member.heldPoints > 0 ? `${formatPoints(member.heldPoints)} held for pending transfers · ` : ''}
            enrolled {formatDate(member.enrolledAt)}
          </p>
        </Card>
        <Card title="Profile">
          <p>
            <strong>{[member.firstName, member.lastName].filter(Boolean).join(' ') || 'No name given'}</strong>
          </p>
          <p className="muted">
            {member.email ?? 'no email'} · {member.language ?? 'no language'} · marketing{' '}
            {member.marketingConsent?.granted
              ? `consented ${formatDate(member.marketingConsent.at)} (${member.marketingConsent.source})`
              : 'not consented'}
          </p>
        </Card>
        <PrivacyCard cardNumber={member.cardNumber} erasedAt={member.erasedAt} />
        <Card title="Tier">
          <p>
            <strong>{member.tier.tier?.name ?? 'No tier'}</strong>
            {member.tier.since && <> since {formatDate(member.tier.since)}</>}
          </p>
          <p className="muted">
            {formatPoints(member.tier.qualifyingPoints)} qualifying
            {member.tier.nextTier && (
              <>
                {' '}
                · {member.tier.nextTier.name} at {formatPoints(member.tier.nextTier.minQualifyingPoints)}
              </>
            )}
          </p>
        </Card>
      </div>
      <Card title="History">
        {transactions.length === 0 ? (
          <Empty>{after ? 'No older transactions.' : 'No transactions yet.'}</Empty>
        ) : (
          <DataTable
            caption="Transactions, newest first"
            rows={transactions}
            rowKey={(t) => t.id}
            columns={[
              { header: 'When', cell: (t) => formatDateTime(t.createdAt) },
              { header: 'Kind', cell: (t) => t.kind },
              { header: 'Points', cell: (t) => (t.points > 0 ? `+${formatPoints(t.points)}` : formatPoints(t.points)), numeric: true },
              {
                header: 'Partner',
                cell: (t) => (t.partner ? <Link to={`/operator/partners/${t.partner.id}`}>{t.partner.name}</Link> : '—'),
              },
              { header: 'Reference / reason', cell: (t) => t.reason ?? t.reference ?? '—' },
            ]}
          />
        )}
        <div className="pager">
          {after && (
            <button type="button" className="secondary" onClick={() => setParams({})}>
              Newest
            </button>
          )}
          {member.transactions.pageInfo.hasNextPage && (
            <button type="button" className="secondary" onClick={() => setParams({ after: member.transactions.pageInfo.endCursor! })}>
              Older
            </button>
          )}
        </div>
      </Card>
    </Page>
  );
}
