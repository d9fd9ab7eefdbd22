import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import 'reflect-metadata';
import { runTorture } from '../bench/torture';
import { startApp } from '../src/app';
import { loadConfig } from '../src/config/config';
import { createLogger } from '../src/server/logger';

/**
 * `npm run torture`: 10,000 operations from 16 clients against a running server while the
 * server's database backends are killed every 200 ms and, with the machine's PostgreSQL, the
 * server restarts once. Exits non-zero on any violation, mismatch or unrecovered request.
 */
async function main(): Promise<void> {
  const config = loadConfig({
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    COALITION_JOBS: 'off',
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'error',
  });
  const app = await startApp(config, createLogger(config.logLevel));
  const cluster = existsSync('/etc/postgresql') ? readdirSync('/etc/postgresql')[0] : null;
  const restart =
    config.databaseUrl && cluster
      ? async () => {
          console.log('restarting PostgreSQL');
          await promisify(execFile)('pg_ctlcluster', ['--skip-systemctl-redirect', cluster, 'main', 'restart', '-m', 'fast']);
        }
      : undefined;
  if (!restart) console.log('restart skipped: needs DATABASE_URL on the machine cluster (pg_ctlcluster)');
  const secret = new TextEncoder().encode(config.memberJwt.secret ?? '');
  try {
    const started = Date.now();
    const report = await runTorture({
      url: app.url,
      operatorKey: config.operatorKey,
      memberToken: (card) => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject(card).setExpirationTime('1h').sign(secret),
      dataSource: app.dataSource,
      operations: Number(process.env.TORTURE_OPERATIONS ?? 10_000),
      clients: 16,
      killEveryMs: 200,
      restart,
      seed: Number(process.env.TORTURE_SEED ?? Date.now() % 100000),
    });
    console.log(JSON.stringify({ ...report, seconds: Math.round((Date.now() - started) / 1000) }, null, 2));
    const ok = report.unrecovered.length === 0 && report.violations.length === 0 && report.mismatches.length === 0 && report.readyAfter;
    console.log(ok ? 'torture passed' : 'torture FAILED');
    process.exitCode = ok ? 0 : 1;
  } finally {
    await app.stop();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(2);
});
