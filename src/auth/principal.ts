/** Who is calling. Resolved once per request from `Authorization: Bearer <credential>`. */
export type Principal =
  { kind: 'OPERATOR' } | { kind: 'PARTNER'; partnerId: string; apiKeyId: string } | { kind: 'MEMBER'; cardNumber: string };

export type Role = Principal['kind'];

/** A stable name for the caller, scoping idempotency keys and audit records. */
export function principalRef(principal: Principal): string {
  switch (principal.kind) {
    case 'OPERATOR':
      return 'operator';
    case 'PARTNER':
      return `partner:${principal.partnerId}`;
    case 'MEMBER':
      return `member:${principal.cardNumber}`;
  }
}
