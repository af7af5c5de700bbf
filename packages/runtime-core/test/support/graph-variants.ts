import * as ort from 'onnxruntime-node';
import type { InferenceSession, OrtModule, Tensor } from '../../src/index.js';

/** What the variant saw the runtime feed, per run. */
export interface VariantRun {
  readonly fed: readonly string[];
  readonly useCacheBranch: number | undefined;
}

/**
 * Presents a current export (input_ids, attention_mask, position_ids, past) as an older one: a merged
 * decoder with a boolean `use_cache_branch` input and no `position_ids` input, computing the positions
 * itself from the mask as such graphs do. It checks that the runtime feeds exactly the declared inputs.
 */
export function mergedDecoderOrt(): { ort: OrtModule; runs: VariantRun[] } {
  const runs: VariantRun[] = [];
  const create = async (model: string | Uint8Array, options?: InferenceSession.SessionOptions) => {
    const session =
      typeof model === 'string'
        ? await ort.InferenceSession.create(model, options)
        : await ort.InferenceSession.create(model, options);
    const inputNames = [...session.inputNames.filter((name) => name !== 'position_ids'), 'use_cache_branch'];
    const run = async (feeds: InferenceSession.FeedsType, fetches: InferenceSession.FetchesType) => {
      const fed = Object.keys(feeds);
      for (const name of fed) if (!inputNames.includes(name)) throw new Error(`fed undeclared input ${name}`);
      for (const name of inputNames) if (!fed.includes(name)) throw new Error(`missing input ${name}`);
      const branch = feeds['use_cache_branch'] as Tensor;
      runs.push({ fed, useCacheBranch: (branch.data as Uint8Array)[0] });
      const mask = feeds['attention_mask'] as Tensor;
      const ids = feeds['input_ids'] as Tensor;
      const [rows, width] = mask.dims as [number, number];
      const seq = ids.dims[1]!;
      const positions = new BigInt64Array(rows * seq);
      const maskData = mask.data as BigInt64Array;
      for (let r = 0; r < rows; r++) {
        let count = -1n;
        for (let c = 0; c < width; c++) {
          count += maskData[r * width + c]!;
          if (c >= width - seq) positions[r * seq + c - (width - seq)] = count < 0n ? 0n : count;
        }
      }
      const { use_cache_branch: _, ...rest } = feeds;
      return session.run({ ...rest, position_ids: new ort.Tensor('int64', positions, [rows, seq]) }, fetches);
    };
    return new Proxy(session, {
      get(target, key, receiver) {
        if (key === 'run') return run;
        if (key === 'inputNames') return inputNames;
        if (key === 'inputMetadata') return undefined;
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  return { ort: { InferenceSession: { create }, Tensor: ort.Tensor } as OrtModule, runs };
}

/** The IEEE-754 half-precision bits of `value`, rounded to nearest even. */
export function toFloat16Bits(value: number): number {
  const f32 = new Float32Array([value]);
  const bits = new Uint32Array(f32.buffer)[0]!;
  const sign = (bits >>> 16) & 0x8000;
  const exponent = (bits >>> 23) & 0xff;
  let mantissa = bits & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 31) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const middle = 1 << (shift - 1);
    if (rest > middle || (rest === middle && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

/**
 * Presents the fp32 export as an fp16 one: float16 past inputs, present outputs and logits (raw bits in
 * Uint16Array, as onnxruntime-node hands them over), converting around the real fp32 session.
 */
export function float16Ort(): OrtModule {
  const create = async (model: string | Uint8Array, options?: InferenceSession.SessionOptions) => {
    const session =
      typeof model === 'string'
        ? await ort.InferenceSession.create(model, options)
        : await ort.InferenceSession.create(model, options);
    const asHalf = (meta: InferenceSession.ValueMetadata) =>
      meta.isTensor && meta.type === 'float32' ? { ...meta, type: 'float16' as const } : meta;
    const inputMetadata = session.inputMetadata.map(asHalf);
    const outputMetadata = session.outputMetadata.map(asHalf);
    const run = async (feeds: InferenceSession.FeedsType, fetches: InferenceSession.FetchesType) => {
      const converted: Record<string, ort.Tensor> = {};
      for (const [name, value] of Object.entries(feeds)) {
        const tensor = value as Tensor;
        if (tensor.type === 'float32') throw new Error(`${name} was fed as float32 to a float16 graph`);
        converted[name] =
          tensor.type === 'float16'
            ? new ort.Tensor(
                'float32',
                Float32Array.from(tensor.data as Uint16Array, halfToFloat),
                tensor.dims,
              )
            : (tensor as ort.Tensor);
      }
      const out = await session.run(converted, fetches);
      const result: Record<string, ort.Tensor> = {};
      for (const [name, value] of Object.entries(out)) {
        result[name] = new ort.Tensor(
          'float16',
          Uint16Array.from(value.data as Float32Array, toFloat16Bits),
          value.dims,
        );
      }
      return result;
    };
    return new Proxy(session, {
      get(target, key, receiver) {
        if (key === 'run') return run;
        if (key === 'inputMetadata') return inputMetadata;
        if (key === 'outputMetadata') return outputMetadata;
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  return { InferenceSession: { create }, Tensor: ort.Tensor } as OrtModule;
}

function halfToFloat(bits: number): number {
  const exponent = (bits >> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  const sign = bits & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}
