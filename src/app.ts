import type http from 'node:http';
import type { AddressInfo } from 'node:net';
import 'reflect-metadata';
import type { Logger } from 'pino';
import type { DataSource } from 'typeorm';
import { Authenticator } from './auth/credentials';
import type { Config } from './config/config';
import { createDataSource, migrate } from './database/data-source';
import { startEmbeddedDatabase } from './database/embedded-database';
import { createApolloServer } from './graphql/apollo';
import { createServices, Services } from './graphql/context';
import { startScheduler } from './jobs/scheduler';
import { createRateLimiter } from './rate-limit/rate-limiter';
import { ReplicaSet } from './replica/replica-set';
import { createHttpServer, HandlersInFlight } from './server/http-server';
import { WebhookDispatcher } from './webhook/webhook.dispatcher';

export interface App {
  url: string;
  dataSource: DataSource;
  httpServer: http.Server;
  services: Services;
  /** Stops accepting, lets in-flight requests finish, closes the pool, stops an embedded database. */
  stop(): Promise<void>;
}

const DRAIN_TIMEOUT_MS = 10_000;

export async function startApp(config: Config, log: Logger): Promise<App> {
  const embedded = config.databaseUrl ? null : await startEmbeddedDatabase(config.dataDir, (m) => log.warn(m));
  if (embedded) log.info({ dataDir: config.dataDir }, 'embedded PostgreSQL started');
  const dataSource = createDataSource(config.databaseUrl ?? embedded!.url);
  try {
    await dataSource.initialize();
    const applied = await migrate(dataSource);
    if (applied.length > 0) log.info({ applied }, 'migrations applied');
  } catch (err) {
    if (dataSource.isInitialized) await dataSource.destroy();
    await embedded?.stop();
    throw err;
  }

  const services = createServices(dataSource, { strictUrls: config.webhooks.strict });
  const scheduler = config.jobs
    ? await startScheduler(
        config.databaseUrl ?? embedded!.url,
        (await services.settings.get()).timeZone,
        config.settlementCadence,
        services,
        log,
      )
    : null;
  const webhooks = config.webhooks.deliver ? new WebhookDispatcher(dataSource, config.webhooks, log) : null;
  webhooks?.start();
  const rateLimits = await createRateLimiter(
    { databaseUrl: config.databaseUrl ?? embedded!.url, redisUrl: config.redisUrl, redisPrefix: config.redisPrefix },
    config.rateLimitPerSecond,
    log,
  );
  const replicas =
    config.replicas.urls.length > 0
      ? await ReplicaSet.open(
          dataSource,
          config.replicas.urls,
          config.replicas.maxLagMs,
          (replica) => createServices(replica, { strictUrls: config.webhooks.strict }),
          log,
        )
      : null;
  const apollo = createApolloServer(config, log, rateLimits.limiter, replicas);
  await apollo.start();
  const handlers = new HandlersInFlight();
  const httpServer = createHttpServer({
    config,
    log,
    apollo,
    services,
    dataSource,
    handlers,
    replicas,
    authenticator: new Authenticator(config, dataSource),
  });
  await new Promise<void>((resolve, reject) => {
    httpServer.once('error', reject);
    httpServer.listen(config.port, config.host, resolve);
  });
  const { port } = httpServer.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  log.info({ url: `${url}/graphql`, database: embedded ? 'embedded' : 'external', pid: process.pid }, 'Coalition ready');

  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      const closed = new Promise<void>((resolve) => httpServer.close(() => resolve()));
      // Keep-alive sockets turn idle as their last response ends: sweep them until all are gone.
      const sweep = setInterval(() => httpServer.closeIdleConnections(), 50);
      const timer = setTimeout(() => httpServer.closeAllConnections(), DRAIN_TIMEOUT_MS);
      await closed;
      // Bounded like the connections: past the drain timeout, whatever still runs is cut off.
      await Promise.race([handlers.drained(), new Promise((resolve) => setTimeout(resolve, DRAIN_TIMEOUT_MS).unref())]);
      clearInterval(sweep);
      clearTimeout(timer);
      await apollo.stop();
      await scheduler?.stop();
      await webhooks?.stop();
      await rateLimits.close();
      await replicas?.close();
      await dataSource.destroy();
      await embedded?.stop();
      log.info('stopped');
    })());
  return { url, dataSource, httpServer, services, stop };
}
