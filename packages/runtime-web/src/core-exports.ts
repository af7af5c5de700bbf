// The parts of @nucleus/runtime-core that users of the web runtime work with, so that one import does.

export type {
  DecodeOptions,
  GenerateCallOptions,
  GenerateInput,
  Gpt2Config,
  HubFileRequest,
  HubProgressEvent,
  LoadedModel,
  LoadModelOptions,
  ModelDtype,
  ModelFileSource,
  SessionConfig,
  TextGenerationResult,
  TextGenerationStream,
  TextSequence,
  TextTokenEvent,
  TextTokenizer,
} from '@nucleus/runtime-core';
export {
  createMemoryFileSource,
  HubAbortError,
  HubAuthError,
  HubError,
  HubHttpError,
  HubIntegrityError,
  HubNetworkError,
  HubNotFoundError,
  HubOfflineError,
  IncrementalDecoder,
  ModelDisposedError,
  ModelFileError,
  ModelNotFoundError,
  TokenizerError,
  UnsupportedModelError,
} from '@nucleus/runtime-core';
export {
  AbortError,
  ConfigError,
  InvalidOptionError,
  NucleusError,
  PromptTooLongError,
} from '@nucleus/samplers';
