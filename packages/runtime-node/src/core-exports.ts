// The parts of @nucleus/runtime-core that users of the Node runtime work with, so that one import does.

export type {
  DecodeOptions,
  GenerateCallOptions,
  GenerateInput,
  Gpt2Config,
  KvCacheSession,
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
  IncrementalDecoder,
  ModelDisposedError,
  ModelFileError,
  ModelNotFoundError,
  SessionUsageError,
  TokenizerError,
  UnsupportedModelError,
} from '@nucleus/runtime-core';
export { ConfigError, InvalidOptionError, NucleusError, PromptTooLongError } from '@nucleus/samplers';
