export * from './core-exports.js';
export * from './directory-source.js';
export * from './hub/index.js';
export * from './load-model.js';
