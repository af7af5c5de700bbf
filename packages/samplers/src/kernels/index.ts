/**
 * Numeric kernels shared by the processors and the selectors: fast `exp`, row reductions, partial
 * selection and scratch buffers. Internal to `@nucleus/samplers` (not re-exported from the package root).
 *
 * @packageDocumentation
 */
export { EXP_LAST_BIN, EXP_NEG_CUTOFF, EXP_STEPS_PER_NAT, EXP_TABLE, expNeg } from './exp.js';
export { binCount, binMass, type CutBin, clearBins, findCutBin, reserveCutCandidates } from './mass-bins.js';
export { NEAR_MAX_BUDGET, NearMaxScan, nearMax, WindowHint } from './near-max.js';
export {
  argmaxOf,
  type ExpSums,
  expSum,
  expSums,
  maxOf,
  scoreBin,
  scoreMassHistogram,
} from './reduce.js';
export { growFloat32, growFloat64, growInt32, growInt32Keep } from './scratch.js';
export {
  HEAP_SELECT_LIMIT,
  keepTopExactly,
  kthLargest,
  sharedCandidates,
  TopCandidates,
  topIndices,
} from './select.js';
