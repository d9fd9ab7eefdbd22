/**
 * Every test file boots the real server against its own PostgreSQL database cloned from a
 * template that the real migrations built (test/global-setup.ts). Type checking is done once by
 * `tsc` in `npm test`; ts-jest only transpiles, which keeps the suite fast.
 */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/src', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { tsconfig: 'tsconfig.jest.json' }] },
  setupFiles: ['reflect-metadata'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
