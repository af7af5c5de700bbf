import {
  createSamplerRegistry,
  type DecoderModel,
  defineSampler,
  generate,
  InvalidOptionError,
  type LogitsProcessor,
  type ProcessContext,
} from '../../../src/index.js';

/** Never lets a row end with `word` (a token sequence): bans its last token right after the rest. */
class BanWord implements LogitsProcessor {
  readonly name = 'banWord';
  readonly #word: readonly number[];

  constructor(word: readonly number[]) {
    if (word.length === 0) {
      throw new InvalidOptionError('banWord.word', word, 'a non-empty list of token ids');
    }
    this.#word = word;
  }

  process(logits: Float32Array, ctx: ProcessContext): void {
    const prefix = this.#word.length - 1;
    if (ctx.length < prefix) return;
    for (let i = 0; i < prefix; i++) {
      if (ctx.tokens[ctx.length - prefix + i] !== this.#word[i]) return;
    }
    logits[this.#word[prefix]!] = Number.NEGATIVE_INFINITY;
  }
}

export const banWord = defineSampler({
  name: 'banWord',
  kind: 'processor',
  stage: 'history',
  description: 'Never generates the given word (a sequence of token ids).',
  options: [{ name: 'word', type: 'token-ids', required: true, help: 'The word as token ids, e.g. "3,4".' }],
  create: ({ word }) => new BanWord(word),
});

const registry = createSamplerRegistry(); // or the shared `samplerRegistry`
registry.register(banWord);

// What a CLI does with `--ban-word-word 3,4`:
export const processor = registry.createProcessor('banWord', { word: '3,4' });

// A toy model over 8 tokens that predicts "last token + 1", with "last token + 2" as runner-up.
const counter: DecoderModel = {
  vocabSize: 8,
  createSession: () => ({
    vocabSize: 8,
    async step(tokens) {
      const logits = new Float32Array(tokens.length * 8);
      tokens.forEach((row, r) => {
        const last = row[row.length - 1]!;
        logits[r * 8 + ((last + 1) % 8)] = 10;
        logits[r * 8 + ((last + 2) % 8)] = 5;
      });
      return logits;
    },
    selectRows() {},
    dispose() {},
  }),
};

const result = await generate(counter, [[1, 2, 3]], { maxNewTokens: 4 }, { processors: [processor] });
export const newTokens = result.sequences[0]!.newTokens; // [5, 6, 7, 0]: 4 was banned after 3
