import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { mutationPayload } from '../common/user-error';
import type { Context } from '../graphql/context';
import { CoalitionSettings, UpdateCoalitionSettingsInput, UpdateCoalitionSettingsPayload } from './settings.types';

@Resolver()
export class SettingsResolver {
  @Authorized()
  @Query(() => CoalitionSettings)
  coalitionSettings(@Ctx() ctx: Context): Promise<CoalitionSettings> {
    return ctx.services.settings.get();
  }

  @Authorized('OPERATOR')
  @Mutation(() => UpdateCoalitionSettingsPayload, { description: 'Changes coalition-wide rules; applies to what happens from now on.' })
  updateCoalitionSettings(
    @Arg('input', () => UpdateCoalitionSettingsInput) input: UpdateCoalitionSettingsInput,
    @Ctx() ctx: Context,
  ): Promise<UpdateCoalitionSettingsPayload> {
    return mutationPayload(UpdateCoalitionSettingsPayload, async () => ({ settings: await ctx.services.settings.update(input) }));
  }
}
