import { formatLsn, parseLsn } from './lsn';

describe('WAL positions', () => {
  it('parse as PostgreSQL prints them and order by position, not by text', () => {
    expect(parseLsn('0/16B3748')).toBe(0x16b3748n);
    expect(parseLsn('1/0')! > parseLsn('0/FFFFFFFF')!).toBe(true);
    expect(formatLsn(parseLsn('16/b374d848')!)).toBe('16/B374D848');
  });

  it('refuse anything else', () => {
    for (const bad of ['', '0', '0/', '/1', 'G/1', '0/123456789', '0/1; DROP']) expect(parseLsn(bad)).toBeNull();
  });
});
