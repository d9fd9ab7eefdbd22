import { formatExact, formatMinor, parseMoney } from './money';
import { BusinessError } from './user-error';

function failure(fn: () => unknown): { code: string; field: string[] | null } {
  try {
    fn();
  } catch (err) {
    if (err instanceof BusinessError) return err.errors[0];
    throw err;
  }
  throw new Error('expected a BusinessError');
}

describe('money', () => {
  it('parses amounts into exact minor units per the currency', () => {
    expect(parseMoney({ amount: '12.5', currency: 'EUR' }, ['amount'])).toEqual({ minor: 1250n, currency: 'EUR' });
    expect(parseMoney({ amount: '1200', currency: 'JPY' }, ['amount'])).toEqual({ minor: 1200n, currency: 'JPY' });
    expect(parseMoney({ amount: '0.125', currency: 'BHD' }, ['amount'])).toEqual({ minor: 125n, currency: 'BHD' });
    expect(parseMoney({ amount: '-0.01', currency: 'USD' }, ['amount'])).toEqual({ minor: -1n, currency: 'USD' });
    expect(parseMoney({ amount: '-9999999999.99', currency: 'USD' }, ['amount']).minor).toBe(-999999999999n);
  });

  it('refuses amounts beyond the documented maximum of 10^12 minor units, however many digits', () => {
    expect(parseMoney({ amount: '10000000000.00', currency: 'EUR' }, ['x']).minor).toBe(10n ** 12n);
    expect(parseMoney({ amount: '1000000000000', currency: 'JPY' }, ['x']).minor).toBe(10n ** 12n);
    for (const amount of ['10000000000.01', '-10000000000.01', '99999999999999999999999.00']) {
      expect(failure(() => parseMoney({ amount, currency: 'EUR' }, ['input', 'amount']))).toMatchObject({
        code: 'INVALID_AMOUNT',
        field: ['input', 'amount', 'amount'],
      });
    }
  });

  it('refuses more decimals than the currency has instead of rounding', () => {
    expect(failure(() => parseMoney({ amount: '1.005', currency: 'EUR' }, ['input', 'amount']))).toMatchObject({
      code: 'INVALID_AMOUNT',
      field: ['input', 'amount', 'amount'],
    });
    expect(failure(() => parseMoney({ amount: '1.5', currency: 'JPY' }, ['x'])).code).toBe('INVALID_AMOUNT');
  });

  it('refuses zero and negative amounts where a positive one is needed', () => {
    expect(failure(() => parseMoney({ amount: '0.00', currency: 'EUR' }, ['x'], { positive: true })).code).toBe('INVALID_AMOUNT');
    expect(failure(() => parseMoney({ amount: '-1', currency: 'EUR' }, ['x'], { positive: true })).code).toBe('INVALID_AMOUNT');
  });

  it('refuses unknown currencies and ones with no minor unit', () => {
    for (const currency of ['EURO', 'eur', 'ABC', 'XAU', 'XXX']) {
      expect(failure(() => parseMoney({ amount: '1', currency }, ['m']))).toMatchObject({
        code: 'CURRENCY_MISMATCH',
        field: ['m', 'currency'],
      });
    }
  });

  it('formats minor units with exactly the currency decimals', () => {
    expect(formatMinor(1250n, 'EUR')).toBe('12.50');
    expect(formatMinor(5n, 'EUR')).toBe('0.05');
    expect(formatMinor(-5n, 'EUR')).toBe('-0.05');
    expect(formatMinor(1200n, 'JPY')).toBe('1200');
    expect(formatMinor(1n, 'BHD')).toBe('0.001');
  });

  it('formats exact amounts with the currency decimals and only the further ones that are not zero', () => {
    expect(formatExact('-12.5000000000000000', 'EUR')).toBe('-12.50');
    expect(formatExact('-0.01500000000000000000', 'EUR')).toBe('-0.015');
    expect(formatExact('7', 'EUR')).toBe('7.00');
    expect(formatExact('1200.00000000000000000000', 'JPY')).toBe('1200');
    expect(formatExact('0.1250', 'BHD')).toBe('0.125');
  });
});
