import { Arg, Args, Authorized, Ctx, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { assertActsForPartner, canActForPartner } from '../auth/authorize';
import { ConnectionArgs, ConnectionShape, localIdOf, pageWindow, toConnection } from '../common/relay';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import {
  AddCompetitorsInput,
  AmendPartnerContractInput,
  CreatePartnerApiKeyInput,
  CreatePartnerInput,
  RevokePartnerApiKeyInput,
  SetCategoryExclusiveInput,
  SetPartnerCategoryInput,
} from './partner.inputs';
import {
  AddCompetitorsPayload,
  AmendPartnerContractPayload,
  SetCategoryExclusivePayload,
  SetPartnerCategoryPayload,
  CreatePartnerApiKeyPayload,
  CreatePartnerPayload,
  Partner,
  PartnerApiKey,
  PartnerConnection,
  PartnerContract,
  RevokePartnerApiKeyPayload,
  toPartner,
  toPartnerApiKey,
  toPartnerContract,
} from './partner.types';

@Resolver(() => Partner)
export class PartnerResolver {
  @Authorized('OPERATOR')
  @Mutation(() => CreatePartnerPayload, { description: 'Onboards a partner; returns its first API key, once.' })
  createPartner(@Arg('input', () => CreatePartnerInput) input: CreatePartnerInput, @Ctx() ctx: Context): Promise<CreatePartnerPayload> {
    return mutationPayload(CreatePartnerPayload, async () => {
      const { partner, apiKey } = await ctx.services.partners.create(input);
      return { partner: toPartner(partner), apiKey };
    });
  }

  @Authorized('OPERATOR')
  @Mutation(() => CreatePartnerApiKeyPayload, { description: 'Issues another API key for a partner (key rotation).' })
  createPartnerApiKey(
    @Arg('input', () => CreatePartnerApiKeyInput) input: CreatePartnerApiKeyInput,
    @Ctx() ctx: Context,
  ): Promise<CreatePartnerApiKeyPayload> {
    return mutationPayload(CreatePartnerApiKeyPayload, async () => {
      const { apiKey, entity } = await ctx.services.partners.createApiKey(localIdOf(input.partnerId, 'Partner'));
      return { apiKey, partnerApiKey: toPartnerApiKey(entity) };
    });
  }

  @Authorized('OPERATOR', 'PARTNER')
  @Mutation(() => RevokePartnerApiKeyPayload, { description: 'Revokes an API key at once. A partner may revoke its own keys.' })
  revokePartnerApiKey(
    @Arg('input', () => RevokePartnerApiKeyInput) input: RevokePartnerApiKeyInput,
    @Ctx() ctx: Context,
  ): Promise<RevokePartnerApiKeyPayload> {
    return mutationPayload(RevokePartnerApiKeyPayload, async () => {
      const entity = await ctx.services.partners.revokeApiKey(localIdOf(input.apiKeyId, 'PartnerApiKey'), ctx.principal!);
      return { partnerApiKey: toPartnerApiKey(entity) };
    });
  }

  @Authorized('OPERATOR')
  @Mutation(() => AmendPartnerContractPayload, {
    description: 'A new version of the terms from effectiveFrom on; entries keep the version they used.',
  })
  amendPartnerContract(
    @Arg('input', () => AmendPartnerContractInput) input: AmendPartnerContractInput,
    @Ctx() ctx: Context,
  ): Promise<AmendPartnerContractPayload> {
    return mutationPayload(AmendPartnerContractPayload, async () => ({
      contract: toPartnerContract(await ctx.services.partners.amendContract(localIdOf(input.partnerId, 'Partner'), input)),
    }));
  }

  @Authorized('OPERATOR')
  @Mutation(() => SetPartnerCategoryPayload, {
    description: 'Moves a partner to another category; rewards that now pair competitors are withdrawn.',
  })
  setPartnerCategory(
    @Arg('input', () => SetPartnerCategoryInput) input: SetPartnerCategoryInput,
    @Ctx() ctx: Context,
  ): Promise<SetPartnerCategoryPayload> {
    return mutationPayload(SetPartnerCategoryPayload, async () => {
      const { partner, deactivated } = await ctx.services.partners.setCategory(localIdOf(input.partnerId, 'Partner'), input.category);
      return { partner: toPartner(partner), deactivatedRewards: deactivated };
    });
  }

  @Authorized('OPERATOR')
  @Mutation(() => SetCategoryExclusivePayload, { description: 'Makes a category exclusive (one active partner) or not.' })
  setCategoryExclusive(
    @Arg('input', () => SetCategoryExclusiveInput) input: SetCategoryExclusiveInput,
    @Ctx() ctx: Context,
  ): Promise<SetCategoryExclusivePayload> {
    return mutationPayload(SetCategoryExclusivePayload, async () => ({
      category: await ctx.services.partners.setCategoryExclusive(input.category, input.exclusive),
      exclusive: input.exclusive,
    }));
  }

  @Authorized('OPERATOR')
  @Mutation(() => AddCompetitorsPayload, { description: 'Declares two partners competitors; rewards that pair them are withdrawn.' })
  addCompetitors(@Arg('input', () => AddCompetitorsInput) input: AddCompetitorsInput, @Ctx() ctx: Context): Promise<AddCompetitorsPayload> {
    return mutationPayload(AddCompetitorsPayload, async () => ({
      deactivatedRewards: await ctx.services.partners.addCompetitors(
        localIdOf(input.partnerId, 'Partner'),
        localIdOf(input.competitorId, 'Partner'),
      ),
    }));
  }

  @Authorized()
  @Query(() => Partner, {
    nullable: true,
    description: 'The partner whose API key made the call ("who am I"); null for the operator and members.',
  })
  async currentPartner(@Ctx() ctx: Context): Promise<Partner | null> {
    if (ctx.principal?.kind !== 'PARTNER') return null;
    const partner = await ctx.loaders.partner.load(ctx.principal.partnerId);
    return partner && toPartner(partner);
  }

  @Authorized('OPERATOR')
  @Query(() => PartnerConnection, { description: 'All partners, oldest first.' })
  async partners(@Args(() => ConnectionArgs) args: ConnectionArgs, @Ctx() ctx: Context): Promise<ConnectionShape<Partner>> {
    const window = pageWindow(args);
    const rows = await ctx.services.partners.list(window);
    return toConnection(rows, window, (p) => p.id, toPartner);
  }

  @Authorized('OPERATOR', 'PARTNER')
  @FieldResolver(() => PartnerContract, { nullable: true, description: 'Terms in force now. Operator and the partner itself.' })
  async contract(@Root() partner: Partner, @Ctx() ctx: Context): Promise<PartnerContract | null> {
    assertActsForPartner(ctx.principal, partner.localId, 'contract');
    const contract = await ctx.loaders.currentContract.load(partner.localId);
    return contract && toPartnerContract(contract);
  }

  @Authorized('OPERATOR', 'PARTNER')
  @FieldResolver(() => [PartnerApiKey], { description: 'Its API keys, revoked ones included. Operator and the partner itself.' })
  async apiKeys(@Root() partner: Partner, @Ctx() ctx: Context): Promise<PartnerApiKey[]> {
    assertActsForPartner(ctx.principal, partner.localId, 'API keys');
    return (await ctx.services.partners.listApiKeys(partner.localId)).map(toPartnerApiKey);
  }
}

/** `node(id:)` for partners: any authenticated caller may see a partner's public face. */
export async function partnerNode(localId: string, ctx: Context): Promise<Partner | null> {
  const partner = await ctx.loaders.partner.load(localId);
  return partner && toPartner(partner);
}

/** `node(id:)` for API keys: the operator and the owning partner only. */
export async function partnerApiKeyNode(localId: string, ctx: Context): Promise<PartnerApiKey | null> {
  const key = await ctx.services.partners.findApiKey(localId);
  return key && canActForPartner(ctx.principal, key.partnerId) ? toPartnerApiKey(key) : null;
}
