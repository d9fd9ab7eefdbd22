import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import path from 'node:path';
import sirv from 'sirv';

/**
 * The console (web/, built by `npm start` into web/dist) served at /: hashed assets cached for
 * good, every other path answered with index.html so the app's own routes work on reload.
 * Null when the console has not been built.
 */
export function consoleAssets(): ((req: IncomingMessage, res: ServerResponse, next: () => void) => void) | null {
  const dir = path.join(repositoryRoot(), 'web', 'dist');
  if (!existsSync(path.join(dir, 'index.html'))) return null;
  const assets = sirv(dir, {
    single: true,
    etag: true,
    setHeaders: (res, pathname) => {
      res.setHeader('cache-control', pathname.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
      res.setHeader('x-content-type-options', 'nosniff');
    },
  });
  return (req, res, next) => assets(req, res, next);
}

/** The folder with package.json: two levels up from src/server in ts, three from dist/src/server. */
function repositoryRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json')) && path.dirname(dir) !== dir) dir = path.dirname(dir);
  return dir;
}
