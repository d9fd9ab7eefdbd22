import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** pgbench from the machine's PostgreSQL packages, if any (the embedded package ships none). */
export function findPgbench(): string | null {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return null;
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  for (const v of versions) {
    const bin = `${root}/${v}/bin/pgbench`;
    if (existsSync(bin)) return bin;
  }
  return null;
}

function connectionEnv(url: string): NodeJS.ProcessEnv {
  const u = new URL(url);
  return {
    ...process.env,
    PGHOST: u.hostname,
    PGPORT: u.port || '5432',
    PGUSER: decodeURIComponent(u.username || 'postgres'),
    PGPASSWORD: decodeURIComponent(u.password),
    PGDATABASE: u.pathname.slice(1),
  };
}

/**
 * The database's own ceiling on this machine: TPC-B-like at 16 clients (scale 10) and at 64
 * (scale 64: pgbench's documentation asks for a scale at least the number of clients, or the
 * figure measures contention on its ten branch rows), and select-only at 16 clients.
 */
export async function pgbenchCeiling(
  pgbench: string,
  url: string,
  seconds: number,
): Promise<{ tpcb: number; tpcb64: number; selectOnly: number }> {
  const env = connectionEnv(url);
  const init = (scale: number) => run(pgbench, ['-i', '-q', '-s', String(scale)], { env, maxBuffer: 1 << 24 });
  const tps = async (clients: number, extra: string[]) => {
    const { stdout } = await run(pgbench, ['-c', String(clients), '-j', '2', '-T', String(seconds), ...extra], { env, maxBuffer: 1 << 24 });
    const match = /tps = ([\d.]+)/.exec(stdout);
    if (!match) throw new Error(`pgbench printed no tps:\n${stdout}`);
    return Number(match[1]);
  };
  await init(10);
  const tpcb = await tps(16, []);
  const selectOnly = await tps(16, ['-S']);
  await init(64);
  return { tpcb, tpcb64: await tps(64, []), selectOnly };
}
