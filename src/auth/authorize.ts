import type { Principal } from './principal';
import { forbidden } from './auth.errors';

/** The operator sees every partner's affairs; a partner only its own. */
export function canActForPartner(principal: Principal | null, partnerId: string): boolean {
  return principal?.kind === 'OPERATOR' || (principal?.kind === 'PARTNER' && principal.partnerId === partnerId);
}

export function assertActsForPartner(principal: Principal | null, partnerId: string, what: string): void {
  if (!canActForPartner(principal, partnerId)) throw forbidden(`Only the operator and the partner itself may see its ${what}`);
}

/** Operator and partners may look up any member (a till scans a card); a member only itself. */
export function canSeeMember(principal: Principal | null, cardNumber: string): boolean {
  if (!principal) return false;
  return principal.kind !== 'MEMBER' || principal.cardNumber === cardNumber;
}
