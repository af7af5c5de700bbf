#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { NucleusError } from '@nucleus/samplers';
import { buildGpt2Model } from './build.js';
import { MODEL_PRESETS, type ModelPreset } from './cache.js';
import type { Gpt2Config } from './config.js';
import { convertCheckpoint } from './convert.js';
import type { BuildProgress, BuildResult } from './model-folder.js';

const USAGE = `Usage:
  gpt2-onnx convert <checkpoint> <out-dir> [options]
      Convert a Hugging Face GPT-2 checkpoint (model.safetensors, a sharded index, or their folder) into
      a hub-layout ONNX folder. Reads config.json beside the checkpoint.
      --n-head N                    heads, when the checkpoint has no config.json
  gpt2-onnx build <out-dir> [options]
      Build a model with seeded random weights.
      --preset tiny|gpt2-small-shape   start from a preset (default tiny)
      --layers N  --heads N  --embd N  --positions N  --vocab N
      --seed N  --initializer-range R  --random-biases

Common options:
  --overwrite                       replace a non-empty output folder
  --external-data-threshold BYTES   weights above this go to onnx/model.onnx_data (default ~2 GiB)
  --quiet                           no progress output
  -h, --help`;

function numberOption(name: string, text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = Number(text);
  if (!Number.isFinite(value)) throw new Error(`--${name} must be a number, got ${JSON.stringify(text)}`);
  return value;
}

function progressPrinter(quiet: boolean): ((p: BuildProgress) => void) | undefined {
  if (quiet) return undefined;
  let lastTenth = -1;
  return ({ bytesWritten, totalBytes }) => {
    const tenth = Math.floor((10 * bytesWritten) / totalBytes);
    if (tenth !== lastTenth) {
      lastTenth = tenth;
      process.stderr.write(`  weights ${10 * tenth}% (${(bytesWritten / 2 ** 20).toFixed(1)} MiB)\n`);
    }
  };
}

function report(result: BuildResult, seconds: number): void {
  const { config } = result;
  process.stdout.write(
    `${result.dir}\n  ${config.nLayer} layers x ${config.nEmbd} dims x ${config.nHead} heads, vocab ${config.vocabSize}, ` +
      `context ${config.nPositions}; ${(result.bytes / 2 ** 20).toFixed(1)} MiB in ${seconds.toFixed(1)} s\n` +
      `  files: ${result.files.join(', ')}\n` +
      (result.ignoredTensors.length ? `  ignored tensors: ${result.ignoredTensors.join(', ')}\n` : ''),
  );
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      help: { type: 'boolean', short: 'h' },
      overwrite: { type: 'boolean' },
      quiet: { type: 'boolean' },
      'external-data-threshold': { type: 'string' },
      'n-head': { type: 'string' },
      preset: { type: 'string' },
      layers: { type: 'string' },
      heads: { type: 'string' },
      embd: { type: 'string' },
      positions: { type: 'string' },
      vocab: { type: 'string' },
      seed: { type: 'string' },
      'initializer-range': { type: 'string' },
      'random-biases': { type: 'boolean' },
    },
  });
  const [command, ...rest] = positionals;
  if (values.help || !command) {
    process.stdout.write(`${USAGE}\n`);
    return values.help ? 0 : 1;
  }
  const common = {
    ...(values.overwrite ? { overwrite: true } : {}),
    ...(values['external-data-threshold'] === undefined
      ? {}
      : {
          externalDataThreshold: numberOption('external-data-threshold', values['external-data-threshold'])!,
        }),
  };
  const onProgress = progressPrinter(values.quiet ?? false);
  const started = performance.now();
  let result: BuildResult;
  if (command === 'convert' && rest.length === 2) {
    const nHead = numberOption('n-head', values['n-head']);
    result = await convertCheckpoint(rest[0]!, rest[1]!, {
      ...common,
      ...(nHead === undefined ? {} : { config: { nHead } }),
      ...(onProgress ? { onProgress } : {}),
    });
  } else if (command === 'build' && rest.length === 1) {
    const presetName = (values.preset ?? 'tiny') as ModelPreset;
    const preset = MODEL_PRESETS[presetName];
    if (!preset) throw new Error(`--preset must be one of ${Object.keys(MODEL_PRESETS).join(', ')}`);
    const overrides: Partial<Gpt2Config> = {};
    const set = (key: keyof Gpt2Config, flag: string) => {
      const value = numberOption(flag, values[flag as keyof typeof values] as string | undefined);
      if (value !== undefined) (overrides as Record<string, number>)[key] = value;
    };
    set('nLayer', 'layers');
    set('nHead', 'heads');
    set('nEmbd', 'embd');
    set('nPositions', 'positions');
    set('vocabSize', 'vocab');
    const seed = numberOption('seed', values.seed);
    const range = numberOption('initializer-range', values['initializer-range']);
    result = await buildGpt2Model({
      outDir: rest[0]!,
      config: { ...preset.config, ...overrides },
      weights: {
        ...preset.weights,
        ...(seed === undefined ? {} : { seed }),
        ...(range === undefined ? {} : { initializerRange: range }),
        ...(values['random-biases'] ? { randomBiases: true } : {}),
      },
      ...common,
      ...(onProgress ? { onProgress } : {}),
    });
  } else {
    process.stderr.write(`${USAGE}\n`);
    return 1;
  }
  report(result, (performance.now() - started) / 1000);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const code = error instanceof NucleusError ? ` [${error.code}]` : '';
    process.stderr.write(
      `gpt2-onnx: error${code}: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
