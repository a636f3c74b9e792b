/**
 * Test-only module stand-ins; import this first in a test that renders or loads @grafana packages.
 * - d3-color ships only ES modules (.mjs), which the jest transform does not cover; @grafana/data
 *   loads it through d3-interpolate. Its UMD build is equivalent.
 * - Icons load their SVG asynchronously and re-render outside act(); an empty icon keeps test
 *   output to real warnings.
 */
jest.mock('d3-color', () => jest.requireActual(`${process.cwd()}/node_modules/d3-color/dist/d3-color.js`));
jest.mock('react-inlinesvg', () => ({ __esModule: true, default: () => null }));
