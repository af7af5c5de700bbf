import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Tokenizer } from '@huggingface/tokenizers';
import { encode as r50kEncode } from 'gpt-tokenizer/encoding/r50k_base';
import { beforeAll, describe, expect, it } from 'vitest';
import { gpt2TokenizerFiles } from '../src/index.js';
import { conformanceDir, hasShared } from './helpers/paths.js';

const TEXTS = [
  'Hello world!',
  ' leading space and trailing ',
  'Ünïcödé ✓ 🤗 日本語',
  "I'm sure they'll say it's 1,234,567 -- or \t tabs\nand\n\nnewlines   spaced",
  'The quick brown fox jumps over the lazy dog.',
  '<|endoftext|>Hi',
];

let tokenizer: Tokenizer;

beforeAll(async () => {
  const files = await gpt2TokenizerFiles(1024);
  tokenizer = new Tokenizer(
    JSON.parse(files['tokenizer.json']!),
    JSON.parse(files['tokenizer_config.json']!),
  );
});

describe('the generated tokenizer.json, loaded by @huggingface/tokenizers', () => {
  it('encodes "Hello world!" as GPT-2 does: [15496, 995, 0]', () => {
    expect(tokenizer.encode('Hello world!').ids).toEqual([15496, 995, 0]);
  });

  it.each(TEXTS)(
    'gives the ids of an independent GPT-2 encoder (gpt-tokenizer r50k_base) and decodes back: %j',
    (text) => {
      const ids = tokenizer.encode(text).ids;
      expect(ids).toEqual(r50kEncode(text, { allowedSpecial: 'all' }));
      expect(tokenizer.decode(ids)).toBe(text);
    },
  );

  it('treats <|endoftext|> as the special token 50256', () => {
    expect(tokenizer.encode('<|endoftext|>').ids).toEqual([50256]);
    expect(tokenizer.decode([50256], { skip_special_tokens: true })).toBe('');
  });

  it('writes model_max_length from the context length', async () => {
    const files = await gpt2TokenizerFiles(128);
    expect(JSON.parse(files['tokenizer_config.json']!).model_max_length).toBe(128);
  });
});

describe.skipIf(!hasShared)(
  'tokenizer cases of the HF GPT-2 tokenizer (skipped: ../shared/conformance not found)',
  () => {
    it('encodes and decodes every case of prompts.json like Hugging Face', async () => {
      const golden = JSON.parse(await readFile(join(conformanceDir, 'golden', 'prompts.json'), 'utf8')) as {
        prompts: Record<string, { text: string; ids: number[] }>;
        tokenizer_cases: { text: string; ids: number[]; decoded: string }[];
      };
      for (const { text, ids, decoded } of golden.tokenizer_cases) {
        expect(tokenizer.encode(text).ids, text).toEqual(ids);
        // (this library refuses to decode an empty id list)
        if (ids.length > 0) expect(tokenizer.decode(ids)).toBe(decoded);
      }
      for (const { text, ids } of Object.values(golden.prompts))
        expect(tokenizer.encode(text).ids).toEqual(ids);
    });
  },
);
