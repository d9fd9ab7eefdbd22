import cluster, { Worker } from 'node:cluster';
import type { Logger } from 'pino';
import type { Config } from '../config/config';
import { startEmbeddedDatabase } from '../database/embedded-database';

/**
 * `WEB_CONCURRENCY` > 1: this process forks that many servers sharing the port (node:cluster) and
 * serves nothing itself. It owns the embedded database when there is one, so the workers all use
 * the same server; migrations serialise on their advisory lock, rate limits and webhook
 * deliveries are shared through the database, and only the first worker runs the scheduled jobs
 * (pg-boss would run each job once anyway). A worker that dies is replaced; SIGTERM/SIGINT stop
 * the workers (each drains its requests), then the embedded database.
 */
export async function runClusterPrimary(config: Config, log: Logger): Promise<void> {
  const embedded = config.databaseUrl ? null : await startEmbeddedDatabase(config.dataDir, (m) => log.warn(m));
  const databaseUrl = config.databaseUrl ?? embedded!.url;
  let stopping = false;
  const fork = (index: number): Worker => {
    const worker = cluster.fork({
      DATABASE_URL: databaseUrl,
      COALITION_JOBS: index === 0 && config.jobs ? 'on' : 'off',
      WEB_CONCURRENCY: '1',
    });
    worker.on('exit', (code, signal) => {
      if (stopping) return;
      log.error({ worker: index, code, signal }, 'server worker died; starting another');
      workers[index] = fork(index);
    });
    return worker;
  };
  const workers = Array.from({ length: config.webConcurrency }, (_, i) => fork(i));
  log.info({ workers: workers.length, database: embedded ? 'embedded' : 'external' }, 'cluster started');

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.removeAllListeners(signal);
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      log.info({ signal }, 'shutting down the cluster');
      void Promise.all(
        workers.map(
          (w) =>
            new Promise<void>((resolve) => {
              if (w.isDead()) return resolve();
              w.once('exit', () => resolve());
              w.process.kill('SIGTERM');
            }),
        ),
      )
        .then(() => embedded?.stop())
        .then(() => {
          log.info('stopped');
          process.exit(0);
        });
    });
  }
}
