export { builtInSamplers, registerBuiltInSamplers } from './builtins.js';
export { samplerRegistry } from './default.js';
export { SAMPLER_NAME_PATTERN, toFlagName, toKebabCase } from './names.js';
export {
  type BooleanOptionSpec,
  coerceOptionValue,
  describeAllowed,
  type EnumOptionSpec,
  type NumberOptionSpec,
  type OptionSpec,
  type OptionsFromSpecs,
  type OptionType,
  type OptionValue,
  qualifiedOptionName,
  resolveOptionValues,
  type StringOptionSpec,
  type TokenIdsOptionSpec,
  validateOptionSpecs,
} from './options.js';
export {
  createSamplerRegistry,
  defineSampler,
  type RegisteredSampler,
  type SamplerDefinition,
  type SamplerFlag,
  type SamplerInstance,
  type SamplerKind,
  type SamplerRegistry,
  type SamplerStage,
} from './registry.js';
