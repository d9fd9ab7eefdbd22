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
  POINTS_LIMIT_EXCEEDED: 'POINTS_LIMIT_EXCEEDED',
} as const;

/**
 * The most points (or miles) one input may carry: 10 million, €100,000 at a cent a point. A member
 * balance is capped at 100 million by the database (migration 1795891200000), so balances, holds
 * and the liability report's sums stay far inside JSON's safe integers.
 */
export const MAX_POINTS_PER_OPERATION = 10_000_000n;

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

  /** A points or miles input: at least `min`, at most MAX_POINTS_PER_OPERATION. */
  points(value: bigint, field: string[], min = 1n): this {
    const name = field[field.length - 1];
    this.check(
      value >= min,
      CommonErrorCode.INVALID_INPUT,
      field,
      `${name} must be ${min === 1n ? 'greater than zero' : `at least ${min}`}`,
    );
    return this.check(
      value <= MAX_POINTS_PER_OPERATION,
      CommonErrorCode.POINTS_LIMIT_EXCEEDED,
      field,
      `${name} must be at most ${MAX_POINTS_PER_OPERATION.toLocaleString('en')}`,
    );
  }

  /** Checks already-trimmed free text against its rule (see requireText). */
  text(text: string, field: string[], rule: TextRule): this {
    const error = textError(text, field, rule);
    if (error) this.errors.push(error);
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

/** Free text a caller sends: names, references, reasons, answers. Lengths count after trimming. */
export interface TextRule {
  min?: number;
  max: number;
  /** Reasons and answers may keep line breaks and tabs; names and references are a single line. */
  multiline?: boolean;
  /** The code for a length outside min..max (default INVALID_INPUT); refused characters are always INVALID_INPUT. */
  lengthCode?: string;
}

export const NAME_TEXT: TextRule = { max: 200 };
export const REFERENCE_TEXT: TextRule = { max: 200 };
/** Why a goodwill grant or a settlement correction was made: shown to the member or the partner. */
export const REASON_TEXT: TextRule = { min: 3, max: 500, multiline: true, lengthCode: 'REASON_REQUIRED' };

/**
 * Refused in any text: C0 and C1 controls and DEL (NUL cannot even be stored in PostgreSQL text),
 * and the bidi embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) that make a name
 * on a receipt or a statement read as something else. Multi-line text keeps \t, \n and \r.
 */
const REFUSED_CHARACTERS = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;
const REFUSED_MULTILINE = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/u;

function textError(text: string, field: string[], rule: TextRule): UserError | null {
  const { min = 1, max, multiline = false, lengthCode = CommonErrorCode.INVALID_INPUT } = rule;
  const name = field[field.length - 1];
  if ((multiline ? REFUSED_MULTILINE : REFUSED_CHARACTERS).test(text)) {
    const allowed = multiline ? ' (line breaks and tabs are fine)' : '';
    return {
      code: CommonErrorCode.INVALID_INPUT,
      field,
      message: `${name} must not contain control or bidi-override characters${allowed}`,
    };
  }
  if (text.length < min || text.length > max) return { code: lengthCode, field, message: `${name} must be ${min} to ${max} characters` };
  return null;
}

/** The trimmed text, or a BusinessError for a length outside the rule or a refused character. */
export function requireText(value: string, field: string[], rule: TextRule): string {
  const text = value.trim();
  new Validation().text(text, field, rule).throwIfAny();
  return text;
}

/** Every value-moving mutation takes a key unique per caller: 1 to 200 printable characters, kept as sent. */
export function requireIdempotencyKey(key: string, field: string[] = ['input', 'idempotencyKey']): string {
  new Validation().text(key, field, { max: 200 }).throwIfAny();
  return key;
}
