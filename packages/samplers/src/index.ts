export * from './chain.js';
export * from './errors.js';
export * from './registry/index.js';
export type * from './types.js';
export * from './config/index.js';
export * from './random/index.js';
export * from './selection/index.js';
export * from './beam/index.js';
export * from './stopping/index.js';
