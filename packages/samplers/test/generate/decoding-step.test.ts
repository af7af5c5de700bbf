import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import {
  ConfigError,
  createDecodingStep,
  createRandom,
  DecodingStep,
  epsilonCutoff,
  etaCutoff,
  greedy,
  type LogitsProcessor,
  minP,
  repetitionPenalty,
  type SelectContext,
  sample,
  type TokenSelector,
  temperature,
  topK,
  topP,
  typicalP,
} from '../../src/index.js';
import { NEG, realisticRow } from '../processors/helpers.js';

function selectContext(seed: number, tokens: readonly number[] = []): SelectContext {
  return {
    tokens: Int32Array.from(tokens),
    length: tokens.length,
    promptLength: tokens.length,
    row: 0,
    eosTokenIds: [],
    random: createRandom(seed),
  };
}

/** The same selector, hidden behind a wrapper the step does not recognise: forces the full-row path. */
function opaque(selector: TokenSelector): TokenSelector {
  return { name: selector.name, select: (logits, ctx) => selector.select(logits, ctx) };
}

/** Draws `draws` tokens from `row` with the compacting step and with the full-row path, same seed. */
function bothPaths(processors: () => LogitsProcessor[], row: Float32Array, seed: number, draws = 8) {
  const compacting = new DecodingStep(processors(), sample());
  const fullRow = new DecodingStep(processors(), opaque(sample()));
  const a = selectContext(seed);
  const b = selectContext(seed);
  const fast: number[] = [];
  const reference: number[] = [];
  for (let i = 0; i < draws; i++) {
    fast.push(compacting.select(row, a));
    reference.push(fullRow.select(row, b));
  }
  return { fast, reference };
}

/** Full-row probabilities after the processors, for the "never a removed token" property. */
function processed(processors: LogitsProcessor[], row: Float32Array): Float32Array {
  const copy = row.slice();
  for (const processor of processors) processor.process(copy, selectContext(0));
  return copy;
}

describe('DecodingStep', () => {
  it('leaves the source row unchanged', () => {
    const row = realisticRow(5000, 3);
    const before = row.slice();
    const step = new DecodingStep([repetitionPenalty(1.3), temperature(0.7), topK(40), topP(0.9)], sample());
    step.select(row, selectContext(1, [1, 2, 3]));
    expect(row).toEqual(before);
  });

  it('lists top-p survivors instead of rebuilding the row when the rest is built in', () => {
    const p = topP(0.9);
    const xtcLike: LogitsProcessor = { name: 'plugin', process: vi.fn() };
    const row = realisticRow(50_257, 4);
    const spy = vi.spyOn(p, 'process');
    new DecodingStep([p], sample()).select(row, selectContext(1));
    expect(spy).not.toHaveBeenCalled();
    new DecodingStep([p, xtcLike], sample()).select(row, selectContext(1));
    expect(spy).toHaveBeenCalledTimes(1);
    // The plugin saw the full row, with top-p's removals.
    const seen = (xtcLike.process as ReturnType<typeof vi.fn>).mock.calls[0]![0] as Float32Array;
    expect(seen.length).toBe(50_257);
    expect(Array.from(seen)).toEqual(Array.from(processed([topP(0.9)], row)));
  });

  it('skips the full-row top-k pass when everything after it is built in (observable: top-k not called)', () => {
    const k = topK(50);
    const spy = vi.spyOn(k, 'process');
    const step = new DecodingStep([temperature(0.7), k, topP(0.9)], sample());
    step.select(realisticRow(50_257, 1), selectContext(1));
    expect(spy).not.toHaveBeenCalled();
    // A plugin warper after top-k may depend on token ids: then every processor sees the full row.
    const plugin: LogitsProcessor = { name: 'plugin', process() {} };
    new DecodingStep([temperature(0.7), k, plugin], sample()).select(
      realisticRow(50_257, 1),
      selectContext(1),
    );
    expect(spy).toHaveBeenCalledTimes(1);
  });

  it('picks the same tokens as the full-row path on GPT-2-like rows (T + top-k + top-p, min-p, typical)', () => {
    const configs: Array<() => LogitsProcessor[]> = [
      () => [temperature(0.7), topK(50)],
      () => [topK(50)],
      () => [temperature(1.3), topK(1)],
      () => [temperature(0.7), topK(50), topP(0.9)],
      () => [temperature(0.5), topK(200), minP(0.05)],
      () => [topK(100), typicalP(0.9)],
      () => [temperature(1.1), topK(300), epsilonCutoff(3e-4), etaCutoff(2e-3)],
      () => [repetitionPenalty(1.2), temperature(0.9), topK(40)],
      () => [topP(0.9)],
      () => [minP(0.05)],
      () => [temperature(0.8), topP(0.95), minP(0.02)],
      () => [repetitionPenalty(1.2), minP(0.1), typicalP(0.8)],
      () => [typicalP(0.9)],
      () => [temperature(1.2), typicalP(0.5), minP(0.01)],
    ];
    for (const [index, processors] of configs.entries()) {
      for (let seed = 1; seed <= 4; seed++) {
        const row = realisticRow(50_257, 100 * index + seed);
        const { fast, reference } = bothPaths(processors, row, seed, 16);
        expect(fast, `config ${index}, seed ${seed}`).toEqual(reference);
      }
    }
  });

  it('property: same tokens as the full-row path, and never a token the processors removed', () => {
    const value = fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: -6, max: 6 }).map((x) => x / 2) },
      { weight: 4, arbitrary: fc.float({ min: -30, max: 30, noNaN: true, noDefaultInfinity: true }) },
      { weight: 1, arbitrary: fc.constant(NEG) },
    );
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 2, maxLength: 400 }),
        fc.integer({ min: 0, max: 60 }),
        fc.constantFrom(undefined, 0.05, 0.3, 0.7, 1.7),
        fc.constantFrom(undefined, 0.5, 0.9),
        fc.constantFrom(undefined, 0.1),
        fc.integer({ min: 1, max: 1000 }),
        (values, k, t, p, m, seed) => {
          const processors = () => [
            ...(t === undefined ? [] : [temperature(t)]),
            ...(k === 0 ? [] : [topK(k)]),
            ...(p === undefined ? [] : [topP(p)]),
            ...(m === undefined ? [] : [minP(m)]),
          ];
          const row = Float32Array.from(values);
          if (k === 0 && p === undefined && m === undefined) return;
          if (!row.some((x) => x > NEG)) return;
          const { fast, reference } = bothPaths(processors, row, seed, 6);
          expect(fast).toEqual(reference);
          const kept = processed(processors(), row);
          for (const token of fast) expect(kept[token]).toBeGreaterThan(NEG);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('falls back to the full row when the temperature makes a token below the k-th score tie with it', () => {
    // In float32, 1 / 100 and (the float just below 1) / 100 round to the same value: after the
    // temperature the second-best token ties with the top-k cut and Hugging Face keeps both.
    const below = new Float32Array([1]);
    new Int32Array(below.buffer)[0]! -= 1;
    expect(Math.fround(1 / 100)).toBe(Math.fround(below[0]! / 100));
    const row = new Float32Array(1000).fill(-5);
    row[10] = 1;
    row[20] = below[0]!;
    const k = topK(1);
    const spy = vi.spyOn(k, 'process');
    const step = new DecodingStep([temperature(100), k], sample());
    const ctx = selectContext(5);
    const drawn = new Set<number>();
    for (let i = 0; i < 200; i++) drawn.add(step.select(row, ctx));
    expect(spy).toHaveBeenCalled();
    expect([...drawn].sort((a, b) => a - b)).toEqual([10, 20]);
    // Without the tie (temperature 3), only the best token survives top-1, on the compacted path.
    spy.mockClear();
    const untied = new DecodingStep([temperature(3), k], sample());
    for (let i = 0; i < 20; i++) expect(untied.select(row, ctx)).toBe(10);
    expect(spy).not.toHaveBeenCalled();
  });

  it('runs every processor once a step, also when a row falls back to the full row', () => {
    const below = new Float32Array([1]);
    new Int32Array(below.buffer)[0]! -= 1;
    const row = new Float32Array(1000).fill(-5);
    row[10] = 1;
    row[20] = below[0]!;
    const history: LogitsProcessor = { name: 'history', process: vi.fn() };
    const temperatureTied = temperature(100);
    const k = topK(1);
    const spies = [vi.spyOn(temperatureTied, 'process'), vi.spyOn(k, 'process')];
    const step = new DecodingStep([history, temperatureTied, k], sample());
    for (let i = 0; i < 5; i++) step.select(row, selectContext(i));
    expect(history.process).toHaveBeenCalledTimes(5);
    for (const spy of spies) expect(spy).toHaveBeenCalledTimes(5);
    // Where the row compacts, the head still runs once and the cut never on the full row.
    const compacting = new DecodingStep([history, temperature(3), k], sample());
    for (let i = 0; i < 5; i++) compacting.select(row, selectContext(i));
    expect(history.process).toHaveBeenCalledTimes(10);
    expect(spies[1]).toHaveBeenCalledTimes(5);
  });

  it('greedy and sampling without processors read the row directly', () => {
    const row = new Float32Array([0.5, 3, 3, -1]);
    expect(new DecodingStep([], greedy()).select(row, selectContext(1))).toBe(1);
  });
});

describe('createDecodingStep', () => {
  it("builds generate()'s processors in HF order and picks from the processed row", () => {
    const step = createDecodingStep({
      doSample: true,
      temperature: 0.7,
      topK: 50,
      topP: 0.9,
      repetitionPenalty: 1.1,
    });
    expect(step.processors.map((processor) => processor.name)).toEqual([
      'repetitionPenalty',
      'temperature',
      'topK',
      'topP',
    ]);
    expect(step.selector.name).toBe('sample');
    expect(createDecodingStep().selector.name).toBe('greedy');
  });

  it('greedy on a row picks its argmax', () => {
    const row = realisticRow(50_257, 9);
    let best = 0;
    for (let i = 1; i < row.length; i++) if (row[i]! > row[best]!) best = i;
    expect(createDecodingStep().select(row, selectContext(1))).toBe(best);
  });

  it('rejects beam search with a ConfigError, and invalid options as generate() does', () => {
    expect(() => createDecodingStep({ numBeams: 4 })).toThrow(ConfigError);
    expect(() => createDecodingStep({ doSample: true, topP: 1.5 })).toThrow(/topP/);
  });
});
