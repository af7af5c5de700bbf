import { defineSampler, type SamplerRegistry, samplerRegistry } from '@nucleus/samplers';
import { mirostatV2, mirostatV2OptionSpecs } from './mirostat-v2.js';
import { xtc, xtcOptionSpecs } from './xtc.js';

/** The registry definition of {@link xtc}: a `warper`-stage processor. */
export const xtcSampler = defineSampler({
  name: 'xtc',
  kind: 'processor',
  stage: 'warper',
  description:
    'Exclude top choices (llama.cpp XTC): sometimes removes all likely tokens but the least likely of them.',
  options: xtcOptionSpecs,
  create: (options) => xtc(options),
});

/** The registry definition of {@link mirostatV2}: a token selector. */
export const mirostatV2Sampler = defineSampler({
  name: 'mirostatV2',
  kind: 'selector',
  description: 'Mirostat 2.0 (llama.cpp): samples while steering the surprise per token towards tau bits.',
  options: mirostatV2OptionSpecs,
  create: (options) => mirostatV2(options),
});

/**
 * Registers `xtc` and `mirostatV2` in a registry (by default the shared `samplerRegistry` of
 * `@nucleus/samplers`). Calling it twice on the same registry is harmless.
 *
 * @throws {ConfigError} when another sampler already uses one of these names.
 */
export function register(registry: SamplerRegistry = samplerRegistry): void {
  registry.register(xtcSampler);
  registry.register(mirostatV2Sampler);
}
