import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { assertActsForPartner, canActForPartner, canSeeMember } from '../auth/authorize';
import type { Principal } from '../auth/principal';
import { ConnectionShape, localIdOf, pageWindow, toConnection } from '../common/relay';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { transactionAndMember } from '../ledger/transaction.resolver';
import { Member, toMember } from '../member/member.types';
import { Partner, toPartner } from '../partner/partner.types';
import type { CaseFilter } from './service-case.service';
import {
  AllServiceCasesArgs,
  OpenServiceCaseInput,
  OpenServiceCasePayload,
  RateServiceCaseInput,
  RateServiceCasePayload,
  ResolveServiceCaseInput,
  ResolveServiceCasePayload,
  ServiceCase,
  ServiceCaseConnection,
  ServiceCasesArgs,
  ServiceCaseStats,
  toServiceCase,
} from './service-case.types';

async function casePage(ctx: Context, filter: CaseFilter, args: ServiceCasesArgs): Promise<ConnectionShape<ServiceCase>> {
  const window = pageWindow(args);
  const rows = await ctx.services.serviceCases.list({ ...filter, status: args.status }, window);
  return toConnection(rows, window, (r) => r.id, toServiceCase);
}

@Resolver(() => ServiceCase)
export class ServiceCaseResolver {
  @Authorized('OPERATOR', 'PARTNER')
  @Mutation(() => OpenServiceCasePayload, { description: "Opens a member's complaint; a partner's case is its own." })
  openServiceCase(
    @Arg('input', () => OpenServiceCaseInput) input: OpenServiceCaseInput,
    @Ctx() ctx: Context,
  ): Promise<OpenServiceCasePayload> {
    return mutationPayload(OpenServiceCasePayload, async () => ({
      serviceCase: toServiceCase(await ctx.services.serviceCases.open(ctx.principal!, input)),
    }));
  }

  @Authorized('OPERATOR', 'PARTNER')
  @Mutation(() => ResolveServiceCasePayload, {
    description: "Resolves a case once, with optional goodwill at the resolver's cost; a partner resolves only its own cases.",
  })
  resolveServiceCase(
    @Arg('input', () => ResolveServiceCaseInput) input: ResolveServiceCaseInput,
    @Ctx() ctx: Context,
  ): Promise<ResolveServiceCasePayload> {
    return mutationPayload(ResolveServiceCasePayload, async () => {
      const { caseId, entryId, memberId } = await ctx.services.serviceCases.resolve(ctx.principal!, input);
      const serviceCase = toServiceCase((await ctx.services.serviceCases.find(caseId))!);
      return { serviceCase, ...(await transactionAndMember(ctx, entryId, memberId)) };
    });
  }

  @Authorized('MEMBER')
  @Mutation(() => RateServiceCasePayload, { description: 'The member rates its own resolved case, once (1–5).' })
  rateServiceCase(
    @Arg('input', () => RateServiceCaseInput) input: RateServiceCaseInput,
    @Ctx() ctx: Context,
  ): Promise<RateServiceCasePayload> {
    return mutationPayload(RateServiceCasePayload, async () => ({
      serviceCase: toServiceCase(await ctx.services.serviceCases.rate(ctx.principal as Extract<Principal, { kind: 'MEMBER' }>, input)),
    }));
  }

  @Authorized('OPERATOR')
  @Query(() => ServiceCaseConnection, { description: 'Service cases across partners, newest first.' })
  serviceCases(@Args(() => AllServiceCasesArgs) args: AllServiceCasesArgs, @Ctx() ctx: Context): Promise<ConnectionShape<ServiceCase>> {
    // An ID of another type matches no partner (-1), rather than listing everything.
    const partnerId = args.partnerId ? (localIdOf(args.partnerId, 'Partner') ?? '-1') : null;
    return casePage(ctx, { partnerId }, args);
  }

  @Authorized('OPERATOR', 'PARTNER')
  @Query(() => [ServiceCaseStats], {
    description: "Service-case figures per partner (the operator's own cases without one); a partner gets only its own.",
  })
  async serviceCaseStats(@Ctx() ctx: Context): Promise<ServiceCaseStats[]> {
    const only = ctx.principal?.kind === 'PARTNER' ? ctx.principal.partnerId : null;
    const figures = await ctx.services.serviceCases.stats(only);
    return figures.map((f) => Object.assign(new ServiceCaseStats(), f));
  }

  @FieldResolver(() => Member)
  async member(@Root() serviceCase: ServiceCase, @Ctx() ctx: Context): Promise<Member> {
    return toMember((await ctx.loaders.member.load(serviceCase.memberId))!);
  }

  @FieldResolver(() => Partner, { nullable: true, description: 'The partner the case is about; empty for an operator case without one.' })
  async partner(@Root() serviceCase: ServiceCase, @Ctx() ctx: Context): Promise<Partner | null> {
    return serviceCase.partnerId ? toPartner((await ctx.loaders.partner.load(serviceCase.partnerId))!) : null;
  }
}

@Resolver(() => ServiceCaseStats)
export class ServiceCaseStatsResolver {
  @FieldResolver(() => Partner, { nullable: true })
  async partner(@Root() stats: ServiceCaseStats, @Ctx() ctx: Context): Promise<Partner | null> {
    return stats.partnerId ? toPartner((await ctx.loaders.partner.load(stats.partnerId))!) : null;
  }
}

@Resolver(() => Partner)
export class PartnerServiceCasesResolver {
  @Authorized('OPERATOR', 'PARTNER')
  @FieldResolver(() => ServiceCaseConnection, { description: 'Its service cases, newest first. The operator and the partner itself.' })
  serviceCases(
    @Root() partner: Partner,
    @Args(() => ServiceCasesArgs) args: ServiceCasesArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<ServiceCase>> {
    assertActsForPartner(ctx.principal, partner.localId, 'service cases');
    return casePage(ctx, { partnerId: partner.localId }, args);
  }
}

@Resolver(() => Member)
export class MemberServiceCasesResolver {
  @FieldResolver(() => ServiceCaseConnection, { description: 'Its service cases, newest first. A partner sees only its own cases.' })
  serviceCases(
    @Root() member: Member,
    @Args(() => ServiceCasesArgs) args: ServiceCasesArgs,
    @Ctx() ctx: Context,
  ): Promise<ConnectionShape<ServiceCase>> {
    const partnerId = ctx.principal?.kind === 'PARTNER' ? ctx.principal.partnerId : null;
    return casePage(ctx, { memberId: member.localId, partnerId }, args);
  }
}

/** `node(id:)` for service cases: the operator, the case's partner, the member it concerns. */
export async function serviceCaseNode(localId: string, ctx: Context): Promise<ServiceCase | null> {
  const row = await ctx.services.serviceCases.find(localId);
  if (!row) return null;
  if (ctx.principal?.kind === 'PARTNER')
    return row.partner_id !== null && canActForPartner(ctx.principal, row.partner_id) ? toServiceCase(row) : null;
  return canSeeMember(ctx.principal, row.card_number) ? toServiceCase(row) : null;
}
