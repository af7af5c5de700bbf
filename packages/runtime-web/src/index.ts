export * from './cache-store.js';
export * from './core-exports.js';
export { deserializeError, type SerializedError, serializeError, WorkerFailedError } from './errors.js';
export * from './file-sources.js';
export * from './load-model.js';
export {
  availableExecutionProviders,
  hasWebGpu,
  loadModelInThisThread,
  type ModelSource,
  type WebLoadModelOptions,
  type WorkerModelSource,
} from './load-model-in-this-thread.js';
export {
  createRegistrySamplers,
  type RegistrySamplers,
  type SamplerRequest,
} from './registry-samplers.js';
