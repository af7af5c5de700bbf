import * as ort from 'onnxruntime-node';
import type { InferenceSession, OrtModule, Tensor } from '../../src/index.js';

/** One `run` call as the session saw it: int64 inputs copied (the session reuses its buffers). */
export interface RecordedRun {
  readonly inputs: Record<string, { dims: readonly number[]; values?: number[] }>;
  /** Every tensor fed or returned, to check later that the session disposed them. */
  readonly pastFed: Tensor[];
  readonly outputs: Tensor[];
}

/** An `onnxruntime-node` module whose sessions record every `run`. */
export function recordingOrt(): { ort: OrtModule; runs: RecordedRun[] } {
  const runs: RecordedRun[] = [];
  const create = async (model: string | Uint8Array, options?: InferenceSession.SessionOptions) => {
    const session =
      typeof model === 'string'
        ? await ort.InferenceSession.create(model, options)
        : await ort.InferenceSession.create(model, options);
    const run = async (
      feeds: InferenceSession.FeedsType,
      fetches: InferenceSession.FetchesType,
    ): Promise<InferenceSession.ReturnType> => {
      const inputs: RecordedRun['inputs'] = {};
      const pastFed: Tensor[] = [];
      for (const [name, value] of Object.entries(feeds)) {
        const tensor = value as Tensor;
        inputs[name] = {
          dims: [...tensor.dims],
          ...(tensor.type === 'int64' && { values: Array.from(tensor.data as BigInt64Array, Number) }),
          ...(tensor.type === 'bool' && { values: Array.from(tensor.data as Uint8Array) }),
        };
        if (name.startsWith('past_key_values.')) pastFed.push(tensor);
      }
      const result = await session.run(feeds, fetches);
      runs.push({ inputs, pastFed, outputs: Object.values(result) as Tensor[] });
      return result;
    };
    return new Proxy(session, {
      get(target, key, receiver) {
        if (key === 'run') return run;
        const value = Reflect.get(target, key, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
  };
  return { ort: { InferenceSession: { create }, Tensor: ort.Tensor } as OrtModule, runs };
}
