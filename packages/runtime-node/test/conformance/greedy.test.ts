import { readFileSync } from 'node:fs';
import path from 'node:path';
import { type GenerationConfigInput, toPaddedSequences } from '@nucleus/samplers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LoadedModel, loadModel } from '../../src/index.js';
import { hasShared, sharedDir } from '../support/models.js';

interface GreedyCase {
  name: string;
  input_ids: number[][];
  attention_mask: number[][];
  generate_kwargs: Record<string, unknown>;
  sequences: number[][];
}

/** HF's snake_case generate() arguments in the camelCase of @nucleus/samplers. */
function camelCase(kwargs: Record<string, unknown>): GenerationConfigInput {
  return Object.fromEntries(
    Object.entries(kwargs).map(([key, value]) => [
      key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase()),
      value,
    ]),
  ) as GenerationConfigInput;
}

describe.skipIf(!hasShared)(
  'HF conformance: greedy generate() (skipped: ../shared/conformance not found)',
  () => {
    const golden = hasShared
      ? (JSON.parse(readFileSync(path.join(sharedDir, 'golden/generate_greedy.json'), 'utf8')) as {
          cases: GreedyCase[];
        })
      : { cases: [] };
    let model: LoadedModel;
    beforeAll(async () => {
      model = await loadModel(path.join(sharedDir, 'tiny-gpt2'), { threads: 1 });
    });
    afterAll(() => model?.dispose());

    it.each(golden.cases.map((c) => [c.name, c] as const))(
      '%s equals HF token for token',
      async (_, testCase) => {
        const prompts = testCase.input_ids.map((row, r) =>
          row.filter((_, c) => testCase.attention_mask[r]![c] === 1),
        );
        const result = await model.generate({ inputIds: prompts }, camelCase(testCase.generate_kwargs));
        expect(toPaddedSequences(result, 50256)).toEqual(testCase.sequences);
      },
    );

    it('the batch with an early EOS reports it per row', async () => {
      const testCase = golden.cases.find((c) => c.name.includes('stops_early'))!;
      const prompts = testCase.input_ids.map((row, r) =>
        row.filter((_, c) => testCase.attention_mask[r]![c] === 1),
      );
      const result = await model.generate({ inputIds: prompts }, camelCase(testCase.generate_kwargs));
      expect(result.sequences.map((s) => s.finishReason)).toEqual(['length', 'eos']);
      expect(result.sequences[1]!.newTokens).toEqual([21793, 21793, 21793, 45716]);
    });
  },
);
