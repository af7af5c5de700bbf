import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { InvalidOptionError } from '@nucleus/samplers';
import type { ResolvedGpt2Config } from './config.js';
import { buildGpt2Graph, IR_VERSION, OPSET_VERSION } from './gpt2-graph.js';
import { gpt2WeightLayout, lmHeadSpec } from './layout.js';
import { DEFAULT_EXTERNAL_DATA_THRESHOLD, type StreamedTensor, writeOnnxModel } from './onnx-writer.js';
import { writeFolderAtomically } from './output-dir.js';
import { gpt2TokenizerFiles } from './tokenizer.js';
import type { WeightSource } from './weight-source.js';

const packageJson = createRequire(import.meta.url)('../package.json') as { name: string; version: string };

/** Progress of a build, reported after each weight is written. */
export interface BuildProgress {
  /** The weight just written (state-dict name). */
  tensor: string;
  bytesWritten: number;
  totalBytes: number;
}

/** What a build wrote. */
export interface BuildResult {
  /** Absolute path of the model folder. */
  dir: string;
  /** Files written, relative to `dir` (e.g. `onnx/model.onnx`). */
  files: string[];
  /** Total bytes written. */
  bytes: number;
  /** True when the weights went to `onnx/model.onnx_data`. */
  externalData: boolean;
  /** The model's config with every default filled in. */
  config: ResolvedGpt2Config;
  /** Checkpoint tensors that the model does not use (empty for seeded weights). */
  ignoredTensors: string[];
}

/** @internal Everything a model folder is made from. */
export interface ModelFolderSpec {
  outDir: string;
  config: ResolvedGpt2Config;
  source: WeightSource;
  hfConfig: Record<string, unknown>;
  metadata: Record<string, string>;
  /** Files copied into the folder instead of the generated ones (e.g. a checkpoint's own tokenizer). */
  extraFiles?: Record<string, string>;
  ignoredTensors?: string[];
  onProgress?: ((progress: BuildProgress) => void) | undefined;
  overwrite?: boolean | undefined;
  externalDataThreshold?: number | undefined;
}

/** @internal Writes a complete model folder atomically. */
export async function writeModelFolder(spec: ModelFolderSpec): Promise<BuildResult> {
  if (typeof spec.outDir !== 'string' || spec.outDir.length === 0) {
    throw new InvalidOptionError('outDir', spec.outDir, 'a non-empty folder path');
  }
  const threshold = spec.externalDataThreshold ?? DEFAULT_EXTERNAL_DATA_THRESHOLD;
  if (typeof threshold !== 'number' || !(threshold >= 0)) {
    throw new InvalidOptionError('externalDataThreshold', threshold, 'a number of bytes >= 0');
  }
  const { config, source } = spec;
  const graph = buildGpt2Graph(config, source.untiedLmHead);
  const layout = gpt2WeightLayout(config);
  if (source.untiedLmHead) layout.push(lmHeadSpec(config));
  const tensors: StreamedTensor[] = layout.map((weight) => ({
    name: weight.name,
    dims: weight.shape,
    write: (emit) => source.read(weight, emit),
  }));

  const written = await writeFolderAtomically(spec.outDir, spec.overwrite ?? false, async (dir) => {
    await mkdir(join(dir, 'onnx'));
    const model = await writeOnnxModel({
      dir: join(dir, 'onnx'),
      parts: {
        graphName: 'gpt2',
        ...graph,
        irVersion: IR_VERSION,
        opsetVersion: OPSET_VERSION,
        producerName: packageJson.name,
        producerVersion: packageJson.version,
        docString: 'GPT-2 decoder (GPT2LMHeadModel) with KV cache',
        metadata: spec.metadata,
      },
      tensors,
      externalDataThreshold: threshold,
      onTensor: (tensor, bytesWritten, totalBytes) => spec.onProgress?.({ tensor, bytesWritten, totalBytes }),
    });
    const texts: Record<string, string> = {
      'config.json': `${JSON.stringify(spec.hfConfig, null, 2)}\n`,
      'generation_config.json': `${JSON.stringify(
        { _from_model_config: true, bos_token_id: config.bosTokenId, eos_token_id: config.eosTokenId },
        null,
        2,
      )}\n`,
      ...(await gpt2TokenizerFiles(config.nPositions)),
      ...spec.extraFiles,
    };
    let bytes = model.bytes;
    for (const [name, text] of Object.entries(texts)) {
      await writeFile(join(dir, name), text, { flag: 'wx' });
      bytes += Buffer.byteLength(text);
    }
    return {
      files: [...Object.keys(texts), ...model.files.map((f) => `onnx/${f}`)].sort(),
      bytes,
      externalData: model.externalData,
    };
  });
  return {
    dir: resolve(spec.outDir),
    ...written,
    config,
    ignoredTensors: spec.ignoredTensors ?? [],
  };
}
