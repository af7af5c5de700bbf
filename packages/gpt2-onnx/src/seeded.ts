import { InvalidOptionError } from '@nucleus/samplers';
import type { ResolvedGpt2Config } from './config.js';
import { elementCount, gpt2WeightLayout, type WeightSpec } from './layout.js';
import { NormalStream } from './prng.js';
import type { WeightSource } from './weight-source.js';

/** Seeded random weights: deterministic for a given seed, for test and benchmark models of any size. */
export interface SeededWeights {
  /** Any non-negative safe integer; the same seed (and config) always gives byte-identical weights. */
  seed: number;
  /**
   * Standard deviation of the weight matrices and embeddings, as Hugging Face's `initializer_range`
   * (default 0.02, GPT-2's). Tiny test models are more useful with larger spreads (e.g. 0.3) so that their
   * logits are not all near-equal.
   */
  initializerRange?: number;
  /**
   * Also draw biases and LayerNorm parameters at random (`N(0, r)`, and `1 + N(0, r)` for LayerNorm
   * scales) instead of Hugging Face's zeros and ones, so that every weight of the graph affects the output.
   * Default false.
   */
  randomBiases?: boolean;
}

/** {@link SeededWeights} with defaults filled in. */
export type ResolvedSeededWeights = Required<SeededWeights>;

/**
 * Validates seeded-weights options and fills in defaults.
 * @throws {InvalidOptionError} for a negative or fractional seed or a non-positive initializer range.
 */
export function resolveSeededWeights(weights: SeededWeights): ResolvedSeededWeights {
  const { seed, initializerRange = 0.02, randomBiases = false } = weights;
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0) {
    throw new InvalidOptionError('weights.seed', seed, 'a non-negative safe integer');
  }
  if (typeof initializerRange !== 'number' || !(initializerRange > 0) || !Number.isFinite(initializerRange)) {
    throw new InvalidOptionError('weights.initializerRange', initializerRange, 'a finite number > 0');
  }
  if (typeof randomBiases !== 'boolean') {
    throw new InvalidOptionError('weights.randomBiases', randomBiases, 'true or false');
  }
  return { seed, initializerRange, randomBiases };
}

const CHUNK_ELEMENTS = 1 << 18;

/**
 * Initialises like Hugging Face's `GPT2PreTrainedModel._init_weights`: embeddings and matrices
 * `N(0, r)`, the two residual projections (`c_proj`) `N(0, r / sqrt(2 * n_layer))`, biases 0, LayerNorm 1 and
 * 0 (or random, with `randomBiases`). Each tensor has its own stream, keyed by seed and tensor name.
 */
export class SeededWeightSource implements WeightSource {
  readonly untiedLmHead = false;
  private readonly config: ResolvedGpt2Config;
  private readonly weights: ResolvedSeededWeights;

  constructor(config: ResolvedGpt2Config, weights: SeededWeights) {
    this.config = config;
    this.weights = resolveSeededWeights(weights);
  }

  async read(spec: WeightSpec, sink: (chunk: Float32Array) => Promise<void>): Promise<void> {
    const fill = this.filler(spec);
    const total = elementCount(spec.shape);
    const chunk = new Float32Array(Math.min(CHUNK_ELEMENTS, total));
    for (let done = 0; done < total; done += chunk.length) {
      const part = total - done < chunk.length ? chunk.subarray(0, total - done) : chunk;
      fill(part);
      await sink(part);
    }
  }

  /** All weights of the model in memory, by state-dict name (for small models, tests and inspection). */
  async readAll(): Promise<Map<string, Float32Array>> {
    const out = new Map<string, Float32Array>();
    for (const spec of gpt2WeightLayout(this.config)) {
      const data = new Float32Array(elementCount(spec.shape));
      this.filler(spec)(data);
      out.set(spec.name, data);
    }
    return out;
  }

  private filler(spec: WeightSpec): (out: Float32Array) => void {
    const { seed, initializerRange: r, randomBiases } = this.weights;
    const stream = new NormalStream(seed, spec.name);
    const normal = (mean: number, std: number) => (out: Float32Array) => stream.fillNormal(out, mean, std);
    const constant = (value: number) => (out: Float32Array) => out.fill(value);
    switch (spec.role) {
      case 'embedding':
      case 'matrix':
        return normal(0, r);
      case 'residual-projection':
        return normal(0, r / Math.sqrt(2 * this.config.nLayer));
      case 'bias':
      case 'norm-shift':
        return randomBiases ? normal(0, r) : constant(0);
      case 'norm-scale':
        return randomBiases ? normal(1, r) : constant(1);
    }
  }
}
