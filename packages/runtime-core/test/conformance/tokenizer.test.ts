import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTokenizer, IncrementalDecoder } from '../../src/index.js';
import { hasShared, readGolden, tinyGpt2Dir } from '../support/shared.js';

interface TokenizerCase {
  text: string;
  ids: number[];
  decoded: string;
}

describe.skipIf(!hasShared)(
  'HF conformance: GPT-2 tokenizer (skipped: ../shared/conformance not found)',
  () => {
    const read = (file: string) => JSON.parse(readFileSync(path.join(tinyGpt2Dir, file), 'utf8'));
    const tokenizer = hasShared
      ? createTokenizer(read('tokenizer.json'), read('tokenizer_config.json'))
      : undefined!;
    const cases = hasShared
      ? readGolden<{ tokenizer_cases: TokenizerCase[] }>('prompts.json').tokenizer_cases
      : [];
    const prompts = hasShared
      ? Object.values(
          readGolden<{ prompts: Record<string, { text: string; ids: number[] }> }>('prompts.json').prompts,
        )
      : [];

    it.each(cases.map((c) => [JSON.stringify(c.text), c] as const))(
      'encodes and decodes %s like HF',
      (_, c) => {
        expect(tokenizer.encode(c.text)).toEqual(c.ids);
        expect(tokenizer.decode(c.ids)).toBe(c.decoded);
      },
    );

    it.each(prompts.map((p) => [p.text, p] as const))('encodes the prompt %j like HF', (_, p) => {
      expect(tokenizer.encode(p.text)).toEqual(p.ids);
    });

    it.each(cases.map((c) => [JSON.stringify(c.text), c] as const))(
      'streams %s token by token without U+FFFD, deltas adding up to the text',
      (_, c) => {
        const incremental = new IncrementalDecoder((ids) => tokenizer.decode(ids));
        const deltas = c.ids.map((id) => incremental.push(id));
        for (const delta of deltas) expect(delta).not.toContain('\uFFFD');
        expect(deltas.join('') + incremental.flush()).toBe(c.decoded);
      },
    );

    it('has the GPT-2 vocabulary size and rejects ids outside it', () => {
      expect(tokenizer.vocabSize).toBe(50257);
      expect(() => tokenizer.decode([50257])).toThrow(/\[0, 50257\)/);
      expect(() => tokenizer.decode([-1])).toThrow(/token id -1/);
      expect(tokenizer.decode([])).toBe('');
    });
  },
);
