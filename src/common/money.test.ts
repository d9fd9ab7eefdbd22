import { formatMinor, parseMoney } from './money';
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
    expect(parseMoney({ amount: '90071992547409.93', currency: 'USD' }, ['amount']).minor).toBe(9007199254740993n);
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
});
