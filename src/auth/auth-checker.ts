import { AuthChecker } from 'type-graphql';
import type { Context } from '../graphql/context';
import { unauthenticated, forbidden } from './auth.errors';
import type { Role } from './principal';

/**
 * Every root field declares its callers with `@Authorized(...roles)`; `@Authorized()` with no
 * roles admits any authenticated caller. Object-level checks (whose member, whose statement)
 * happen in services, which know the owner.
 */
export const authChecker: AuthChecker<Context, Role> = ({ context, info }, roles) => {
  const { principal } = context;
  if (!principal) {
    throw unauthenticated(`"${info.fieldName}" needs credentials: send "Authorization: Bearer <key or token>"`);
  }
  if (roles.length === 0 || roles.includes(principal.kind)) return true;
  throw forbidden(`"${info.fieldName}" is for ${roles.join(' or ').toLowerCase()} callers, not ${principal.kind.toLowerCase()}`);
};
