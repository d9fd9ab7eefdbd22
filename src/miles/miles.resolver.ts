import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { assertActsForPartner, canActForPartner, canSeeMember } from '../auth/authorize';
import type { Principal } from '../auth/principal';
import { ConnectionShape, pageWindow, toConnection } from '../common/relay';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { Member, toMember } from '../member/member.types';
import { Partner, toPartner } from '../partner/partner.types';
import {
  ConvertMilesToPointsInput,
  ConvertPointsToMilesInput,
  MilesDirection,
  MilesRatio,
  MilesTransfer,
  MilesTransferConnection,
  MilesTransferPayload,
  MilesTransfersArgs,
  MilesTransferRow,
  ResolveMilesTransferInput,
  SetMilesRatioInput,
  SetMilesRatioPayload,
  toMilesRatio,
  toMilesTransfer,
} from './miles.types';

type PartnerPrincipal = Extract<Principal, { kind: 'PARTNER' }>;

async function payload(ctx: Context, row: MilesTransferRow): Promise<Omit<MilesTransferPayload, 'userErrors'>> {
  const member = await ctx.loaders.member.clear(row.member_id).load(row.member_id);
  return { milesTransfer: toMilesTransfer(row), member: member && toMember(member) };
}

@Resolver(() => MilesTransfer)
export class MilesResolver {
  @Authorized('OPERATOR')
  @Mutation(() => SetMilesRatioPayload, {
    description: 'Sets an airline partner’s conversion ratio from a moment on (ratios are asymmetric: one per direction).',
  })
  setMilesRatio(@Arg('input', () => SetMilesRatioInput) input: SetMilesRatioInput, @Ctx() ctx: Context): Promise<SetMilesRatioPayload> {
    return mutationPayload(SetMilesRatioPayload, async () => {
      await ctx.services.miles.setRatio(input);
      return { ok: true };
    });
  }

  @Authorized('MEMBER')
  @Mutation(() => MilesTransferPayload, {
    description: 'Moves points to an airline programme: held until the airline confirms or rejects.',
  })
  convertPointsToMiles(
    @Arg('input', () => ConvertPointsToMilesInput) input: ConvertPointsToMilesInput,
    @Ctx() ctx: Context,
  ): Promise<MilesTransferPayload> {
    return mutationPayload(MilesTransferPayload, async () =>
      payload(ctx, await ctx.services.miles.convertToMiles(ctx.principal as Extract<Principal, { kind: 'MEMBER' }>, input)),
    );
  }

  @Authorized('PARTNER')
  @Mutation(() => MilesTransferPayload, { description: 'The airline confirms it credited the miles; the held points are captured.' })
  confirmMilesTransfer(
    @Arg('input', () => ResolveMilesTransferInput) input: ResolveMilesTransferInput,
    @Ctx() ctx: Context,
  ): Promise<MilesTransferPayload> {
    return mutationPayload(MilesTransferPayload, async () =>
      payload(ctx, await ctx.services.miles.resolve(ctx.principal as PartnerPrincipal, 'CONFIRM', input)),
    );
  }

  @Authorized('PARTNER')
  @Mutation(() => MilesTransferPayload, { description: 'The airline refuses the transfer; the points go back to the member.' })
  rejectMilesTransfer(
    @Arg('input', () => ResolveMilesTransferInput) input: ResolveMilesTransferInput,
    @Ctx() ctx: Context,
  ): Promise<MilesTransferPayload> {
    return mutationPayload(MilesTransferPayload, async () =>
      payload(ctx, await ctx.services.miles.resolve(ctx.principal as PartnerPrincipal, 'REJECT', input)),
    );
  }

  @Authorized('PARTNER')
  @Mutation(() => MilesTransferPayload, { description: "An airline converts a member's miles into points it funds." })
  convertMilesToPoints(
    @Arg('input', () => ConvertMilesToPointsInput) input: ConvertMilesToPointsInput,
    @Ctx() ctx: Context,
  ): Promise<MilesTransferPayload> {
    return mutationPayload(MilesTransferPayload, async () =>
      payload(ctx, await ctx.services.miles.convertToPoints(ctx.principal as PartnerPrincipal, input)),
    );
  }

  @FieldResolver(() => Partner)
  async airline(@Root() transfer: MilesTransfer, @Ctx() ctx: Context): Promise<Partner> {
    return toPartner((await ctx.loaders.partner.load(transfer.airlineId))!);
  }
}

@Resolver(() => MilesRatio)
export class MilesRatioResolver {
  @Authorized()
  @Query(() => [MilesRatio], {
    description:
      'Conversion ratios in force now, one per airline and direction, by airline name (TO_MILES: where a member can move points).',
  })
  async milesRatios(
    @Arg('direction', () => MilesDirection, { nullable: true }) direction: MilesDirection | null,
    @Ctx() ctx: Context,
  ): Promise<MilesRatio[]> {
    return (await ctx.services.miles.ratiosInForce(direction ?? null)).map(toMilesRatio);
  }

  @FieldResolver(() => Partner)
  async airline(@Root() ratio: MilesRatio, @Ctx() ctx: Context): Promise<Partner> {
    return toPartner((await ctx.loaders.partner.load(ratio.airlineId))!);
  }
}

@Resolver(() => Member)
export class MemberMilesResolver {
  @FieldResolver(() => [MilesTransfer], { description: 'Newest first (at most 100). An airline sees only its own.' })
  async milesTransfers(@Root() member: Member, @Ctx() ctx: Context): Promise<MilesTransfer[]> {
    const airline = ctx.principal?.kind === 'PARTNER' ? ctx.principal.partnerId : null;
    return (await ctx.services.miles.listForMember(member.localId, airline)).map(toMilesTransfer);
  }
}

@Resolver(() => Partner)
export class PartnerMilesResolver {
  @Authorized('OPERATOR', 'PARTNER')
  @FieldResolver(() => MilesTransferConnection, {
    description: "An airline's transfers, oldest first. The operator and the airline itself; anyone else gets FORBIDDEN.",
  })
  async milesTransfers(
    @Root() partner: Partner,
    @Args(() => MilesTransfersArgs) args: MilesTransfersArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<MilesTransfer>> {
    assertActsForPartner(ctx.principal, partner.localId, 'miles transfers');
    const window = pageWindow(args);
    const rows = await ctx.services.miles.listForAirline(partner.localId, args.status ?? null, window);
    return toConnection(rows, window, (r) => r.id, toMilesTransfer);
  }
}

/** `node(id:)` for miles transfers: the member, its airline, the operator. */
export async function milesTransferNode(localId: string, ctx: Context): Promise<MilesTransfer | null> {
  const row = await ctx.services.miles.find(localId);
  if (!row) return null;
  if (ctx.principal?.kind === 'PARTNER') return canActForPartner(ctx.principal, row.airline_id) ? toMilesTransfer(row) : null;
  const member = await ctx.loaders.member.load(row.member_id);
  return member && canSeeMember(ctx.principal, member.cardNumber) ? toMilesTransfer(row) : null;
}
