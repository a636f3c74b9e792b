/** Jest runs TypeScript through swc; tests sit next to the code they test. */
const transform = { '^.+\\.m?(t|j)sx?$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript', tsx: true }, transform: { react: { runtime: 'automatic' } } } }] };

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      displayName: 'node',
      testEnvironment: 'node',
      roots: ['<rootDir>/src'],
      testMatch: ['<rootDir>/src/{kpi,server,backend,demo}/**/*.test.ts'],
      transform,
    },
    {
      displayName: 'browser',
      testEnvironment: 'jsdom',
      roots: ['<rootDir>/src'],
      testMatch: ['<rootDir>/src/{datasource,panel}/**/*.test.{ts,tsx}'],
      setupFilesAfterEnv: ['<rootDir>/jest.setup.browser.js'],
      transform,
      // @grafana packages ship ES modules (.mjs) in places: let swc transform them too.
      transformIgnorePatterns: ['node_modules/(?!(@grafana|d3-.*|ol|marked|uuid|react-calendar|get-user-locale|memoize|mimic-function|@wojtekmaj|react-colorful|rxjs|ua-parser-js|@react-aria|react-use|nanoid)/)'],
      moduleNameMapper: { '\\.(css|scss|svg|png)$': '<rootDir>/jest.styleStub.js' },
    },
  ],
};
