import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Resolver, Root } from 'type-graphql';
import { assertActsForPartner, canActForPartner } from '../auth/authorize';
import type { Principal } from '../auth/principal';
import { ConnectionShape, pageWindow, toConnection } from '../common/relay';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { Partner } from '../partner/partner.types';
import {
  CreateWebhookEndpointInput,
  CreateWebhookEndpointPayload,
  ReplayWebhookDeliveriesInput,
  ReplayWebhookDeliveriesPayload,
  RotateWebhookEndpointSecretPayload,
  SendWebhookTestEventPayload,
  toWebhookDelivery,
  toWebhookEndpoint,
  UpdateWebhookEndpointInput,
  WebhookDelivery,
  WebhookDeliveriesArgs,
  WebhookDeliveryConnection,
  WebhookEndpoint,
  WebhookEndpointInput,
  WebhookEndpointPayload,
} from './webhook.types';

@Resolver(() => WebhookEndpoint)
export class WebhookResolver {
  @Authorized('PARTNER')
  @Mutation(() => CreateWebhookEndpointPayload, { description: 'A partner registers where its events go; the secret is shown once.' })
  createWebhookEndpoint(
    @Arg('input', () => CreateWebhookEndpointInput) input: CreateWebhookEndpointInput,
    @Ctx() ctx: Context,
  ): Promise<CreateWebhookEndpointPayload> {
    return mutationPayload(CreateWebhookEndpointPayload, async () => {
      // @Authorized('PARTNER') above: the caller is a partner.
      const { partnerId } = ctx.principal as Extract<Principal, { kind: 'PARTNER' }>;
      const { row, secret } = await ctx.services.webhooks.create(partnerId, input);
      return { webhookEndpoint: toWebhookEndpoint(row), secret };
    });
  }

  @Authorized('OPERATOR', 'PARTNER')
  @Mutation(() => WebhookEndpointPayload, { description: 'Changes the URL or event types, or disables / re-enables an endpoint.' })
  updateWebhookEndpoint(
    @Arg('input', () => UpdateWebhookEndpointInput) input: UpdateWebhookEndpointInput,
    @Ctx() ctx: Context,
  ): Promise<WebhookEndpointPayload> {
    return mutationPayload(WebhookEndpointPayload, async () => {
      const endpoint = await ctx.services.webhooks.endpointFor(ctx.principal, input.endpointId);
      return { webhookEndpoint: toWebhookEndpoint(await ctx.services.webhooks.update(endpoint, input)) };
    });
  }

  @Authorized('OPERATOR', 'PARTNER')
  @Mutation(() => RotateWebhookEndpointSecretPayload, { description: 'A new signing secret; the previous one also signs for 24 hours.' })
  rotateWebhookEndpointSecret(
    @Arg('input', () => WebhookEndpointInput) input: WebhookEndpointInput,
    @Ctx() ctx: Context,
  ): Promise<RotateWebhookEndpointSecretPayload> {
    return mutationPayload(RotateWebhookEndpointSecretPayload, async () => {
      const endpoint = await ctx.services.webhooks.endpointFor(ctx.principal, input.endpointId);
      const { row, secret } = await ctx.services.webhooks.rotateSecret(endpoint);
      return { webhookEndpoint: toWebhookEndpoint(row), secret };
    });
  }

  @Authorized('OPERATOR', 'PARTNER')
  @Mutation(() => WebhookEndpointPayload, { description: 'Stops all deliveries to the endpoint; its delivery log is kept.' })
  deleteWebhookEndpoint(
    @Arg('input', () => WebhookEndpointInput) input: WebhookEndpointInput,
    @Ctx() ctx: Context,
  ): Promise<WebhookEndpointPayload> {
    return mutationPayload(WebhookEndpointPayload, async () => {
      const endpoint = await ctx.services.webhooks.endpointFor(ctx.principal, input.endpointId);
      await ctx.services.webhooks.delete(endpoint);
      return { webhookEndpoint: toWebhookEndpoint(endpoint) };
    });
  }

  @Authorized('OPERATOR', 'PARTNER')
  @Mutation(() => SendWebhookTestEventPayload, { description: 'Queues a webhook.test event to this endpoint alone.' })
  sendWebhookTestEvent(
    @Arg('input', () => WebhookEndpointInput) input: WebhookEndpointInput,
    @Ctx() ctx: Context,
  ): Promise<SendWebhookTestEventPayload> {
    return mutationPayload(SendWebhookTestEventPayload, async () => {
      const endpoint = await ctx.services.webhooks.endpointFor(ctx.principal, input.endpointId);
      return { delivery: toWebhookDelivery(await ctx.services.webhooks.sendTest(endpoint)) };
    });
  }

  @Authorized('OPERATOR', 'PARTNER')
  @Mutation(() => ReplayWebhookDeliveriesPayload, {
    description: 'Sends again the events since a time: failed and never-sent ones (after a disabled spell), optionally delivered ones too.',
  })
  replayWebhookDeliveries(
    @Arg('input', () => ReplayWebhookDeliveriesInput) input: ReplayWebhookDeliveriesInput,
    @Ctx() ctx: Context,
  ): Promise<ReplayWebhookDeliveriesPayload> {
    return mutationPayload(ReplayWebhookDeliveriesPayload, async () => {
      const endpoint = await ctx.services.webhooks.endpointFor(ctx.principal, input.endpointId);
      return { queued: await ctx.services.webhooks.replay(endpoint, input.since, input.includeDelivered ?? false) };
    });
  }

  @FieldResolver(() => WebhookDeliveryConnection, { description: 'The delivery log, newest first.' })
  async deliveries(
    @Root() endpoint: WebhookEndpoint,
    @Args(() => WebhookDeliveriesArgs) args: WebhookDeliveriesArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<WebhookDelivery>> {
    const window = pageWindow(args);
    const rows = await ctx.services.webhooks.deliveries(endpoint.localId, args.status ?? null, window);
    return toConnection(rows, window, (r) => r.id, toWebhookDelivery);
  }
}

@Resolver(() => Partner)
export class PartnerWebhooksResolver {
  @Authorized('OPERATOR', 'PARTNER')
  @FieldResolver(() => [WebhookEndpoint], {
    description: 'Its webhook endpoints: the operator and the partner itself; anyone else gets FORBIDDEN.',
  })
  async webhookEndpoints(@Root() partner: Partner, @Ctx() ctx: Context): Promise<WebhookEndpoint[]> {
    assertActsForPartner(ctx.principal, partner.localId, 'webhook endpoints');
    return (await ctx.services.webhooks.listForPartner(partner.localId)).map(toWebhookEndpoint);
  }
}

/** `node(id:)` for endpoints: the operator and the partner itself. */
export async function webhookEndpointNode(localId: string, ctx: Context): Promise<WebhookEndpoint | null> {
  const row = await ctx.services.webhooks.find(localId);
  return row && canActForPartner(ctx.principal, row.partner_id) ? toWebhookEndpoint(row) : null;
}
