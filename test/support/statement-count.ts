import { Client } from 'pg';

/** Runs `fn` and counts the SQL statements the process sent meanwhile (pool.query goes through Client.query too). */
export async function countStatements(fn: () => Promise<unknown>): Promise<number> {
  const spy = jest.spyOn(Client.prototype, 'query');
  try {
    await fn();
    return spy.mock.calls.length;
  } finally {
    spy.mockRestore();
  }
}
