import { samplerRegistry, toFlagName } from '@nucleus/samplers';
import { register } from '../../src/index.js';

register(); // adds xtc and mirostatV2 to the shared registry (again: harmless)

// What the CLI does with `--xtc-probability 0.5 --xtc-threshold 0.1 --xtc-seed 7`:
export const processor = samplerRegistry.createProcessor('xtc', {
  probability: '0.5',
  threshold: '0.1',
  seed: '7',
});

export const flags = samplerRegistry
  .get('mirostatV2')!
  .options.map((option) => toFlagName('mirostatV2', option.name));
// ['--mirostat-v2-tau', '--mirostat-v2-eta']
