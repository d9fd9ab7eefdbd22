import { runTorture } from '../bench/torture';
import { startTestApp, TestApp } from './support/test-app';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.stop());

describe('torture (small: the full run is npm run torture)', () => {
  it('loses and duplicates nothing while database backends are killed every 200 ms', async () => {
    const report = await runTorture({
      url: t.app.url,
      operatorKey: t.config.operatorKey,
      memberToken: (card) => t.memberToken(card),
      dataSource: t.dataSource,
      operations: 1000,
      clients: 8,
      killEveryMs: 200,
    });
    expect(report.killedBackends).toBeGreaterThan(0);
    expect(report.succeeded).toBeGreaterThan(500);
    expect(report.unrecovered).toEqual([]);
    expect(report.violations).toEqual([]);
    expect(report.mismatches).toEqual([]);
    expect(report.readyAfter).toBe(true);
  }, 180_000);
});
