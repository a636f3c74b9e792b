// jsdom lacks a few browser APIs that @grafana/ui uses.
require('@testing-library/jest-dom');
const { TextEncoder, TextDecoder } = require('util');
Object.assign(global, { TextEncoder, TextDecoder });
class Observer {
  observe() {}
  unobserve() {}
  disconnect() {}
}
global.ResizeObserver = global.ResizeObserver || Observer;
global.IntersectionObserver = global.IntersectionObserver || Observer;
window.matchMedia =
  window.matchMedia ||
  ((query) => ({ matches: false, media: query, onchange: null, addListener() {}, removeListener() {}, addEventListener() {}, removeEventListener() {}, dispatchEvent: () => false }));
HTMLCanvasElement.prototype.getContext = () => null;
