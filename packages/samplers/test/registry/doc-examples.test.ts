import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type DecoderModel, generate, InvalidOptionError, type ProcessContext } from '../../src/index.js';
import { Cooldown } from './examples/cooldown.js';

const packageRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The code blocks of a markdown file that are marked `<!-- example: <file> -->`. */
function markedExamples(markdownFile: string): { file: string; code: string }[] {
  const text = readFileSync(path.join(packageRoot, markdownFile), 'utf8');
  return [...text.matchAll(/<!-- example: (\S+) -->\n```ts\n([\s\S]*?)```\n/g)].map((match) => ({
    file: match[1]!,
    code: match[2]!,
  }));
}

describe('documentation examples', () => {
  for (const markdownFile of ['README.md', 'docs/plugins.md']) {
    it(`${markdownFile}: every marked example is the tested file, importing from the package name`, () => {
      const examples = markedExamples(markdownFile);
      expect(examples.length).toBeGreaterThan(0);
      for (const { file, code } of examples) {
        const source = readFileSync(path.join(packageRoot, file), 'utf8').replaceAll(
          "'../../../src/index.js'",
          "'@nucleus/samplers'",
        );
        expect(code, `${markdownFile} shows ${file}`).toBe(source);
      }
    });
  }
});

const ctx = (tokens: number[]): ProcessContext => ({
  tokens: Int32Array.from(tokens),
  length: tokens.length,
  promptLength: 1,
  row: 0,
  eosTokenIds: [],
});

describe('the ban-word example', () => {
  it('bans the word inside generate(): 4 never follows 3', async () => {
    const example = await import('./examples/ban-word.js');
    // the toy model predicts last + 1, runner-up last + 2; after 3 the ban forces 5
    expect(example.newTokens).toEqual([5, 6, 7, 0]);
  });

  it('bans only the last token of the word, and only right after the rest of it', async () => {
    const { processor } = await import('./examples/ban-word.js');
    const afterWord = new Float32Array(8);
    processor.process(afterWord, ctx([1, 3]));
    expect([...afterWord].map((value) => value === Number.NEGATIVE_INFINITY)).toEqual([
      false,
      false,
      false,
      false,
      true,
      false,
      false,
      false,
    ]);
    const elsewhere = new Float32Array(8);
    processor.process(elsewhere, ctx([3, 1]));
    expect(elsewhere.every((value) => value === 0)).toBe(true);
  });

  it('without the processor the model counts on: the ban is what changed the output', async () => {
    const toy: DecoderModel = {
      vocabSize: 8,
      createSession: () => ({
        vocabSize: 8,
        async step(tokens) {
          const logits = new Float32Array(tokens.length * 8);
          tokens.forEach((row, r) => {
            logits[r * 8 + ((row[row.length - 1]! + 1) % 8)] = 10;
          });
          return logits;
        },
        selectRows() {},
        dispose() {},
      }),
    };
    const result = await generate(toy, [[1, 2, 3]], { maxNewTokens: 4 });
    expect(result.sequences[0]!.newTokens).toEqual([4, 5, 6, 7]);
  });

  it('rejects an empty word through the registry', async () => {
    const { banWord } = await import('./examples/ban-word.js');
    expect(() => banWord.create({ word: [] })).toThrow(InvalidOptionError);
  });
});

describe('the cooldown example', () => {
  it('bans the last `steps` accepted tokens; clones and resets keep rows apart', () => {
    const cooldown = new Cooldown(2);
    cooldown.accept(1);
    cooldown.accept(2);
    cooldown.accept(3); // 1 has cooled down
    const row = new Float32Array(5);
    cooldown.process(row);
    expect([...row]).toEqual([0, 0, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, 0]);

    const branch = cooldown.clone();
    branch.accept(4);
    const original = new Float32Array(5);
    cooldown.process(original);
    expect(original[4]).toBe(0);
    expect(original[2]).toBe(Number.NEGATIVE_INFINITY);

    cooldown.reset();
    const fresh = new Float32Array(5);
    cooldown.process(fresh);
    expect([...fresh]).toEqual([0, 0, 0, 0, 0]);
  });
});
