import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/**
 * The repeatable step after the versioned migrations: every PL/pgSQL function (and the trigger
 * that calls it) lives in sql/functions/<module>.sql as CREATE OR REPLACE, and a file is applied
 * again whenever its text changes. schema_functions records (name, checksum, applied_at).
 */
export interface SqlFunctionFile {
  name: string;
  checksum: string;
  sql: string;
}

/** Runs one statement (or, without params, a script) on one connection and returns its rows. */
export type SqlRunner = (sql: string, params?: unknown[]) => Promise<Record<string, unknown>[]>;

/**
 * The nearest sql/functions above this module: the repository's, from src/database (ts-jest),
 * dist/src/database (npm start) or any other build folder inside the repository.
 */
export const SQL_FUNCTIONS_DIR = findUp(__dirname);

function findUp(from: string): string {
  const dir = join(from, 'sql', 'functions');
  if (existsSync(dir)) return dir;
  const parent = dirname(from);
  if (parent === from) throw new Error(`no sql/functions folder above ${__dirname}`);
  return findUp(parent);
}

/** In file-name order: the numeric prefixes put the ledger first, and a module after those it calls. */
export function sqlFunctionFiles(dir = SQL_FUNCTIONS_DIR): SqlFunctionFile[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.sql'))
    .sort()
    .map((name) => {
      const sql = readFileSync(join(dir, name), 'utf8');
      return { name, checksum: createHash('sha256').update(sql).digest('hex'), sql };
    });
}

let shipped: SqlFunctionFile[] | undefined;
/** The files this server was built with, read once (/ready compares them at every probe). */
function shippedFiles(): SqlFunctionFile[] {
  return (shipped ??= sqlFunctionFiles());
}

/** The files whose text differs from what was last applied (all of them on a new database). */
export async function pendingSqlFunctionFiles(run: SqlRunner, files = shippedFiles()): Promise<SqlFunctionFile[]> {
  const recorded = await run(`SELECT name, checksum FROM schema_functions`);
  const applied = new Map(recorded.map((r) => [r.name, r.checksum]));
  return files.filter((f) => applied.get(f.name) !== f.checksum);
}

/**
 * Applies each pending file (or, with `all`, every file) in its own transaction and records its
 * checksum; returns the names. The caller holds the migration lock, so two servers never apply the
 * same file at once.
 */
export async function applySqlFunctions(run: SqlRunner, opts: { all?: boolean } = {}, files = shippedFiles()): Promise<string[]> {
  const pending = opts.all ? files : await pendingSqlFunctionFiles(run, files);
  for (const file of pending) {
    await run('BEGIN');
    try {
      await run(file.sql);
      await run(
        `INSERT INTO schema_functions (name, checksum) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET checksum = EXCLUDED.checksum, applied_at = clock_timestamp()`,
        [file.name, file.checksum],
      );
      await run('COMMIT');
    } catch (err) {
      await run('ROLLBACK');
      throw new Error(`sql/functions/${file.name}: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
    }
  }
  return pending.map((f) => `sql/functions/${f.name}`);
}
