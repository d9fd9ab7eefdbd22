/**
 * End-to-end tests of the console: the real server (serving web/dist) on real PostgreSQL, driven
 * in Debian's headless Chromium by playwright-core. `npm run test:e2e` builds the console first.
 */
const base = require('./jest.config');

module.exports = {
  ...base,
  roots: ['<rootDir>/test/e2e'],
  testMatch: ['**/*.e2e.ts'],
  testTimeout: 90_000,
  maxWorkers: 1,
};
