import { registerBuiltInSamplers } from './builtins.js';
import { createSamplerRegistry, type SamplerRegistry } from './registry.js';

/**
 * The registry shared by the CLI, the playground and plugins (`register(samplerRegistry)`). It starts
 * with the built-in samplers of this package, marked `builtIn: true`.
 */
export const samplerRegistry: SamplerRegistry = createSamplerRegistry();
registerBuiltInSamplers(samplerRegistry);
