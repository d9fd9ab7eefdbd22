import { Authorized, Ctx, Query, registerEnumType, Resolver } from 'type-graphql';
import type { Context } from '../graphql/context';
import type { Role } from './principal';

const ViewerRole = { OPERATOR: 'OPERATOR', PARTNER: 'PARTNER', MEMBER: 'MEMBER' } as const satisfies Record<Role, Role>;
registerEnumType(ViewerRole, { name: 'ViewerRole', description: 'What the credential of the call is.' });

@Resolver()
export class ViewerResolver {
  @Authorized()
  @Query(() => ViewerRole, { description: 'The role of the credential that made the call: what a front end signs in as.' })
  viewerRole(@Ctx() ctx: Context): Role {
    return ctx.principal!.kind;
  }
}
