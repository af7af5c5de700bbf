import type { WeightSpec } from './layout.js';

/**
 * Where a model's weights come from. `read` streams one weight's float32 values in row-major order, in
 * chunks of any size, each chunk valid only until the returned promise of `sink` settles.
 */
export interface WeightSource {
  /** True when the source has its own `lm_head.weight` (not tied to the token embedding). */
  readonly untiedLmHead: boolean;
  read(spec: WeightSpec, sink: (chunk: Float32Array) => Promise<void>): Promise<void>;
}
