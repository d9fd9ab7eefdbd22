import { HeaderMap } from '@apollo/server';
import type { ApolloServer } from '@apollo/server';
import { randomUUID } from 'node:crypto';
import http, { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { GraphQLError } from 'graphql';
import type { DataSource } from 'typeorm';
import type { Authenticator } from '../auth/credentials';
import type { Config } from '../config/config';
import { schemaPending } from '../database/data-source';
import { Context, createLoaders, ReadRoute, Services } from '../graphql/context';
import { journalCoverage } from '../ledger/journal-partitions';
import { statementCsv } from '../settlement/settlement-export';
import { consoleAssets } from './console-assets';
import { HttpError } from './http-error';
import type { ReplicaSet } from '../replica/replica-set';

/**
 * Request handlers still running. A handler can outlive its socket (the client hung up), so
 * shutdown waits for these, not only for connections, before it closes the database pool:
 * otherwise work already accepted (a purchase waiting to be committed with others) would fail.
 */
export class HandlersInFlight {
  private running = 0;
  private waiters: (() => void)[] = [];

  track(handler: Promise<void>): void {
    this.running++;
    void handler.finally(() => {
      if (--this.running === 0) this.waiters.splice(0).forEach((wake) => wake());
    });
  }

  drained(): Promise<void> {
    return this.running === 0 ? Promise.resolve() : new Promise((resolve) => this.waiters.push(resolve));
  }
}

export interface HttpDeps {
  config: Config;
  log: Logger;
  apollo: ApolloServer<Context>;
  authenticator: Authenticator;
  services: Services;
  dataSource: DataSource;
  handlers: HandlersInFlight;
  replicas: ReplicaSet<Services> | null;
}

/**
 * Node's http server with Apollo's framework-neutral entry point: POST /graphql (GET for
 * queries), GET /health (the process is up) and GET /ready (database reachable, schema current).
 */
export function createHttpServer(deps: HttpDeps): http.Server {
  const assets = consoleAssets();
  const server = http.createServer((req, res) => {
    const started = process.hrtime.bigint();
    const requestId = requestIdOf(req);
    res.setHeader('x-request-id', requestId);
    const log = deps.log.child({ requestId });
    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.info({ method: req.method, url: req.url, status: res.statusCode, ms: Math.round(ms * 10) / 10 }, 'request');
    });
    deps.handlers.track(
      route(req, res, requestId, log, deps, assets).catch((err: unknown) => {
        if (err instanceof HttpError)
          return sendJson(res, err.status, { errors: [{ message: err.message, extensions: { code: err.code } }] });
        log.error({ err }, 'request failed');
        if (!res.headersSent)
          sendJson(res, 500, { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] });
        else res.destroy();
      }),
    );
  });
  // Slow or stalled clients must not hold sockets forever.
  server.requestTimeout = 30_000;
  server.headersTimeout = 10_000;
  server.keepAliveTimeout = 5_000;
  return server;
}

async function route(
  req: IncomingMessage,
  res: ServerResponse,
  requestId: string,
  log: Logger,
  deps: HttpDeps,
  assets: ReturnType<typeof consoleAssets>,
): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname === '/health' && req.method === 'GET') return sendJson(res, 200, { status: 'ok' });
  if (url.pathname === '/ready' && req.method === 'GET') return ready(res, deps.dataSource, log);
  if (url.pathname === '/settlement/statement.csv' && req.method === 'GET') return exportStatement(req, res, url, deps);
  if (url.pathname !== '/graphql') {
    const notFound = new HttpError(404, 'NOT_FOUND', `No route ${req.method} ${url.pathname}`);
    if (!assets || (req.method !== 'GET' && req.method !== 'HEAD')) throw notFound;
    // The console: a file, or index.html for its own routes; a missing file with an extension is a 404.
    return new Promise((resolve, reject) => {
      res.once('finish', () => resolve());
      assets(req, res, () => reject(notFound));
    });
  }

  const headers = new HeaderMap();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
  }
  const body = req.method === 'POST' ? parseBody(await readBody(req, deps.config.maxBodyBytes), headers.get('content-type')) : undefined;
  const execute = async (primaryOnly: boolean) => {
    const reads: ReadRoute = { primaryOnly, replica: null, failed: false };
    const response = await deps.apollo.executeHTTPGraphQLRequest({
      httpGraphQLRequest: { method: req.method ?? 'GET', headers, search: url.search, body },
      context: async () => {
        const principal = await deps.authenticator.authenticate(req.headers.authorization);
        return { principal, requestId, log, services: deps.services, loaders: createLoaders(deps.services), reads };
      },
    });
    return { response, reads };
  };
  const first = await execute(false);
  if (first.reads.failed) {
    // A read is safe to repeat: the replica's fault must not become the caller's.
    log.warn({ replica: first.reads.replica!.name }, 'read failed on a replica; running it on the primary');
    deps.replicas!.markDown(first.reads.replica!);
  }
  const response = first.reads.failed ? (await execute(true)).response : first.response;
  for (const [name, value] of response.headers) res.setHeader(name, value);
  res.statusCode = response.status ?? 200;
  if (response.body.kind === 'complete') {
    res.end(response.body.string);
    return;
  }
  for await (const chunk of response.body.asyncIterator) res.write(chunk);
  res.end();
}

async function exportStatement(req: IncomingMessage, res: ServerResponse, url: URL, deps: HttpDeps): Promise<void> {
  try {
    const principal = await deps.authenticator.authenticate(req.headers.authorization);
    const { filename, body } = await statementCsv(deps.services.settlement, principal, url.searchParams);
    res.statusCode = 200;
    res.setHeader('content-type', 'text/csv; charset=utf-8');
    res.setHeader('content-disposition', `attachment; filename="${filename}"`);
    res.end(body);
  } catch (err) {
    if (err instanceof GraphQLError) throw new HttpError(401, 'UNAUTHENTICATED', err.message);
    throw err;
  }
}

/**
 * Ready: the database answers, the schema is current and the journal has a partition for today's
 * writes. How far ahead partitions reach is reported, and warned about when the job falls behind.
 */
async function ready(res: ServerResponse, dataSource: DataSource, log: Logger): Promise<void> {
  try {
    if (await schemaPending(dataSource)) return sendJson(res, 503, { status: 'migrations pending' });
    const { coveredUntil, exhausted, runningOut } = await journalCoverage(dataSource);
    if (runningOut) log.warn({ coveredUntil }, 'journal partitions run out soon: is the maintain-partitions job running?');
    sendJson(res, exhausted ? 503 : 200, {
      status: exhausted ? 'journal partitions missing' : 'ready',
      journal: { coveredUntil, runningOut },
    });
  } catch {
    sendJson(res, 503, { status: 'database unreachable' });
  }
}

function requestIdOf(req: IncomingMessage): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && /^[\w.-]{1,64}$/.test(given) ? given : randomUUID();
}

async function readBody(req: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limit) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new HttpError(413, 'PAYLOAD_TOO_LARGE', `Request body exceeds ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** JSON bodies are parsed here; anything else goes to Apollo as text, which refuses it with 400/415. */
function parseBody(raw: string, contentType: string | undefined): unknown {
  if (!contentType?.toLowerCase().startsWith('application/json')) return raw;
  try {
    return JSON.parse(raw);
  } catch {
    throw new HttpError(400, 'BAD_REQUEST', 'Request body is not valid JSON');
  }
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader('content-type', 'application/json; charset=utf-8');
  res.end(JSON.stringify(body));
}
