#!/usr/bin/env node
// Builds the GPT-2 small shape (124M parameters) with seeded weights and reports time and peak memory.
// Run after `pnpm --filter @nucleus/gpt2-onnx build`:
//   /usr/bin/time -v node scripts/build-gpt2-small.mjs [out-dir]
import { rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildGpt2Model, MODEL_PRESETS } from '../dist/index.js';

const outDir = process.argv[2] ?? join(tmpdir(), 'nucleus-gpt2-small-shape');
await rm(outDir, { recursive: true, force: true });
const started = performance.now();
const result = await buildGpt2Model({ outDir, ...MODEL_PRESETS['gpt2-small-shape'] });
const seconds = (performance.now() - started) / 1000;
const peakMiB = process.resourceUsage().maxRSS / 1024;
console.log(
  JSON.stringify(
    {
      dir: result.dir,
      bytes: result.bytes,
      modelMiB: +(result.bytes / 2 ** 20).toFixed(1),
      seconds: +seconds.toFixed(2),
      peakRssMiB: +peakMiB.toFixed(1),
    },
    null,
    2,
  ),
);
