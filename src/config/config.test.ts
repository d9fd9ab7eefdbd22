import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfigError, loadConfig } from './config';

const secret = 'x'.repeat(32);
const valid = { DATABASE_URL: 'postgres://u:p@127.0.0.1:5432/db', COALITION_OPERATOR_KEY: secret, COALITION_MEMBER_JWT_SECRET: secret };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(env);
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('reads a valid environment', () => {
    const config = loadConfig({ ...valid, PORT: '8080', NODE_ENV: 'production' });
    expect(config).toMatchObject({ port: 8080, env: 'production', databaseUrl: valid.DATABASE_URL, operatorKey: secret });
  });

  it('reads replica URLs separated by commas; none by default', () => {
    expect(loadConfig(valid).replicas).toEqual({ urls: [], maxLagMs: 5000 });
    const replicas = loadConfig({
      ...valid,
      DATABASE_REPLICA_URLS: 'postgres://r1/db, postgres://r2/db',
      DATABASE_REPLICA_MAX_LAG_MS: '800',
    }).replicas;
    expect(replicas).toEqual({ urls: ['postgres://r1/db', 'postgres://r2/db'], maxLagMs: 800 });
  });

  it('keeps rate limits in PostgreSQL unless REDIS_URL is set', () => {
    expect(loadConfig(valid)).toMatchObject({ redisUrl: null, redisPrefix: 'coalition' });
    expect(loadConfig({ ...valid, REDIS_URL: 'redis://127.0.0.1:6379/2', COALITION_REDIS_PREFIX: 'eu-1' })).toMatchObject({
      redisUrl: 'redis://127.0.0.1:6379/2',
      redisPrefix: 'eu-1',
    });
  });

  it.each([
    [{ PORT: 'eighty' }, /PORT must be a whole number/],
    [{ PORT: '70000' }, /PORT must be between 0 and 65535/],
    [{ PORT: '80.5' }, /PORT must be a whole number/],
    [{ DATABASE_URL: 'mysql://localhost/db' }, /DATABASE_URL must be a postgres:\/\/ or postgresql:\/\/ URL/],
    [{ DATABASE_URL: 'not a url' }, /DATABASE_URL must be a postgres/],
    [{ COALITION_OPERATOR_KEY: 'short' }, /COALITION_OPERATOR_KEY must be at least 32 characters/],
    [{ COALITION_MEMBER_JWT_SECRET: 'short' }, /COALITION_MEMBER_JWT_SECRET must be at least 32 characters/],
    [{ COALITION_MEMBER_JWT_PUBLIC_KEY: 'abc' }, /COALITION_MEMBER_JWT_PUBLIC_KEY must be a PEM/],
    [{ NODE_ENV: 'staging' }, /NODE_ENV must be one of/],
    [{ LOG_LEVEL: 'loud' }, /LOG_LEVEL must be one of/],
    [{ DATABASE_REPLICA_URLS: 'postgres://r1/db,mysql://r2/db' }, /DATABASE_REPLICA_URLS must be postgres:\/\/ URLs/],
    [{ DATABASE_REPLICA_MAX_LAG_MS: '-1' }, /DATABASE_REPLICA_MAX_LAG_MS must not be negative/],
    [{ REDIS_URL: 'http://127.0.0.1:6379' }, /REDIS_URL must be a redis:\/\/ or rediss:\/\/ URL/],
    [{ COALITION_REDIS_PREFIX: 'a b' }, /COALITION_REDIS_PREFIX must be 1 to 64 letters/],
  ])('names the bad variable in %j', (bad, message) => {
    expect(problemsOf({ ...valid, ...bad })).toEqual([expect.stringMatching(message)]);
  });

  it('reports every bad variable at once', () => {
    expect(problemsOf({ ...valid, PORT: '-1', COALITION_OPERATOR_KEY: 'short' })).toHaveLength(2);
  });

  it('requires the secrets in production', () => {
    expect(problemsOf({ NODE_ENV: 'production', DATABASE_URL: valid.DATABASE_URL })).toEqual([
      'COALITION_OPERATOR_KEY is required in production',
      'COALITION_MEMBER_JWT_SECRET or COALITION_MEMBER_JWT_PUBLIC_KEY is required in production',
    ]);
  });

  it('writes nothing when the configuration is bad', () => {
    const dataDir = path.join(mkdtempSync(path.join(tmpdir(), 'coalition-')), 'data');
    problemsOf({ PORT: 'x', COALITION_DATA_DIR: dataDir });
    expect(existsSync(dataDir)).toBe(false);
  });

  it('refuses a data folder it cannot write', () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'coalition-')), 'a-file');
    writeFileSync(file, '');
    expect(problemsOf({ COALITION_DATA_DIR: path.join(file, 'data') })).toEqual([
      expect.stringMatching(/COALITION_DATA_DIR .* is not a writable folder/),
    ]);
  });

  it('outside production, generates the missing secrets once and keeps them in the data folder', () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'coalition-'));
    const first = loadConfig({ COALITION_DATA_DIR: dataDir });
    const second = loadConfig({ COALITION_DATA_DIR: dataDir });
    expect(first.databaseUrl).toBeNull();
    expect(first.operatorKey.length).toBeGreaterThanOrEqual(32);
    expect(second.operatorKey).toBe(first.operatorKey);
    expect(second.memberJwt.secret).toBe(first.memberJwt.secret);
    expect(readFileSync(path.join(dataDir, 'operator-key'), 'utf8').trim()).toBe(first.operatorKey);
  });
});
