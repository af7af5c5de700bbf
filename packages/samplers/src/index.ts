export * from './chain.js';
export * from './errors.js';
export * from './registry/index.js';
export type * from './types.js';
