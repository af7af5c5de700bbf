export {
  BEAM_PENALTY,
  type BeamCandidates,
  type BeamHypothesis,
  BeamSearch,
  type BeamSearchOptions,
  type FinishCheck,
  type FinishReason,
} from './beam-search.js';
export { CandidateSampler } from './sample-candidates.js';
export { topCandidates, topLogSoftmaxCandidates } from './top-candidates.js';
