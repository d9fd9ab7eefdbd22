import { BusinessError } from '../common/user-error';
import { startTestApp, TestApp } from '../../test/support/test-app';
import { queryRows } from './data-source';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

describe('database errors', () => {
  it('turn text PostgreSQL cannot store (NUL as text is 22021, \\u0000 in JSON is 22P05) into INVALID_INPUT', async () => {
    for (const [sql, value] of [
      ['SELECT $1::text AS v', 'a\u0000b'],
      ['SELECT $1::jsonb AS v', JSON.stringify({ name: 'a\u0000b' })],
    ]) {
      const err = await queryRows(t.dataSource, sql, [value]).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(BusinessError);
      expect((err as BusinessError).errors[0].code).toBe('INVALID_INPUT');
    }
  });

  it('turn only the member points cap into POINTS_LIMIT_EXCEEDED; other check violations stay server faults', async () => {
    const [{ id }] = await queryRows<{ id: string }>(t.dataSource, `INSERT INTO members (card_number) VALUES ('LIMIT0001') RETURNING id`);
    const held = await queryRows(t.dataSource, 'UPDATE members SET points_held = 100000001 WHERE id = $1', [id]).catch((e: unknown) => e);
    expect((held as BusinessError).errors[0].code).toBe('POINTS_LIMIT_EXCEEDED');
    const negative = await queryRows(t.dataSource, 'UPDATE members SET points_held = -1 WHERE id = $1', [id]).catch((e: unknown) => e);
    expect(negative).not.toBeInstanceOf(BusinessError);
  });
});
