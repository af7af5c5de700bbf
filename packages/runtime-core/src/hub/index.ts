export * from './download.js';
export * from './download-files.js';
export * from './errors.js';
export * from './http.js';
export * from './repo-id.js';
export type * from './store.js';
export * from './url.js';
