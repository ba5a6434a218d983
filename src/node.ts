// The Node entry point: everything in the browser-safe core, with `io` extended by file helpers.
export * from './index.js';
export * as io from './io/files.js';
