import { GraphQLError } from 'graphql';
import { BusinessError } from '../common/user-error';

/** Retries ran out: nothing was applied, and the same request with the same key is safe to send again. */
export function ledgerBusy(): GraphQLError {
  return new GraphQLError('The ledger is busy; nothing was applied. Retry with the same idempotency key.', {
    extensions: { code: 'LEDGER_BUSY', http: { status: 503, headers: new Map([['retry-after', '1']]) } },
  });
}

/**
 * Every userError code the SQL functions refuse with (ledger_refuse, SQLSTATE CL001) or answer as
 * data ({"error": code}), listed once; test/sql-functions.test.ts keeps it equal to sql/functions.
 */
export const SQL_ERROR_CODES = [
  'ACTIVITY_CAP_REACHED',
  'ACTIVITY_NOT_ACTIVE',
  'BELOW_MINIMUM',
  'CASE_ALREADY_RESOLVED',
  'CATEGORY_EXCLUSIVE',
  'CURRENCY_MISMATCH',
  'DUPLICATE_REFERENCE',
  'GIFT_CARD_EXHAUSTED',
  'GIFT_CARD_EXPIRED',
  'GIFT_CARD_NOT_HERE',
  'GIFT_CARD_THROTTLED',
  'GIFT_CARD_UNKNOWN',
  'HOLD_EXPIRED',
  'HOLD_NOT_PENDING',
  'IDEMPOTENCY_KEY_REUSED',
  'INSUFFICIENT_POINTS',
  'INVALID_POINTS',
  'MEMBER_ERASED',
  'MISSING_FX_RATE',
  'NOT_ALLOWED',
  'NOT_AN_AIRLINE',
  'NOT_A_CHARITY',
  'PERIOD_BEFORE_LAST_CLOSE',
  'PERIOD_IN_FUTURE',
  'REASON_REQUIRED',
  'RETURN_EXCEEDS_PURCHASE',
  'REVERSAL_EXCEEDS_ORIGINAL',
  'REWARD_INACTIVE',
  'SURVEY_ALREADY_COMPLETED',
  'UNKNOWN_ACTIVITY',
  'UNKNOWN_CASE',
  'UNKNOWN_ENTRY',
  'UNKNOWN_HOLD',
  'UNKNOWN_MEMBER',
  'UNKNOWN_PARTNER',
  'UNKNOWN_REFERENCE',
  'UNKNOWN_REWARD',
  'UNKNOWN_SURVEY',
  'UNKNOWN_TRANSFER',
  'UNKNOWN_VOUCHER',
  'VOUCHER_USED',
] as const;

export type SqlErrorCode = (typeof SQL_ERROR_CODES)[number];

const SQL_ERROR_CODE_SET: ReadonlySet<string> = new Set(SQL_ERROR_CODES);

/** A refusal from SQL as a BusinessError; a code missing from the list is a server fault, not a userError. */
export function sqlRefusal(code: string, message: string, field: string[] | null = null): BusinessError {
  if (!SQL_ERROR_CODE_SET.has(code)) throw new Error(`SQL refused with ${code}, which SQL_ERROR_CODES does not list: ${message}`);
  return new BusinessError(code, message, field);
}
