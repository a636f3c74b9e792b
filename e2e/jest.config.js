/* global module */
/**
 * End-to-end tests against the built dist/: `npx jest -c e2e/jest.config.js`. Node test
 * environment (the browser is a real Chromium), one file at a time (each starts a KPI service,
 * the backend plugin, the host and a browser), global setup builds what is missing.
 */
const transform = { '^.+\\.m?(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } } } }] };

module.exports = {
  rootDir: '..',
  roots: ['<rootDir>/e2e'],
  testMatch: ['<rootDir>/e2e/**/*.e2e.test.ts'],
  testEnvironment: 'node',
  transform,
  testTimeout: 120000,
  maxWorkers: 1,
  globalSetup: '<rootDir>/e2e/globalSetup.ts',
};
