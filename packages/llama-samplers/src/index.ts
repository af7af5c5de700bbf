/**
 * llama.cpp's XTC and Mirostat 2.0 for Nucleus, written against the public plugin API of
 * `@nucleus/samplers` only.
 *
 * @packageDocumentation
 */
export {
  type MirostatV2Options,
  MirostatV2Selector,
  mirostatV2,
  mirostatV2OptionSpecs,
} from './mirostat-v2.js';
export { mirostatV2Sampler, register, xtcSampler } from './register.js';
export { type XtcOptions, XtcProcessor, xtc, xtcOptionSpecs } from './xtc.js';
