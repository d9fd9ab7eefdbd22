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

/** TPC-B-like at each client count, select-only at the first. */
export interface Ceiling {
  tpcb: { clients: number; scale: number; tps: number }[];
  selectOnly: number;
}

/**
 * The database's own ceiling on this machine at each of `runs` (16 clients at scale 10, and 64 at
 * scale 64 for the 64-client loads: pgbench's documentation asks for a scale at least the number
 * of clients, or the figure measures contention on its branch rows); select-only at the first.
 */
export async function pgbenchCeiling(
  pgbench: string,
  url: string,
  seconds: number,
  runs: { clients: number; scale: number }[],
): Promise<Ceiling> {
  const env = connectionEnv(url);
  const tps = async (count: number, extra: string[]) => {
    const { stdout } = await run(pgbench, ['-c', String(count), '-j', '2', '-T', String(seconds), ...extra], { env, maxBuffer: 1 << 24 });
    const match = /tps = ([\d.]+)/.exec(stdout);
    if (!match) throw new Error(`pgbench printed no tps:\n${stdout}`);
    return Number(match[1]);
  };
  const ceiling: Ceiling = { tpcb: [], selectOnly: 0 };
  for (const { clients, scale } of runs) {
    await run(pgbench, ['-i', '-q', '-s', String(scale)], { env, maxBuffer: 1 << 24 });
    ceiling.tpcb.push({ clients, scale, tps: await tps(clients, []) });
    if (clients === runs[0].clients) ceiling.selectOnly = await tps(clients, ['-S']);
  }
  return ceiling;
}
