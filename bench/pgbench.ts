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

/** The database's own ceiling on this machine: TPC-B-like and select-only tps, 16 clients. */
export async function pgbenchCeiling(pgbench: string, url: string, seconds: number): Promise<{ tpcb: number; selectOnly: number }> {
  const env = connectionEnv(url);
  await run(pgbench, ['-i', '-q', '-s', '10'], { env, maxBuffer: 1 << 24 });
  const tps = async (extra: string[]) => {
    const { stdout } = await run(pgbench, ['-c', '16', '-j', '2', '-T', String(seconds), ...extra], { env, maxBuffer: 1 << 24 });
    const match = /tps = ([\d.]+)/.exec(stdout);
    if (!match) throw new Error(`pgbench printed no tps:\n${stdout}`);
    return Number(match[1]);
  };
  return { tpcb: await tps([]), selectOnly: await tps(['-S']) };
}
