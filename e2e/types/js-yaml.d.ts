/**
 * js-yaml 4 is in node_modules as a dependency of eslint (@eslint/eslintrc) and ships no
 * types; the e2e tests use only `load`.
 */
declare module 'js-yaml' {
  export function load(text: string, options?: { filename?: string }): unknown;
}
