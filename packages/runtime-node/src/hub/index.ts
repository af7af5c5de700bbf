export {
  DEFAULT_HUB_ENDPOINT,
  HubAbortError,
  HubAuthError,
  HubError,
  type HubFileRequest,
  type HubFileSelector,
  HubHttpError,
  HubIntegrityError,
  HubNetworkError,
  HubNotFoundError,
  HubOfflineError,
  type HubProgressEvent,
  isCommitHash,
  parseHubSource,
} from '@nucleus/runtime-core';
export * from './disk-store.js';
export * from './download-model-files.js';
export * from './env.js';
