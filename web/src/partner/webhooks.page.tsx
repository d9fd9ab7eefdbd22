import { useId, useState } from 'react';
import { useClient, useQuery } from 'urql';
import { formatDateTime } from '../format';
import { graphql } from '../gql';
import type { PartnerWebhookEndpointsQuery, WebhookDeliveryStatus } from '../gql/graphql';
import { ActionForm, Card, DataTable, Empty, ErrorNote, Field, Loading, Page, SelectField, useCursorPages } from '../ui/kit';
import { Outcome, run } from './actions';
import { OutcomeNote } from './outcome';

const Endpoints = graphql(`
  query PartnerWebhookEndpoints {
    currentPartner {
      id
      webhookEndpoints {
        id
        url
        eventTypes
        status
        disabledAt
        disabledReason
        createdAt
      }
    }
  }
`);

const Deliveries = graphql(`
  query PartnerWebhookDeliveries($endpointId: ID!, $first: Int!, $after: String, $status: WebhookDeliveryStatus) {
    node(id: $endpointId) {
      __typename
      ... on WebhookEndpoint {
        id
        deliveries(first: $first, after: $after, status: $status) {
          edges {
            node {
              id
              status
              attempts
              lastAttemptAt
              lastStatusCode
              lastError
              nextAttemptAt
              deliveredAt
              event {
                webhookId
                type
                timestamp
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
  }
`);

const CreateEndpoint = graphql(`
  mutation PartnerWebhookCreate($input: CreateWebhookEndpointInput!) {
    createWebhookEndpoint(input: $input) {
      webhookEndpoint {
        id
        url
        eventTypes
        status
      }
      secret
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const UpdateEndpoint = graphql(`
  mutation PartnerWebhookUpdate($input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(input: $input) {
      webhookEndpoint {
        id
        status
        disabledAt
        disabledReason
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const RotateSecret = graphql(`
  mutation PartnerWebhookRotate($input: WebhookEndpointInput!) {
    rotateWebhookEndpointSecret(input: $input) {
      webhookEndpoint {
        id
      }
      secret
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const DeleteEndpoint = graphql(`
  mutation PartnerWebhookDelete($input: WebhookEndpointInput!) {
    deleteWebhookEndpoint(input: $input) {
      webhookEndpoint {
        id
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const SendTest = graphql(`
  mutation PartnerWebhookTest($input: WebhookEndpointInput!) {
    sendWebhookTestEvent(input: $input) {
      delivery {
        id
        status
      }
      userErrors {
        code
        field
        message
      }
    }
  }
`);

const Replay = graphql(`
  mutation PartnerWebhookReplay($input: ReplayWebhookDeliveriesInput!) {
    replayWebhookDeliveries(input: $input) {
      queued
      userErrors {
        code
        field
        message
      }
    }
  }
`);

/** The event catalogue (README "Partner integration guide"). */
const EVENT_TYPES: readonly [string, string][] = [
  ['purchase.recorded', 'a purchase earned points here'],
  ['purchase.returned', 'a return reversed points of a purchase'],
  ['reward.redeemed', 'a reward you fulfil or sponsor was redeemed'],
  ['voucher.used', 'a voucher you fulfil was used'],
  ['gift_card.redeemed', 'gift-card value was spent at your till'],
  ['miles_transfer.requested', 'a member asked for your miles (airlines)'],
  ['miles_transfer.confirmed', 'you confirmed a transfer'],
  ['miles_transfer.rejected', 'you rejected a transfer'],
  ['miles_transfer.expired', 'a transfer expired unanswered'],
  ['settlement.statement_closed', 'a period closed with a statement for you'],
  ['payment_instruction.created', 'a payment to make or receive'],
];

type Endpoint = NonNullable<PartnerWebhookEndpointsQuery['currentPartner']>['webhookEndpoints'][number];

export function WebhooksPage() {
  const [{ data, fetching, error }, refetch] = useQuery({ query: Endpoints, requestPolicy: 'cache-and-network' });
  const reload = () => refetch({ requestPolicy: 'network-only' });
  const endpoints = data?.currentPartner?.webhookEndpoints ?? [];
  return (
    <Page title="Webhooks">
      <p className="muted">
        Events that concern you are posted to your endpoints, signed the Standard Webhooks way with the endpoint&apos;s secret; verify the
        signature over the raw body and deduplicate on <code>webhook-id</code>.
      </p>
      <CreateEndpointCard onCreated={reload} />
      {fetching && !data && <Loading what="Loading endpoints" />}
      <ErrorNote error={error} />
      {data && endpoints.length === 0 && (
        <Card>
          <Empty>No endpoints yet.</Empty>
        </Card>
      )}
      {endpoints.map((e) => (
        <EndpointCard key={e.id} endpoint={e} onChanged={reload} />
      ))}
    </Page>
  );
}

/** A signing secret, shown this once: the server keeps it only to sign. */
function SecretOnce({ title, secret, onDismiss }: { title: string; secret: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="secret-once" role="region" aria-label={title}>
      <p>
        <strong>{title}</strong> — shown only now. Store it where your receiver can read it; this page will not show it again.
      </p>
      <p className="secret" data-testid="webhook-secret">
        {secret}
      </p>
      <div className="row-actions">
        <button
          type="button"
          className="secondary"
          onClick={async () => {
            await navigator.clipboard?.writeText(secret).then(
              () => setCopied(true),
              () => setCopied(false),
            );
          }}
        >
          {copied ? 'Copied' : 'Copy'}
        </button>
        <button type="button" onClick={onDismiss}>
          I have stored it
        </button>
      </div>
    </div>
  );
}

function CreateEndpointCard({ onCreated }: { onCreated: () => void }) {
  const client = useClient();
  const [outcome, setOutcome] = useState<Outcome<{ secret?: string | null; webhookEndpoint?: { url: string } | null }> | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [formKey, setFormKey] = useState(0);
  const legend = useId();
  return (
    <Card title="Add an endpoint">
      <ActionForm
        key={formKey}
        className="stack-form"
        label="Add endpoint"
        busyLabel="Adding…"
        onSubmit={async (form) => {
          const eventTypes = form.getAll('eventTypes').map(String);
          const result = await run(
            () => client.mutation(CreateEndpoint, { input: { url: String(form.get('url') ?? '').trim(), eventTypes } }).toPromise(),
            (d) => d.createWebhookEndpoint,
          );
          setOutcome(result);
          if (result.kind === 'done') {
            setSecret(result.value.secret ?? null);
            setFormKey((k) => k + 1);
            onCreated();
          }
        }}
      >
        <Field label="URL" name="url" type="url" required placeholder="https://pos.example.com/coalition/webhooks" autoComplete="off" />
        <fieldset aria-labelledby={legend}>
          <legend id={legend}>Event types (none ticked: every type)</legend>
          <div className="checks">
            {EVENT_TYPES.map(([type, what]) => (
              <label key={type} className="check">
                <input type="checkbox" name="eventTypes" value={type} /> <code>{type}</code> <span className="muted">{what}</span>
              </label>
            ))}
          </div>
        </fieldset>
      </ActionForm>
      <OutcomeNote outcome={outcome} done={(v) => `Endpoint ${v.webhookEndpoint?.url} added.`} />
      {secret && <SecretOnce title="Signing secret" secret={secret} onDismiss={() => setSecret(null)} />}
    </Card>
  );
}

const STATUS_LABEL: Record<string, string> = { ACTIVE: 'Active', FAILING: 'Failing (retrying)', DISABLED: 'Disabled' };

function EndpointCard({ endpoint, onChanged }: { endpoint: Endpoint; onChanged: () => void }) {
  const client = useClient();
  const input = { endpointId: endpoint.id };
  const [note, setNote] = useState<{ outcome: Outcome<unknown>; text: string } | null>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [confirmDelete, setConfirmDelete] = useState(false);
  const [showLog, setShowLog] = useState(false);
  const [busy, setBusy] = useState<string | null>(null);

  /** One endpoint action at a time; its outcome is shown under the buttons. */
  async function act<T>(name: string, send: () => Promise<Outcome<T>>, done: (v: T) => string, after?: (v: T) => void) {
    if (busy) return;
    setBusy(name);
    try {
      const outcome = await send();
      setNote({ outcome, text: outcome.kind === 'done' ? done(outcome.value) : '' });
      if (outcome.kind === 'done') {
        after?.(outcome.value);
        onChanged();
      }
    } finally {
      setBusy(null);
    }
  }

  const disabled = endpoint.status === 'DISABLED';
  return (
    <Card title={endpoint.url}>
      <dl className="facts">
        <div>
          <dt>Status</dt>
          <dd>
            <span className={`badge badge-${endpoint.status.toLowerCase()}`}>{STATUS_LABEL[endpoint.status] ?? endpoint.status}</span>
          </dd>
        </div>
        {endpoint.disabledAt && (
          <div>
            <dt>Disabled</dt>
            <dd>
              {formatDateTime(endpoint.disabledAt)}
              {endpoint.disabledReason && <span className="muted"> ({endpoint.disabledReason})</span>}
            </dd>
          </div>
        )}
        <div>
          <dt>Events</dt>
          <dd>{endpoint.eventTypes.length === 0 ? 'every type' : endpoint.eventTypes.join(', ')}</dd>
        </div>
        <div>
          <dt>Added</dt>
          <dd>{formatDateTime(endpoint.createdAt)}</dd>
        </div>
      </dl>
      <div className="row-actions">
        <button
          type="button"
          disabled={busy !== null}
          aria-busy={busy === 'test'}
          onClick={() =>
            act(
              'test',
              () =>
                run(
                  () => client.mutation(SendTest, { input }).toPromise(),
                  (d) => d.sendWebhookTestEvent,
                ),
              () => 'Test event queued: see it in the delivery log.',
              () => setShowLog(true),
            )
          }
        >
          {busy === 'test' ? 'Sending…' : 'Send test event'}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={busy !== null}
          aria-busy={busy === 'rotate'}
          onClick={() =>
            act(
              'rotate',
              () =>
                run(
                  () => client.mutation(RotateSecret, { input }).toPromise(),
                  (d) => d.rotateWebhookEndpointSecret,
                ),
              () => 'New secret issued; the old one keeps signing beside it for 24 hours.',
              (v) => setSecret(v.secret ?? null),
            )
          }
        >
          {busy === 'rotate' ? 'Rotating…' : 'Rotate secret'}
        </button>
        <button
          type="button"
          className="secondary"
          disabled={busy !== null}
          aria-busy={busy === 'enable'}
          onClick={() =>
            act(
              'enable',
              () =>
                run(
                  () => client.mutation(UpdateEndpoint, { input: { ...input, enabled: disabled } }).toPromise(),
                  (d) => d.updateWebhookEndpoint,
                ),
              () =>
                disabled
                  ? 'Re-enabled: pending deliveries resume. Replay what it missed below.'
                  : 'Disabled: nothing is sent until it is enabled again.',
            )
          }
        >
          {disabled ? 'Re-enable' : 'Disable'}
        </button>
        <button type="button" className="secondary" aria-expanded={showLog} onClick={() => setShowLog(!showLog)}>
          {showLog ? 'Hide delivery log' : 'Delivery log'}
        </button>
        {!confirmDelete ? (
          <button type="button" className="secondary danger" disabled={busy !== null} onClick={() => setConfirmDelete(true)}>
            Delete
          </button>
        ) : (
          <span className="confirm" role="group" aria-label="Confirm deletion">
            Delete this endpoint? Deliveries stop; the log is kept.{' '}
            <button
              type="button"
              className="danger"
              disabled={busy !== null}
              onClick={() =>
                act(
                  'delete',
                  () =>
                    run(
                      () => client.mutation(DeleteEndpoint, { input }).toPromise(),
                      (d) => d.deleteWebhookEndpoint,
                    ),
                  () => 'Endpoint deleted.',
                )
              }
            >
              Delete endpoint
            </button>{' '}
            <button type="button" className="secondary" onClick={() => setConfirmDelete(false)}>
              Keep it
            </button>
          </span>
        )}
      </div>
      {note && <OutcomeNote outcome={note.outcome} done={() => note.text} />}
      {secret && <SecretOnce title="New signing secret" secret={secret} onDismiss={() => setSecret(null)} />}
      {showLog && <DeliveryLog endpointId={endpoint.id} />}
    </Card>
  );
}

const DELIVERY_STATUSES = [
  { value: '', label: 'All' },
  { value: 'PENDING', label: 'Pending' },
  { value: 'DELIVERED', label: 'Delivered' },
  { value: 'FAILED', label: 'Failed' },
] as const;

const LOG_PAGE = 20;

function DeliveryLog({ endpointId }: { endpointId: string }) {
  const client = useClient();
  const [status, setStatus] = useState<WebhookDeliveryStatus | ''>('');
  const { after, reset, pager } = useCursorPages('Delivery log pages');
  const [{ data, fetching, error }, refetch] = useQuery({
    query: Deliveries,
    variables: { endpointId, first: LOG_PAGE, after, status: status || null },
    requestPolicy: 'network-only',
  });
  const [replay, setReplay] = useState<Outcome<{ queued: number }> | null>(null);
  const node = data?.node?.__typename === 'WebhookEndpoint' ? data.node : null;
  const deliveries = node?.deliveries.edges.map((e) => e.node) ?? [];
  return (
    <section className="drill-down" aria-label="Delivery log">
      <h3>Delivery log</h3>
      <div className="toolbar">
        <SelectField
          label="Status"
          value={status}
          options={DELIVERY_STATUSES}
          onChange={(e) => {
            setStatus(e.target.value as WebhookDeliveryStatus | '');
            reset();
          }}
        />
        <button type="button" className="secondary" onClick={() => refetch({ requestPolicy: 'network-only' })}>
          Refresh log
        </button>
      </div>
      {fetching && !data && <Loading what="Loading deliveries" />}
      <ErrorNote error={error} />
      {data && deliveries.length === 0 && <Empty>No deliveries{status ? ` with status ${status.toLowerCase()}` : ''}.</Empty>}
      {deliveries.length > 0 && (
        <DataTable
          caption="Newest first"
          rows={deliveries}
          rowKey={(d) => d.id}
          columns={[
            { header: 'Event', cell: (d) => <code>{d.event.type}</code> },
            { header: 'Happened', cell: (d) => formatDateTime(d.event.timestamp) },
            { header: 'Status', cell: (d) => d.status.toLowerCase() },
            { header: 'Attempts', numeric: true, cell: (d) => d.attempts },
            { header: 'Last HTTP', numeric: true, cell: (d) => d.lastStatusCode ?? '—' },
            { header: 'Error', cell: (d) => d.lastError ?? '—' },
            {
              header: 'When',
              cell: (d) =>
                d.deliveredAt
                  ? `delivered ${formatDateTime(d.deliveredAt)}`
                  : d.nextAttemptAt
                    ? `next try ${formatDateTime(d.nextAttemptAt)}`
                    : d.lastAttemptAt
                      ? `last try ${formatDateTime(d.lastAttemptAt)}`
                      : '—',
            },
            { header: 'webhook-id', cell: (d) => <code className="small">{d.event.webhookId}</code> },
          ]}
        />
      )}
      {pager(node?.deliveries.pageInfo, fetching)}
      <h3>Replay</h3>
      <ActionForm
        label="Replay"
        busyLabel="Queuing…"
        onSubmit={async (form) => {
          const since = String(form.get('since') ?? '');
          const result = await run(
            () =>
              client
                .mutation(Replay, {
                  input: {
                    endpointId,
                    since: new Date(since).toISOString(),
                    includeDelivered: form.get('includeDelivered') === 'on',
                  },
                })
                .toPromise(),
            (d) => d.replayWebhookDeliveries,
          );
          setReplay(result);
          if (result.kind === 'done') refetch({ requestPolicy: 'network-only' });
        }}
      >
        <Field
          label="Events since"
          name="since"
          type="datetime-local"
          required
          defaultValue={localInput(new Date(Date.now() - 24 * 3600_000))}
          hint="At most 30 days back, in your local time"
        />
        <label className="check">
          <input type="checkbox" name="includeDelivered" /> Also resend delivered events
        </label>
      </ActionForm>
      <OutcomeNote outcome={replay} done={(v) => `${v.queued} ${v.queued === 1 ? 'delivery' : 'deliveries'} queued.`} />
    </section>
  );
}

/** A Date as the value of a datetime-local input (local time, minutes). */
function localInput(d: Date): string {
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
