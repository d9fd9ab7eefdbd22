import currencyCodes from 'currency-codes';
import { Field, InputType, ObjectType } from 'type-graphql';
import { DecimalScalar } from './scalars';
import { BusinessError, CommonErrorCode } from './user-error';

@ObjectType({ description: 'An exact amount of money in one currency.' })
export class Money {
  @Field(() => DecimalScalar, { description: 'In major units with the currency’s decimals, e.g. "12.50".' })
  amount!: string;

  @Field(() => String, { description: 'ISO 4217 code, e.g. "EUR".' })
  currency!: string;
}

@InputType()
export class MoneyInput {
  @Field(() => DecimalScalar, { description: 'At most as many decimals as the currency has (EUR 2, JPY 0, BHD 3).' })
  amount!: string;

  @Field(() => String, { description: 'ISO 4217 code.' })
  currency!: string;
}

/**
 * The largest amount one input may carry, in minor units (10,000,000,000.00 EUR, ¥1,000,000,000,000):
 * far above any purchase, gift card or settlement correction, and small enough that millions of
 * them still sum within SQL bigint.
 */
export const MAX_MONEY_MINOR = 10n ** 12n;

/** Money inside the server: integer minor units (cents) and the currency. */
export interface MinorAmount {
  minor: bigint;
  currency: string;
}

/**
 * Decimal places of an ISO 4217 currency that can settle (precious metals and test codes have no
 * minor unit and are not money a partner bills in), or null when unknown.
 */
export function currencyDigits(code: string): number | null {
  const entry = currencyCodes.code(code);
  if (!entry || entry.countries.some((c) => c.startsWith('Zz'))) return null;
  return entry.digits;
}

/** Refuses an unknown currency with CURRENCY_MISMATCH, naming the field. */
export function requireCurrency(code: string, field: string[]): string {
  if (!/^[A-Z]{3}$/.test(code) || currencyDigits(code) === null) {
    throw new BusinessError(CommonErrorCode.CURRENCY_MISMATCH, `"${code}" is not an ISO 4217 currency code`, field);
  }
  return code;
}

/**
 * Parses a money input into minor units, exactly. More decimals than the currency allows is an
 * error, never a silent rounding; so is a non-positive amount where `positive` is asked.
 */
export function parseMoney(input: MoneyInput, field: string[], opts: { positive?: boolean } = {}): MinorAmount {
  const currency = requireCurrency(input.currency, [...field, 'currency']);
  const digits = currencyDigits(currency)!;
  const [whole, fraction = ''] = input.amount.replace('-', '').split('.');
  if (fraction.length > digits) {
    throw new BusinessError(
      CommonErrorCode.INVALID_AMOUNT,
      `${currency} amounts have at most ${digits} decimal${digits === 1 ? '' : 's'}; got "${input.amount}"`,
      [...field, 'amount'],
    );
  }
  const magnitude = BigInt(whole + fraction.padEnd(digits, '0'));
  if (magnitude > MAX_MONEY_MINOR) {
    throw new BusinessError(
      CommonErrorCode.INVALID_AMOUNT,
      `${currency} amounts are at most ${formatMinor(MAX_MONEY_MINOR, currency)} either way; got "${input.amount}"`,
      [...field, 'amount'],
    );
  }
  const minor = input.amount.startsWith('-') ? -magnitude : magnitude;
  if (opts.positive && minor <= 0n) {
    throw new BusinessError(CommonErrorCode.INVALID_AMOUNT, `amount must be greater than zero; got "${input.amount}"`, [
      ...field,
      'amount',
    ]);
  }
  return { minor, currency };
}

/**
 * An exact decimal amount as SQL `numeric` prints it (a settlement item's, unrounded: `numeric`
 * division leaves 16 to 20 decimals, "-12.5000000000000000") with the currency's decimals and only
 * the further ones that are not zero: "-12.50", "-0.015".
 */
export function formatExact(amount: string, currency: string): string {
  const digits = currencyDigits(currency) ?? 2;
  const [whole, fraction = ''] = amount.split('.');
  const kept = fraction.replace(/0+$/, '').padEnd(digits, '0');
  return kept ? `${whole}.${kept}` : whole;
}

/** Formats minor units as a decimal string with exactly the currency's decimals. */
export function formatMinor(minor: bigint, currency: string): string {
  const digits = currencyDigits(currency) ?? 2;
  const sign = minor < 0n ? '-' : '';
  const abs = (minor < 0n ? -minor : minor).toString().padStart(digits + 1, '0');
  return digits === 0 ? sign + abs : `${sign}${abs.slice(0, -digits)}.${abs.slice(-digits)}`;
}

export function toMoney(minor: bigint | string, currency: string): Money {
  return Object.assign(new Money(), { amount: formatMinor(BigInt(minor), currency), currency });
}
