import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type KvCacheSession,
  type LoadedModel,
  loadModelWith,
  ModelDisposedError,
  SessionUsageError,
  type Tensor,
} from '../src/index.js';
import { directorySource } from './support/fs-source.js';
import { float16Ort, mergedDecoderOrt } from './support/graph-variants.js';
import { tinyModelDir } from './support/models.js';
import { recordingOrt } from './support/recording-ort.js';

const prompts = [
  [15496, 11, 616, 3290, 318], // Hello, my dog is
  [14617, 890, 2084, 11, 257, 4950, 2576], // Long long ago, a beautiful girl
  [17250], // Hi
];

let dir: string;
let model: LoadedModel;
beforeAll(async () => {
  dir = await tinyModelDir();
  model = await loadModelWith(ort, directorySource(dir), { threads: 1 });
});
afterAll(() => model?.dispose());

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

async function withSession<T>(body: (session: KvCacheSession) => Promise<T>): Promise<T> {
  const session = model.createSession();
  try {
    return await body(session);
  } finally {
    session.dispose();
  }
}

describe('KvCacheSession', () => {
  it('selectRows (reorder, repeat, drop) gives what a fresh prefill of those rows gives', async () => {
    const gathered = await withSession(async (session) => {
      await session.step(prompts);
      session.selectRows([2, 0, 0]);
      expect(session.rows).toBe(3);
      await session.step([[13], [13], [11]]);
      session.selectRows([1, 2]); // a contiguous range: a view, no copy
      return Array.from(await session.step([[262], [290]]));
    });
    const fresh = await withSession(async (session) => {
      await session.step([prompts[0]!, prompts[0]!]);
      await session.step([[13], [11]]);
      return Array.from(await session.step([[262], [290]]));
    });
    expect(maxAbsDiff(Float32Array.from(gathered), Float32Array.from(fresh))).toBeLessThan(1e-5);
  });

  it('chunks of different lengths per row after the prefill equal one prefill of the whole rows', async () => {
    const whole = await withSession((session) =>
      session
        .step([
          [...prompts[0]!, 13, 262],
          [...prompts[1]!, 11],
        ])
        .then((l) => l.slice()),
    );
    const chunked = await withSession(async (session) => {
      await session.step([prompts[0]!.slice(0, 2), prompts[1]!.slice(0, 6)]);
      await session.step([[...prompts[0]!.slice(2), 13], [prompts[1]![6]!]]);
      return (await session.step([[262], [11]])).slice();
    });
    expect(maxAbsDiff(whole, chunked)).toBeLessThan(1e-4);
  });

  it('enforces its contract with typed errors', async () => {
    await withSession(async (session) => {
      expect(() => session.selectRows([0])).toThrow(SessionUsageError);
      await expect(session.step([])).rejects.toThrow(/at least one row/);
      await expect(session.step([[1], []])).rejects.toThrow(/row 1 has no tokens/);
      await expect(session.step([[50257]])).rejects.toThrow(
        /token 50257, outside the vocabulary \[0, 50257\)/,
      );
      await session.step([[1], [2]]);
      await expect(session.step([[1]])).rejects.toThrow(/step got 1 rows but the session holds 2/);
      expect(() => session.selectRows([2])).toThrow(/row 2, but the session holds rows 0..1/);
      await expect(session.step([Array(128).fill(5), [1]])).rejects.toMatchObject({
        code: 'PROMPT_TOO_LONG',
      });
      const running = session.step([[3], [4]]);
      await expect(session.step([[3], [4]])).rejects.toThrow(/while the previous step was still running/);
      expect(() => session.selectRows([1, 0])).toThrow(/while a step was running/);
      await running;
      session.dispose();
      await expect(session.step([[1], [2]])).rejects.toThrow(ModelDisposedError);
      session.dispose();
    });
  });
});

describe('tensor lifetimes', () => {
  it('disposes every replaced tensor at once, and all of them by the end of a generation', async () => {
    const { ort: recording, runs } = recordingOrt();
    const recorded = await loadModelWith(recording, directorySource(dir), { threads: 1 });
    const lateDisposals: string[] = [];
    const check = () => {
      // When run k starts, the past fed to run k-1 was replaced and must be gone already.
      const previous = runs.at(-2);
      if (previous?.pastFed.some((tensor) => tensor.location !== 'none'))
        lateDisposals.push(`run ${runs.length - 1}`);
    };
    try {
      for (const config of [
        { maxNewTokens: 6, eosTokenId: [] },
        { maxNewTokens: 6, numBeams: 3, numReturnSequences: 2, eosTokenId: [] },
        { maxNewTokens: 6, doSample: true, numReturnSequences: 2, seed: 1, eosTokenId: [] },
      ]) {
        const stream = recorded.stream({ inputIds: prompts }, config);
        for await (const _ of stream) check();
        await stream.result;
      }
      expect(runs.length).toBeGreaterThan(10);
      expect(lateDisposals).toEqual([]);
      const alive = runs
        .flatMap((run) => [...run.outputs, ...run.pastFed])
        .filter((t: Tensor) => t.location !== 'none');
      expect(alive).toEqual([]);
      expect(recorded.liveSessions).toBe(0);
    } finally {
      await recorded.dispose();
    }
  });
});

describe('older graph layouts', () => {
  it('a merged decoder (use_cache_branch, no position_ids) gets only its declared inputs and the same tokens', async () => {
    const { ort: merged, runs } = mergedDecoderOrt();
    const old = await loadModelWith(merged, directorySource(dir), { threads: 1 });
    try {
      const config = { maxNewTokens: 8, eosTokenId: [] };
      const expected = await model.generate({ inputIds: prompts }, config);
      const actual = await old.generate({ inputIds: prompts }, config);
      expect(actual.sequences.map((s) => s.tokens)).toEqual(expected.sequences.map((s) => s.tokens));
      expect(runs[0]!.useCacheBranch).toBe(0);
      expect(runs.slice(1).every((run) => run.useCacheBranch === 1)).toBe(true);
      expect(runs[0]!.fed).not.toContain('position_ids');
    } finally {
      await old.dispose();
    }
  });
});

describe('float16 exports', () => {
  it('feeds float16 caches, gathers them, and reads float16 logits (within fp16 rounding of fp32)', async () => {
    const half = await loadModelWith(float16Ort(), directorySource(dir), { threads: 1 });
    expect(half.graph.kvType).toBe('float16');
    const run = async (m: LoadedModel) => {
      const session = m.createSession();
      try {
        await session.step(prompts);
        session.selectRows([2, 0, 0]);
        return (await session.step([[13], [13], [11]])).slice();
      } finally {
        session.dispose();
      }
    };
    try {
      const [fp16, fp32] = [await run(half), await run(model)];
      expect(maxAbsDiff(fp16, fp32)).toBeLessThan(0.05);
      expect(maxAbsDiff(fp16, fp32)).toBeGreaterThan(0); // the fp16 path did round
      const result = await half.generate(
        { inputIds: prompts },
        { maxNewTokens: 4, numBeams: 2, eosTokenId: [] },
      );
      expect(result.sequences).toHaveLength(3);
    } finally {
      await half.dispose();
    }
  });
});
