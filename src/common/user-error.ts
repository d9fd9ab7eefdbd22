import { Field, ObjectType } from 'type-graphql';

/**
 * Business failures are data, not exceptions on the wire: every mutation payload carries
 * `userErrors`, each with a stable `code` clients branch on, the input `field` path it concerns,
 * and a human-readable message.
 */
@ObjectType({ description: 'A business failure of a mutation: nothing was changed.' })
export class UserError {
  @Field(() => String, { description: 'Stable machine-readable code, e.g. INSUFFICIENT_POINTS.' })
  code!: string;

  @Field(() => [String], { nullable: true, description: 'Path of the input field at fault, e.g. ["input", "amount"].' })
  field!: string[] | null;

  @Field(() => String)
  message!: string;
}

/** Codes shared by several capabilities. Capability-specific codes live in their `*.errors.ts`. */
export const CommonErrorCode = {
  INVALID_INPUT: 'INVALID_INPUT',
  INVALID_AMOUNT: 'INVALID_AMOUNT',
  CURRENCY_MISMATCH: 'CURRENCY_MISMATCH',
  IDEMPOTENCY_KEY_REUSED: 'IDEMPOTENCY_KEY_REUSED',
  NOT_ALLOWED: 'NOT_ALLOWED',
} as const;

/** Thrown by services for a business failure; turned into `userErrors` by `mutationPayload`. */
export class BusinessError extends Error {
  readonly errors: UserError[];

  constructor(code: string, message: string, field: string[] | null = null) {
    super(message);
    this.name = 'BusinessError';
    this.errors = [{ code, field, message }];
  }

  /** Several independent problems with one input, reported together. */
  static all(errors: UserError[]): BusinessError {
    const error = new BusinessError(errors[0].code, errors[0].message, errors[0].field);
    error.errors.splice(0, 1, ...errors);
    return error;
  }
}

/** Collects validation problems so a client sees all of them in one round trip. */
export class Validation {
  private readonly errors: UserError[] = [];

  check(ok: boolean, code: string, field: string[], message: string): this {
    if (!ok) this.errors.push({ code, field, message });
    return this;
  }

  throwIfAny(): void {
    if (this.errors.length > 0) throw BusinessError.all(this.errors);
  }
}

/**
 * Runs a mutation and shapes its payload: the result fields with empty `userErrors`, or only
 * `userErrors` when the service refused with a BusinessError. Anything else is a server fault
 * and propagates as a top-level error.
 */
export async function mutationPayload<P extends { userErrors: UserError[] }>(
  Payload: new () => P,
  run: () => Promise<Omit<P, 'userErrors'>>,
): Promise<P> {
  const payload = new Payload();
  try {
    Object.assign(payload, await run(), { userErrors: [] });
  } catch (err) {
    if (!(err instanceof BusinessError)) throw err;
    payload.userErrors = err.errors;
  }
  return payload;
}

/** Every value-moving mutation takes a key unique per caller: 1 to 200 printable characters. */
export function requireIdempotencyKey(key: string, field: string[] = ['input', 'idempotencyKey']): string {
  if (key.length < 1 || key.length > 200 || /\p{Cc}/u.test(key)) {
    throw new BusinessError(CommonErrorCode.INVALID_INPUT, 'idempotencyKey must be 1 to 200 printable characters', field);
  }
  return key;
}
