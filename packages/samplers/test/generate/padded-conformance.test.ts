import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { generate, toPaddedSequences } from '../../src/index.js';
import { FakeModel } from '../support/fake-models.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const golden = path.resolve(repoRoot, '../shared/conformance/golden/generate_greedy.json');
const hasShared = existsSync(golden);

interface GreedyCase {
  name: string;
  input_ids: number[][];
  attention_mask: number[][];
  generate_kwargs: { max_new_tokens: number; pad_token_id: number; eos_token_id?: number };
  sequences: number[][];
  steps: { token: number }[][];
}

describe.skipIf(!hasShared)(
  'toPaddedSequences reproduces HF generate_greedy.json layouts (skipped: ../shared/conformance not found)',
  () => {
    const cases: GreedyCase[] = hasShared ? JSON.parse(readFileSync(golden, 'utf8')).cases : [];

    it.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, testCase) => {
      // Unpad the HF prompts with the attention mask, and replay HF's chosen tokens through a model whose
      // logits make that token the argmax; the loop's stopping and toPaddedSequences must rebuild HF's rows.
      const prompts = testCase.input_ids.map((ids, row) =>
        ids.filter((_, i) => testCase.attention_mask[row]![i] === 1),
      );
      const vocab = 50257;
      const model = new FakeModel(vocab, (history) => {
        const row = prompts.findIndex((prompt) => prompt.every((token, i) => history[i] === token));
        const step = history.length - prompts[row]!.length;
        const logits = new Float32Array(vocab);
        logits[testCase.steps[step]![row]!.token] = 1;
        return logits;
      });
      const { max_new_tokens, pad_token_id, eos_token_id } = testCase.generate_kwargs;
      const result = await generate(model, prompts, {
        maxNewTokens: max_new_tokens,
        padTokenId: pad_token_id,
        eosTokenId: eos_token_id ?? 50256,
      });
      expect(toPaddedSequences(result)).toEqual(testCase.sequences);
    });
  },
);
