import { useState } from 'react';
import { useClient, useQuery } from 'urql';
import { formatDateTime, formatPoints } from '../format';
import { graphql } from '../gql';
import type { PartnerMilesQueueQuery } from '../gql/graphql';
import { ActionForm, Card, Empty, ErrorNote, Field, Loading, Page, useCursorPages } from '../ui/kit';
import { Outcome, runKeyed, useIdempotencyKeys } from './actions';
import { OutcomeNote } from './outcome';

const PendingTransfers = graphql(`
  query PartnerMilesQueue($first: Int!, $after: String) {
    currentPartner {
      id
      milesTransfers(status: PENDING, first: $first, after: $after) {
        edges {
          node {
            id
            points
            miles
            frequentFlyerNumber
            createdAt
            status
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

const Confirm = graphql(`
  mutation PartnerMilesConfirm($input: ResolveMilesTransferInput!) {
    confirmMilesTransfer(input: $input) {
      milesTransfer {
        id
        status
        miles
        airlineReference
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const Reject = graphql(`
  mutation PartnerMilesReject($input: ResolveMilesTransferInput!) {
    rejectMilesTransfer(input: $input) {
      milesTransfer {
        id
        status
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

type Transfer = NonNullable<PartnerMilesQueueQuery['currentPartner']>['milesTransfers']['edges'][number]['node'];
type Resolved = { milesTransfer?: { status: string; miles?: number; points?: number; airlineReference?: string | null } | null };

const PAGE_SIZE = 25;

/**
 * For airlines: transfers waiting for an answer, oldest first. Confirming captures the held points
 * (the miles are credited); rejecting gives them back. Each answer has its own idempotency key.
 */
export function MilesPage() {
  const { after, pager } = useCursorPages('Pending transfer pages');
  const [{ data, fetching, error }, refetch] = useQuery({
    query: PendingTransfers,
    variables: { first: PAGE_SIZE, after },
    requestPolicy: 'cache-and-network',
  });
  const keys = useIdempotencyKeys();
  // Answers given on this page, kept after the transfer leaves the queue so the result stays visible.
  const [answered, setAnswered] = useState<Record<string, { transfer: Transfer; outcome: Outcome<Resolved> }>>({});
  const connection = data?.currentPartner?.milesTransfers;
  const pending = connection?.edges.map((e) => e.node) ?? [];
  const done = Object.values(answered).filter((a) => a.outcome.kind === 'done' && !pending.some((p) => p.id === a.transfer.id));
  return (
    <Page
      title="Miles transfers"
      actions={
        <button type="button" className="secondary" onClick={() => refetch({ requestPolicy: 'network-only' })}>
          Refresh
        </button>
      }
    >
      {fetching && !data && <Loading what="Loading pending transfers" />}
      <ErrorNote error={error} />
      {done.map(({ transfer, outcome }) => (
        <OutcomeNote
          key={transfer.id}
          outcome={outcome}
          done={(v) =>
            v.milesTransfer?.status === 'CONFIRMED'
              ? `Confirmed: ${formatPoints(transfer.points)} → ${transfer.miles} miles for ${transfer.frequentFlyerNumber}${v.milesTransfer.airlineReference ? ` (${v.milesTransfer.airlineReference})` : ''}.`
              : `Rejected: ${formatPoints(transfer.points)} went back to the member (${transfer.frequentFlyerNumber}).`
          }
        />
      ))}
      {data && pending.length === 0 && (
        <Card>
          <Empty>Nothing waiting for an answer.</Empty>
          <p className="muted">
            This queue is for airline partners. When a member converts points into your miles, the points are held and the transfer waits
            here until you confirm that you credited the miles, or reject it; unanswered ones expire and the points return to the member. If
            you are not an airline, nothing will appear here.
          </p>
        </Card>
      )}
      {pending.length > 0 && (
        <Card title={`Waiting for your answer${connection?.pageInfo.hasNextPage ? ' (more on the next page)' : ''}`}>
          <ul className="queue">
            {pending.map((t) => (
              <TransferRow
                key={t.id}
                transfer={t}
                keys={keys}
                outcome={answered[t.id]?.outcome ?? null}
                onAnswered={(outcome) => {
                  setAnswered((a) => ({ ...a, [t.id]: { transfer: t, outcome } }));
                  if (outcome.kind === 'done' || outcome.kind === 'refused') refetch({ requestPolicy: 'network-only' });
                }}
              />
            ))}
          </ul>
          {pager(connection?.pageInfo, fetching)}
        </Card>
      )}
    </Page>
  );
}

function TransferRow({
  transfer,
  keys,
  outcome,
  onAnswered,
}: {
  transfer: Transfer;
  keys: ReturnType<typeof useIdempotencyKeys>;
  outcome: Outcome<Resolved> | null;
  onAnswered: (outcome: Outcome<Resolved>) => void;
}) {
  const client = useClient();
  const label = `${transfer.miles} miles for ${transfer.frequentFlyerNumber}`;
  return (
    <li className="queue-item" aria-label={label}>
      <div>
        <strong>{transfer.miles.toLocaleString()} miles</strong> for frequent flyer <code>{transfer.frequentFlyerNumber}</code>
        <div className="muted">
          {formatPoints(transfer.points)} held since {formatDateTime(transfer.createdAt)}
        </div>
      </div>
      <ActionForm
        className="inline-form"
        label="Confirm"
        busyLabel="Confirming…"
        onSubmit={async (form) => {
          const airlineReference = String(form.get('airlineReference') ?? '').trim();
          onAnswered(
            await runKeyed(
              keys,
              `confirm:${transfer.id}`,
              (idempotencyKey) =>
                client
                  .mutation(Confirm, { input: { transferId: transfer.id, airlineReference: airlineReference || null, idempotencyKey } })
                  .toPromise(),
              (d) => d.confirmMilesTransfer,
            ),
          );
        }}
      >
        <Field label="Airline reference (optional)" name="airlineReference" autoComplete="off" />
      </ActionForm>
      <ActionForm
        className="inline-form reject-form"
        label="Reject"
        busyLabel="Rejecting…"
        onSubmit={async () => {
          onAnswered(
            await runKeyed(
              keys,
              `reject:${transfer.id}`,
              (idempotencyKey) => client.mutation(Reject, { input: { transferId: transfer.id, idempotencyKey } }).toPromise(),
              (d) => d.rejectMilesTransfer,
            ),
          );
        }}
      />
      {outcome && outcome.kind !== 'done' && <OutcomeNote outcome={outcome} done={() => null} />}
    </li>
  );
}
