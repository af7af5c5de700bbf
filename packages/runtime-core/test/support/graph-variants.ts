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
