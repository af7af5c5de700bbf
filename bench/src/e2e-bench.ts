// Parts 2-4: whole generations (16-token prompt, 128 new tokens, EOS disabled) on the GPT-2-small-shaped
// model: the bare onnxruntime loop (the lower bound), Nucleus and transformers.js greedy and top-k 50
// sampling, 8 prompts at once, and Nucleus's 4-beam search. Contenders run one after another in every
// round (A B C ... A B C ...), so drift on a shared machine spreads over all of them; medians per contender.
import path from 'node:path';
import { loadModel } from '@nucleus/runtime-node';
import * as ort from 'onnxruntime-node';
import { bareGreedy, type GraphShape } from './bare-loop.js';
import { installOrtTimer } from './ort-timer.js';
import { loadPeerModel } from './peer.js';
import { median } from './stats.js';

/** Which library a contender runs. */
export type Library = 'bare onnxruntime' | 'Nucleus' | 'transformers.js';

/** One contender's medians. */
export interface E2eResult {
  readonly name: string;
  readonly library: Library;
  readonly mode: 'greedy' | 'top-k 50 sampling' | '4-beam search';
  /** Prompts decoded at once. */
  readonly rows: number;
  readonly wallMs: number;
  /** New tokens of all returned rows per second of wall time. */
  readonly tokensPerSecond: number;
  /** Wall time per decode step (one forward pass + the library's own work). */
  readonly msPerStep: number;
  /** Wall time per step minus the time inside the decoder's `run`: the library's own work per step. */
  readonly outsideOrtMsPerStep: number;
  /** tokensPerSecond / the bare loop's at the same batch size (null for beam search). */
  readonly vsBareLoop: number | null;
  readonly note: string;
  readonly wallSamples: readonly number[];
}

/** The parts 2-4 report. */
export interface E2eReport {
  readonly promptTokens: number;
  readonly newTokens: number;
  readonly rounds: number;
  readonly prompt: readonly number[];
  readonly greedyTokens: readonly number[];
  readonly crossCheck: string;
  readonly results: readonly E2eResult[];
  /** Median over rounds of (Nucleus greedy wall / bare loop wall) taken within each round. */
  readonly pairedGreedyRatio: number;
}

/** Options of {@link runE2eBench}. */
export interface E2eOptions {
  readonly dir: string;
  readonly threads: number;
  readonly newTokens: number;
  readonly rounds: number;
  readonly batch: boolean;
  readonly log: (line: string) => void;
}

interface Contender {
  readonly name: string;
  readonly library: Library;
  readonly mode: E2eResult['mode'];
  readonly rows: number;
  readonly note: string;
  /** Runs one generation and returns the new tokens of each returned row. */
  run(newTokens: number): Promise<number[][]>;
}

const PROMPT_TEXT = 'The quick brown fox jumps over the lazy dog. It was a sunny day and';

/** Reads the graph sizes the bare loop needs from the model's config.json. */
async function graphShape(dir: string): Promise<GraphShape> {
  const { readFile } = await import('node:fs/promises');
  const config = JSON.parse(await readFile(path.join(dir, 'config.json'), 'utf8')) as Record<string, number>;
  return {
    layers: config['n_layer']!,
    heads: config['n_head']!,
    headDim: config['n_embd']! / config['n_head']!,
    vocab: config['vocab_size']!,
  };
}

/** Throws unless every row has exactly `count` tokens. */
function expectLength(name: string, rows: number[][], count: number): void {
  for (const row of rows) {
    if (row.length !== count) throw new Error(`${name} generated ${row.length} tokens, expected ${count}`);
  }
}

/** Loads the three libraries on the model of `dir` and checks that their greedy tokens agree. */
export async function openContenders(dir: string, threads: number) {
  const shape = await graphShape(dir);
  const bareSession = await ort.InferenceSession.create(path.join(dir, 'onnx', 'model.onnx'), {
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionProviders: ['cpu'],
  });
  const nucleus = await loadModel(dir, { threads, interOpThreads: 1 });
  const peer = await loadPeerModel(dir, { threads });
  return {
    shape,
    bareSession,
    nucleus,
    peer,
    async dispose() {
      await nucleus.dispose();
      await peer.dispose();
      await bareSession.release();
    },
  };
}

/**
 * Greedy tokens of the bare loop, Nucleus and transformers.js for the same prompts; throws naming the first
 * difference. Returns the agreed tokens.
 */
export async function crossCheckGreedy(
  opened: Awaited<ReturnType<typeof openContenders>>,
  prompts: number[][],
  newTokens: number,
): Promise<number[][]> {
  const bare = await bareGreedy(opened.bareSession, opened.shape, prompts, newTokens);
  const ours = await opened.nucleus.generate(
    { inputIds: prompts },
    { maxNewTokens: newTokens, eosTokenId: [] },
  );
  const nucleus = ours.sequences.map((s) => [...s.newTokens]);
  const peer = await opened.peer.generate(prompts, {
    max_new_tokens: newTokens,
    do_sample: false,
    eos_token_id: null,
  });
  for (const [name, tokens] of [
    ['Nucleus', nucleus],
    ['transformers.js', peer],
  ] as const) {
    if (JSON.stringify(tokens) !== JSON.stringify(bare)) {
      const row = tokens.findIndex((r, i) => JSON.stringify(r) !== JSON.stringify(bare[i]));
      const at = tokens[row]?.findIndex((t, i) => t !== bare[row]![i]) ?? -1;
      throw new Error(
        `greedy tokens differ: ${name} row ${row} step ${at} gives ${tokens[row]?.[at]}, the bare loop ${bare[row]?.[at]}`,
      );
    }
  }
  return bare;
}

/** Runs parts 2-4. */
export async function runE2eBench(options: E2eOptions): Promise<E2eReport> {
  const { log, newTokens } = options;
  const timer = installOrtTimer();
  const opened = await openContenders(options.dir, options.threads);
  const { nucleus, peer, bareSession, shape } = opened;
  const prompt = nucleus.tokenizer.encode(PROMPT_TEXT);
  if (prompt.length !== 16) throw new Error(`expected a 16-token prompt, got ${prompt.length}`);
  const batch = Array.from({ length: 8 }, (_, i) => [...prompt.slice(i), ...prompt.slice(0, i)]);
  const noEos = { eosTokenId: [] as number[] };

  const [greedyTokens] = await crossCheckGreedy(opened, [prompt], newTokens);
  log(`cross-check: greedy tokens of the bare loop, Nucleus and transformers.js agree (${newTokens} tokens)`);

  const newRows = (rows: readonly { newTokens: readonly number[] }[]) => rows.map((s) => [...s.newTokens]);
  const contenders: Contender[] = [
    {
      name: 'bare onnxruntime loop, greedy',
      library: 'bare onnxruntime',
      mode: 'greedy',
      rows: 1,
      note: 'lower bound',
      run: (n) => bareGreedy(bareSession, shape, [prompt], n),
    },
    {
      name: 'Nucleus greedy',
      library: 'Nucleus',
      mode: 'greedy',
      rows: 1,
      note: '',
      run: async (n) =>
        newRows((await nucleus.generate({ inputIds: prompt }, { ...noEos, maxNewTokens: n })).sequences),
    },
    {
      name: 'transformers.js greedy',
      library: 'transformers.js',
      mode: 'greedy',
      rows: 1,
      note: '',
      run: (n) => peer.generate([prompt], { max_new_tokens: n, do_sample: false, eos_token_id: null }),
    },
    {
      name: 'Nucleus top-k 50 sampling',
      library: 'Nucleus',
      mode: 'top-k 50 sampling',
      rows: 1,
      note: 'doSample, topK 50, seed 1',
      run: async (n) =>
        newRows(
          (
            await nucleus.generate(
              { inputIds: prompt },
              { ...noEos, maxNewTokens: n, doSample: true, topK: 50, seed: 1 },
            )
          ).sequences,
        ),
    },
    {
      name: 'transformers.js top-k 50 sampling',
      library: 'transformers.js',
      mode: 'top-k 50 sampling',
      rows: 1,
      note: 'do_sample, top_k 50',
      run: (n) =>
        peer.generate([prompt], { max_new_tokens: n, do_sample: true, top_k: 50, eos_token_id: null }),
    },
    {
      name: 'Nucleus 4-beam search',
      library: 'Nucleus',
      mode: '4-beam search',
      rows: 1,
      note: 'numBeams 4: 4 rows per forward pass; tokens/s counts the returned sequence',
      run: async (n) =>
        newRows(
          (await nucleus.generate({ inputIds: prompt }, { ...noEos, maxNewTokens: n, numBeams: 4 }))
            .sequences,
        ),
    },
  ];
  if (options.batch) {
    contenders.push(
      {
        name: 'bare onnxruntime loop, greedy, batch 8',
        library: 'bare onnxruntime',
        mode: 'greedy',
        rows: 8,
        note: 'lower bound',
        run: (n) => bareGreedy(bareSession, shape, batch, n),
      },
      {
        name: 'Nucleus greedy, batch 8',
        library: 'Nucleus',
        mode: 'greedy',
        rows: 8,
        note: '',
        run: async (n) =>
          newRows((await nucleus.generate({ inputIds: batch }, { ...noEos, maxNewTokens: n })).sequences),
      },
      {
        name: 'transformers.js greedy, batch 8',
        library: 'transformers.js',
        mode: 'greedy',
        rows: 8,
        note: '',
        run: (n) => peer.generate(batch, { max_new_tokens: n, do_sample: false, eos_token_id: null }),
      },
    );
  }

  // Warm-up: every contender once, on a few tokens.
  for (const contender of contenders) expectLength(contender.name, await contender.run(4), 4);

  const samples = contenders.map(() => ({ wall: [] as number[], outside: [] as number[] }));
  const pairRatios: number[] = [];
  for (let round = 0; round < options.rounds; round++) {
    const walls: number[] = [];
    for (const [i, contender] of contenders.entries()) {
      timer.reset();
      const start = performance.now();
      const rows = await contender.run(newTokens);
      const wall = performance.now() - start;
      expectLength(contender.name, rows, newTokens);
      if (
        contender.mode === 'greedy' &&
        contender.rows === 1 &&
        JSON.stringify(rows[0]) !== JSON.stringify(greedyTokens)
      ) {
        throw new Error(`${contender.name} changed its greedy tokens between runs`);
      }
      walls.push(wall);
      samples[i]!.wall.push(wall);
      samples[i]!.outside.push((wall - timer.insideMs) / newTokens);
      log(
        `round ${round + 1}/${options.rounds} ${contender.name}: ${wall.toFixed(0)} ms, ` +
          `${((contender.rows * newTokens * 1000) / wall).toFixed(1)} tokens/s, outside ORT ${((wall - timer.insideMs) / newTokens).toFixed(2)} ms/step`,
      );
    }
    pairRatios.push(walls[1]! / walls[0]!);
  }

  const results = contenders.map((contender, i): E2eResult => {
    const wallMs = median(samples[i]!.wall);
    return {
      name: contender.name,
      library: contender.library,
      mode: contender.mode,
      rows: contender.rows,
      wallMs,
      tokensPerSecond: (contender.rows * newTokens * 1000) / wallMs,
      msPerStep: wallMs / newTokens,
      outsideOrtMsPerStep: median(samples[i]!.outside),
      vsBareLoop: null,
      note: contender.note,
      wallSamples: samples[i]!.wall,
    };
  });
  const withRatios = results.map((r) => {
    const bare = results.find((b) => b.library === 'bare onnxruntime' && b.rows === r.rows);
    return r.mode === '4-beam search' || !bare
      ? r
      : { ...r, vsBareLoop: r.tokensPerSecond / bare.tokensPerSecond };
  });
  await opened.dispose();
  return {
    promptTokens: prompt.length,
    newTokens,
    rounds: options.rounds,
    prompt,
    greedyTokens: greedyTokens!,
    crossCheck: `greedy: bare loop, Nucleus and transformers.js gave the same ${newTokens} tokens (also re-checked on every measured greedy run)`,
    results: withRatios,
    pairedGreedyRatio: 1 / median(pairRatios),
  };
}
