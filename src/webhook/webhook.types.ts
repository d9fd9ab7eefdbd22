import { GraphQLJSONObject } from 'graphql-scalars';
import { ArgsType, Field, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { ConnectionArgs, ConnectionType, Node, toGlobalId } from '../common/relay';
import { DateTimeScalar } from '../common/scalars';
import { UserError } from '../common/user-error';

export const WebhookEndpointStatus = { ACTIVE: 'ACTIVE', FAILING: 'FAILING', DISABLED: 'DISABLED' } as const;
export type WebhookEndpointStatus = (typeof WebhookEndpointStatus)[keyof typeof WebhookEndpointStatus];
registerEnumType(WebhookEndpointStatus, {
  name: 'WebhookEndpointStatus',
  valuesConfig: {
    ACTIVE: { description: 'Deliveries are reaching it.' },
    FAILING: { description: 'A delivery to it failed and is being retried.' },
    DISABLED: { description: 'Retries ran out (or it was disabled): nothing is sent until it is enabled again.' },
  },
});

export const WebhookDeliveryStatus = { PENDING: 'PENDING', DELIVERED: 'DELIVERED', FAILED: 'FAILED' } as const;
export type WebhookDeliveryStatus = (typeof WebhookDeliveryStatus)[keyof typeof WebhookDeliveryStatus];
registerEnumType(WebhookDeliveryStatus, {
  name: 'WebhookDeliveryStatus',
  valuesConfig: {
    PENDING: { description: 'Not yet answered with a 2xx; retried until the schedule runs out.' },
    DELIVERED: { description: 'The endpoint answered 2xx.' },
    FAILED: { description: 'Every attempt failed; replayWebhookDeliveries sends it again.' },
  },
});

export interface WebhookEndpointRow {
  id: string;
  partner_id: string;
  url: string;
  event_types: string[];
  created_at: Date;
  disabled_at: Date | null;
  disabled_reason: string | null;
  failing: boolean;
}

export interface WebhookDeliveryRow {
  id: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: Date;
  last_attempt_at: Date | null;
  last_status_code: number | null;
  last_error: string | null;
  delivered_at: Date | null;
  uid: string;
  type: string;
  data: Record<string, unknown>;
  occurred_at: Date;
}

@ObjectType({ description: 'The message a delivery carries: the JSON body is { type, timestamp, data }.' })
export class WebhookEvent {
  @Field(() => String, { description: 'The webhook-id header: the same on every retry and replay; deduplicate on it.' })
  webhookId!: string;
  @Field(() => String) type!: string;
  @Field(() => DateTimeScalar, { description: 'When it happened (the body\'s "timestamp").' }) timestamp!: Date;
  @Field(() => GraphQLJSONObject) data!: Record<string, unknown>;
}

@ObjectType({ implements: Node, description: 'One event on its way to one endpoint.' })
export class WebhookDelivery implements Node {
  @Field(() => ID) id!: string;
  @Field(() => WebhookEvent) event!: WebhookEvent;
  @Field(() => WebhookDeliveryStatus) status!: WebhookDeliveryStatus;
  @Field(() => Int) attempts!: number;
  @Field(() => DateTimeScalar, { nullable: true }) lastAttemptAt!: Date | null;
  @Field(() => Int, { nullable: true, description: 'HTTP status of the last answer; null when none came (timeout, refused).' })
  lastStatusCode!: number | null;
  @Field(() => String, { nullable: true }) lastError!: string | null;
  @Field(() => DateTimeScalar, { nullable: true, description: 'While PENDING: when it is tried next.' }) nextAttemptAt!: Date | null;
  @Field(() => DateTimeScalar, { nullable: true }) deliveredAt!: Date | null;
}

@ObjectType()
export class WebhookDeliveryConnection extends ConnectionType(WebhookDelivery, 'WebhookDelivery') {}

@ObjectType({ implements: Node, description: "Where a partner's events are posted, signed the Standard Webhooks way." })
export class WebhookEndpoint implements Node {
  @Field(() => ID) id!: string;
  localId!: string;
  partnerLocalId!: string;
  @Field(() => String) url!: string;
  @Field(() => [String], { description: 'Subscribed event types; empty: every type.' }) eventTypes!: string[];
  @Field(() => DateTimeScalar) createdAt!: Date;
  @Field(() => DateTimeScalar, { nullable: true }) disabledAt!: Date | null;
  @Field(() => String, { nullable: true }) disabledReason!: string | null;
  @Field(() => WebhookEndpointStatus) status!: WebhookEndpointStatus;
}

export const toWebhookEndpoint = (row: WebhookEndpointRow): WebhookEndpoint =>
  Object.assign(new WebhookEndpoint(), {
    id: toGlobalId('WebhookEndpoint', row.id),
    localId: row.id,
    partnerLocalId: row.partner_id,
    url: row.url,
    eventTypes: row.event_types,
    createdAt: row.created_at,
    disabledAt: row.disabled_at,
    disabledReason: row.disabled_reason,
    status: row.disabled_at ? 'DISABLED' : row.failing ? 'FAILING' : 'ACTIVE',
  });

export const webhookMessageId = (uid: string) => `msg_${uid.replaceAll('-', '')}`;

export const toWebhookDelivery = (row: WebhookDeliveryRow): WebhookDelivery =>
  Object.assign(new WebhookDelivery(), {
    id: toGlobalId('WebhookDelivery', row.id),
    event: { webhookId: webhookMessageId(row.uid), type: row.type, timestamp: row.occurred_at, data: row.data },
    status: row.status,
    attempts: row.attempts,
    lastAttemptAt: row.last_attempt_at,
    lastStatusCode: row.last_status_code,
    lastError: row.last_error,
    nextAttemptAt: row.status === 'PENDING' ? row.next_attempt_at : null,
    deliveredAt: row.delivered_at,
  });

@ArgsType()
export class WebhookDeliveriesArgs extends ConnectionArgs {
  @Field(() => WebhookDeliveryStatus, { nullable: true }) status?: WebhookDeliveryStatus | null;
}

@InputType()
export class CreateWebhookEndpointInput {
  @Field(() => String, { description: 'https in production, never a private, loopback or link-local address.' }) url!: string;
  @Field(() => [String], { nullable: true, description: 'Empty or omitted: every event type the partner may receive.' })
  eventTypes?: string[] | null;
}

@ObjectType()
export class CreateWebhookEndpointPayload {
  @Field(() => WebhookEndpoint, { nullable: true }) webhookEndpoint!: WebhookEndpoint | null;
  @Field(() => String, { nullable: true, description: 'The signing secret ("whsec_…"), shown this once.' }) secret!: string | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@InputType()
export class UpdateWebhookEndpointInput {
  @Field(() => ID) endpointId!: string;
  @Field(() => String, { nullable: true }) url?: string | null;
  @Field(() => [String], { nullable: true }) eventTypes?: string[] | null;
  @Field(() => Boolean, {
    nullable: true,
    description: 'true re-enables a disabled endpoint (its pending deliveries resume); false disables it.',
  })
  enabled?: boolean | null;
}

@InputType()
export class WebhookEndpointInput {
  @Field(() => ID) endpointId!: string;
}

@ObjectType()
export class WebhookEndpointPayload {
  @Field(() => WebhookEndpoint, { nullable: true }) webhookEndpoint!: WebhookEndpoint | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class RotateWebhookEndpointSecretPayload {
  @Field(() => WebhookEndpoint, { nullable: true }) webhookEndpoint!: WebhookEndpoint | null;
  @Field(() => String, { nullable: true, description: 'The new secret, shown this once; the old one also signs for 24 hours.' })
  secret!: string | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@ObjectType()
export class SendWebhookTestEventPayload {
  @Field(() => WebhookDelivery, { nullable: true }) delivery!: WebhookDelivery | null;
  @Field(() => [UserError]) userErrors!: UserError[];
}

@InputType()
export class ReplayWebhookDeliveriesInput {
  @Field(() => ID) endpointId!: string;
  @Field(() => DateTimeScalar, { description: 'Events from this instant on (at most 30 days back).' }) since!: Date;
  @Field(() => Boolean, { nullable: true, description: 'Also send again what was delivered (default: only failed and never sent).' })
  includeDelivered?: boolean | null;
}

@ObjectType()
export class ReplayWebhookDeliveriesPayload {
  @Field(() => Int, { description: 'Deliveries queued.' }) queued: number = 0;
  @Field(() => [UserError]) userErrors!: UserError[];
}
