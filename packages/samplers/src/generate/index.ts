export { createDecodingStep, DecodingStep, type DecodingStepOptions } from './decoding-step.js';
export { generate } from './generate.js';
export { logSoftmaxInPlace, logSoftmaxTerms, renormalizeLogits } from './log-softmax.js';
export { toPaddedSequences } from './padded.js';
export { buildProcessors, type PipelineContext } from './pipeline.js';
export { streamGeneration } from './stream.js';
export { TokenBuffer } from './token-buffer.js';
export type {
  FinishReason,
  GeneratedSequence,
  GenerateOptions,
  GenerationResult,
  GenerationStream,
  GenerationTimings,
  TokenEvent,
  TraceCandidate,
  TraceOptions,
  TraceRecord,
  TraceStage,
} from './types.js';
