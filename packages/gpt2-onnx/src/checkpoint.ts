import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Gpt2Config, ResolvedGpt2Config } from './config.js';
import { CheckpointError } from './errors.js';
import { gpt2WeightLayout, lmHeadSpec, type WeightSpec } from './layout.js';
import { FLOAT_DTYPES, isFloatDtype, SafetensorsFile, type SafetensorsTensorInfo } from './safetensors.js';
import type { WeightSource } from './weight-source.js';

/** Buffers of the attention module, not weights: old checkpoints store them and Hugging Face ignores them. */
const IGNORED_BUFFER = /(^|\.)h\.\d+\.attn\.(bias|masked_bias)$/;

interface Located {
  file: SafetensorsFile;
  info: SafetensorsTensorInfo;
}

/**
 * The weights of a Hugging Face `GPT2LMHeadModel` or `GPT2Model` safetensors checkpoint (one file, or the
 * shards of a `model.safetensors.index.json`). Names are accepted with or without the `transformer.`
 * prefix; fp32, fp16, bf16 (and fp64) weights are read as float32.
 */
export class CheckpointWeightSource implements WeightSource {
  readonly untiedLmHead: boolean;
  /** Tensors of the checkpoint that the model does not use (e.g. the heads of other model classes). */
  readonly ignoredTensors: readonly string[];
  private readonly located: Map<string, Located>;
  private readonly files: SafetensorsFile[];

  private constructor(
    files: SafetensorsFile[],
    located: Map<string, Located>,
    untied: boolean,
    ignored: string[],
  ) {
    this.files = files;
    this.located = located;
    this.untiedLmHead = untied;
    this.ignoredTensors = ignored;
  }

  /**
   * Checks every tensor the model needs (presence, shape, dtype) before anything is written.
   * @param tiedLmHead false when the checkpoint's config says `tie_word_embeddings: false`; then
   *   `lm_head.weight` is required and used.
   * @throws {CheckpointError} naming the first missing, mis-shaped or non-float tensor.
   */
  static create(
    files: SafetensorsFile[],
    config: ResolvedGpt2Config,
    tiedLmHead = true,
  ): CheckpointWeightSource {
    const all = indexTensors(files);
    const specs = gpt2WeightLayout(config);
    if (!tiedLmHead) specs.push(lmHeadSpec(config));
    const located = new Map<string, Located>();
    for (const spec of specs) {
      const candidates = candidateNames(spec.name);
      const name = candidates.find((n) => all.has(n));
      if (name === undefined) {
        const also = candidates.length > 1 ? ` (also looked for "${candidates.slice(1).join('", "')}")` : '';
        throw new CheckpointError(
          'CHECKPOINT_MISSING_TENSOR',
          files.map((f) => f.path).join(', '),
          spec.name,
          `missing tensor "${spec.name}"${also}`,
        );
      }
      const found = all.get(name)!;
      checkTensor(found, spec, config);
      located.set(spec.name, found);
    }
    const used = new Set([...located.values()].map((l) => l.info.name));
    const ignored = [...all.keys()].filter((n) => !used.has(n) && !IGNORED_BUFFER.test(n));
    return new CheckpointWeightSource(files, located, !tiedLmHead, ignored);
  }

  async read(spec: WeightSpec, sink: (chunk: Float32Array) => Promise<void>): Promise<void> {
    const found = this.located.get(spec.name);
    if (!found) throw new Error(`internal: weight ${spec.name} was not resolved`);
    await found.file.readFloat32(found.info.name, sink);
  }

  /** Closes the checkpoint files. */
  async close(): Promise<void> {
    await Promise.all(this.files.map((f) => f.close()));
  }
}

function indexTensors(files: SafetensorsFile[]): Map<string, Located> {
  const all = new Map<string, Located>();
  for (const file of files) {
    for (const info of file.tensors.values()) all.set(info.name, { file, info });
  }
  return all;
}

function candidateNames(name: string): string[] {
  return name.startsWith('transformer.') ? [name, name.slice('transformer.'.length)] : [name];
}

function checkTensor({ file, info }: Located, spec: WeightSpec, config: ResolvedGpt2Config): void {
  if (!isFloatDtype(info.dtype)) {
    throw new CheckpointError(
      'CHECKPOINT_BAD_DTYPE',
      file.path,
      info.name,
      `tensor "${info.name}" has dtype ${info.dtype}; supported: ${FLOAT_DTYPES.join(', ')}`,
    );
  }
  const same = info.shape.length === spec.shape.length && info.shape.every((d, i) => d === spec.shape[i]);
  if (!same) {
    throw new CheckpointError(
      'CHECKPOINT_BAD_SHAPE',
      file.path,
      info.name,
      `tensor "${info.name}" has shape [${info.shape.join(', ')}], expected [${spec.shape.join(', ')}] ` +
        `(n_embd ${config.nEmbd}, n_inner ${config.nInner}, vocab_size ${config.vocabSize}, ` +
        `n_positions ${config.nPositions})`,
    );
  }
}

/**
 * What the tensors themselves say about the model's shape: hidden size, vocabulary, context length, layer
 * count and MLP size. The number of heads cannot be read from the weights.
 */
export function inferConfigFromTensors(files: SafetensorsFile[]): Partial<Gpt2Config> {
  const all = indexTensors(files);
  const get = (name: string) => {
    for (const n of candidateNames(`transformer.${name}`)) {
      const found = all.get(n);
      if (found) return found.info.shape;
    }
    return undefined;
  };
  const out: Partial<Gpt2Config> = {};
  const wte = get('wte.weight');
  if (wte?.length === 2) {
    out.vocabSize = wte[0]!;
    out.nEmbd = wte[1]!;
  }
  const wpe = get('wpe.weight');
  if (wpe?.length === 2) out.nPositions = wpe[0]!;
  let layers = 0;
  while (get(`h.${layers}.ln_1.weight`)) layers++;
  if (layers > 0) out.nLayer = layers;
  const fc = get('h.0.mlp.c_fc.weight');
  if (fc?.length === 2) out.nInner = fc[1]!;
  return out;
}

/**
 * Opens a checkpoint: a `.safetensors` file, or a `model.safetensors.index.json` naming shards in its
 * folder.
 * @throws {CheckpointError} `CHECKPOINT_INVALID` for an index that cannot be read.
 */
export async function openCheckpointFiles(path: string): Promise<SafetensorsFile[]> {
  if (!path.endsWith('.json')) return [await SafetensorsFile.open(path)];
  let shards: string[];
  try {
    const index = JSON.parse(await readFile(path, 'utf8')) as { weight_map?: Record<string, string> };
    if (typeof index.weight_map !== 'object' || index.weight_map === null) throw new Error('no weight_map');
    shards = [...new Set(Object.values(index.weight_map))];
  } catch (error) {
    throw new CheckpointError(
      'CHECKPOINT_INVALID',
      path,
      undefined,
      `not a safetensors index: ${(error as Error).message}`,
    );
  }
  const files: SafetensorsFile[] = [];
  try {
    for (const shard of shards) files.push(await SafetensorsFile.open(join(dirname(path), shard)));
  } catch (error) {
    await Promise.all(files.map((f) => f.close()));
    throw error;
  }
  return files;
}
