// The benchmark compares like with like only if the three contenders decode the same tokens: greedy
// decoding by the bare onnxruntime loop, Nucleus and transformers.js must agree token for token on the same
// model and prompts. Checked here on the tiny seeded model (quick, no timing).
import { ensureModel } from '@nucleus/gpt2-onnx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { crossCheckGreedy, openContenders } from '../src/e2e-bench.js';
import { loadPeerStepModules } from '../src/peer.js';
import { runStepBench } from '../src/step-bench.js';

describe('greedy cross-check on the tiny model', () => {
  let opened: Awaited<ReturnType<typeof openContenders>>;
  beforeAll(async () => {
    opened = await openContenders(await ensureModel('tiny'), 1);
  });
  afterAll(async () => {
    await opened?.dispose();
  });

  it('the bare loop, Nucleus and transformers.js give the same tokens for one prompt', async () => {
    const tokens = await crossCheckGreedy(opened, [[15496, 11, 616, 3290, 318]], 24);
    expect(tokens).toHaveLength(1);
    expect(tokens[0]).toHaveLength(24);
    // The tiny model's continuation depends on the prompt: not a constant token.
    expect(new Set(tokens[0]).size).toBeGreaterThan(1);
  });

  it('and for a batch of equal-length prompts, row by row', async () => {
    const prompts = [
      [464, 2068, 7586, 21831, 18045, 625],
      [7454, 2402, 257, 640, 612, 373],
      [40, 1101, 407, 1654, 703, 284],
    ];
    const tokens = await crossCheckGreedy(opened, prompts, 16);
    expect(tokens).toHaveLength(3);
    expect(new Set(tokens.map((row) => row.join(','))).size).toBe(3);
  });

  it('fails loudly, naming the library and step, when one contender decodes differently', async () => {
    const tampered = {
      ...opened,
      peer: {
        ...opened.peer,
        async generate(prompts: readonly (readonly number[])[], config: Record<string, unknown>) {
          const rows = await opened.peer.generate(prompts, config);
          rows[0]![3] = rows[0]![3]! + 1;
          return rows;
        },
      },
    };
    await expect(crossCheckGreedy(tampered, [[15496, 11, 616, 3290, 318]], 8)).rejects.toThrow(
      /transformers\.js row 0 step 3/,
    );
  });
});

describe('per-step harnesses', () => {
  it('agree on greedy tokens and keep top-k 50 draws in the top 50 before anything is timed', async () => {
    const lines: string[] = [];
    const report = await runStepBench(await loadPeerStepModules(), {
      rounds: 1,
      timeMs: 5,
      log: (l) => lines.push(l),
    });
    expect(lines[0]).toMatch(/agree/);
    const configs = report.results.map((r) => r.config);
    expect(configs).toContain('temperature 0.7 + top-k 50, sample');
    // transformers.js has no beam search: that row has no peer figure rather than an unlike comparison.
    const beam = report.results.find((r) => r.config.startsWith('beam search'))!;
    expect(beam.peerUs).toBeNull();
    expect(beam.comparison).toBe('none');
  });
});
