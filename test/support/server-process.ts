import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import path from 'node:path';
import { TEST_JWT_SECRET, TEST_OPERATOR_KEY } from './test-app';

/**
 * The server as `npm start` runs it — compiled, in a process of its own — for tests that need
 * real processes: several servers at once, or one killed with SIGKILL.
 */
const root = path.join(__dirname, '..', '..');

export function serverEnv(databaseUrl: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    PORT: '0',
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    COALITION_OPERATOR_KEY: TEST_OPERATOR_KEY,
    COALITION_MEMBER_JWT_SECRET: TEST_JWT_SECRET,
    COALITION_JOBS: 'off',
    LOG_LEVEL: 'info',
    ...extra,
  };
}

/** Compiles the server into a folder of its own (removed by `remove`). */
export function buildServer(): { dir: string; remove(): void } {
  mkdirSync(path.join(root, '.coalition-data'), { recursive: true });
  const dir = mkdtempSync(path.join(root, '.coalition-data', 'server-build-'));
  execFileSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', dir], { cwd: root });
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Starts a server process; resolves with its URL once it logs that it is ready. */
export function spawnServer(build: string, env: Record<string, string>): { child: ChildProcess; ready: Promise<string> } {
  const child = spawn(process.execPath, [path.join(build, 'src', 'main.js')], { env: { ...process.env, ...env }, stdio: 'pipe' });
  const ready = new Promise<string>((resolve, reject) => {
    let out = '';
    const collect = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url":"(http:\/\/127\.0\.0\.1:\d+)\/graphql"/.exec(out);
      if (match) resolve(match[1]);
    };
    child.stdout!.on('data', collect);
    child.stderr!.on('data', collect);
    child.on('exit', (code) => reject(new Error(`server exited with ${code}: ${out.slice(-2000)}`)));
  });
  return { child, ready };
}
