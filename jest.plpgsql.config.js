/**
 * plpgsql_check over every PL/pgSQL function of a migrated database. Needs the extension on the
 * server (Debian's postgresql-15-plpgsql-check), so `.ci/run` installs it and runs this on the
 * machine's PostgreSQL; it is not part of `npm test`, whose embedded PostgreSQL has no such package.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/plpgsql'],
  testMatch: ['**/*.plpgsql.ts'],
  maxWorkers: 1,
};
