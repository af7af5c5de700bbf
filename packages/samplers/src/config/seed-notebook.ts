import type { GenerationConfigInput } from './types.js';

/** A generation config with a display name, e.g. one column of a side-by-side comparison. */
export interface NamedGenerationConfig {
  readonly name: string;
  readonly config: GenerationConfigInput;
}

/**
 * The decoding strategies the project's seed notebook compares on one prompt: greedy; temperature 0.5, 1.0
 * and 1.5 with top-k off; top-k 50; top-p 0.9 with top-k off; 4-beam search. The CLI's `nucleus compare`
 * and the playground's compare mode start from it.
 */
export const SEED_NOTEBOOK_CONFIGS: readonly NamedGenerationConfig[] = [
  { name: 'greedy', config: {} },
  { name: 'T=0.5', config: { doSample: true, temperature: 0.5, topK: 0 } },
  { name: 'T=1.0', config: { doSample: true, temperature: 1.0, topK: 0 } },
  { name: 'T=1.5', config: { doSample: true, temperature: 1.5, topK: 0 } },
  { name: 'top-k 50', config: { doSample: true, topK: 50 } },
  { name: 'top-p 0.9', config: { doSample: true, topP: 0.9, topK: 0 } },
  { name: '4 beams', config: { numBeams: 4 } },
];
