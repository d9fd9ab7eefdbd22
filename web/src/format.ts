/**
 * Amounts arrive as decimal strings ({ amount: "12.50", currency: "EUR" }) and are formatted by
 * Intl from the string itself: no floating point ever touches money. Points are whole numbers.
 */
export interface Money {
  amount: string;
  currency: string;
}

const moneyFormats = new Map<string, Intl.NumberFormat>();

export function formatMoney(money: Money | null | undefined, locale = navigator.language): string {
  if (!money) return '—';
  const key = `${locale}|${money.currency}`;
  let format = moneyFormats.get(key);
  if (!format) {
    format = new Intl.NumberFormat(locale, { style: 'currency', currency: money.currency });
    moneyFormats.set(key, format);
  }
  // A numeric string keeps its exact digits (Intl.NumberFormat v3).
  return format.format(money.amount as unknown as number);
}

export function formatPoints(points: number | null | undefined, locale = navigator.language): string {
  return points == null ? '—' : `${new Intl.NumberFormat(locale).format(points)} pts`;
}

export function formatDateTime(iso: string | null | undefined, locale = navigator.language): string {
  return iso ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso)) : '—';
}

export function formatDate(iso: string | null | undefined, locale = navigator.language): string {
  return iso ? new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(new Date(iso)) : '—';
}

/**
 * Adds or subtracts decimal strings exactly (BigInt in minor units), for totals shown beside
 * amounts the server sent.
 */
export function addDecimal(a: string, b: string): string {
  const scale = Math.max(decimals(a), decimals(b));
  const sum = toMinor(a, scale) + toMinor(b, scale);
  return fromMinor(sum, scale);
}

/** Whole points times a decimal price per point, exactly (BigInt): what a donation is worth. */
export function multiplyDecimal(points: number, perPoint: string): string {
  const scale = decimals(perPoint);
  return fromMinor(BigInt(points) * toMinor(perPoint, scale), scale);
}

/** A decimal string as a number of minor units for charts' axes, where a float is only a pixel position. */
export function chartValue(amount: string): number {
  return Number(amount);
}

function decimals(v: string): number {
  const dot = v.indexOf('.');
  return dot < 0 ? 0 : v.length - dot - 1;
}

function toMinor(v: string, scale: number): bigint {
  const negative = v.startsWith('-');
  const [whole, frac = ''] = (negative ? v.slice(1) : v).split('.');
  const minor = BigInt(whole + frac.padEnd(scale, '0'));
  return negative ? -minor : minor;
}

function fromMinor(minor: bigint, scale: number): string {
  const negative = minor < 0n;
  const digits = (negative ? -minor : minor).toString().padStart(scale + 1, '0');
  const text = scale === 0 ? digits : `${digits.slice(0, -scale)}.${digits.slice(-scale)}`;
  return negative ? `-${text}` : text;
}
