import { type DecoderModel, generate } from '@nucleus/samplers';
import { mirostatV2, xtc } from '../../src/index.js';

// A toy model over 16 tokens whose next-token probabilities fall off as 0.6^k after any input.
const vocabSize = 16;
const scores = Float32Array.from({ length: vocabSize }, (_, k) => k * Math.log(0.6));
const model: DecoderModel = {
  vocabSize,
  createSession: () => ({
    vocabSize,
    async step(tokens) {
      const logits = new Float32Array(tokens.length * vocabSize);
      for (let row = 0; row < tokens.length; row++) logits.set(scores, row * vocabSize);
      return logits;
    },
    selectRows() {},
    dispose() {},
  }),
};

const result = await generate(
  model,
  [[0]],
  { maxNewTokens: 12, seed: 42 },
  {
    processors: [xtc({ probability: 0.5, threshold: 0.2, seed: 42 })],
    selector: mirostatV2({ tau: 2, eta: 0.1 }),
  },
);
export const newTokens = result.sequences[0]!.newTokens; // 12 tokens, the same on every run
