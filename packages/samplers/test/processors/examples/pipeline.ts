import {
  chain,
  InvalidOptionError,
  noRepeatNgramSize,
  type ProcessContext,
  repetitionPenalty,
  temperature,
  topK,
  topP,
} from '../../../src/index.js';

// One row of scores over a 6-token vocabulary; the row's history (prompt included) is tokens 0, 3.
const row = Float32Array.of(2, 1, 0.5, 3, -1, 0);
const ctx: ProcessContext = {
  tokens: Int32Array.of(0, 3),
  length: 2,
  promptLength: 2,
  row: 0,
  eosTokenIds: [5],
};

// HF's order: processors that read the history first, then the sampling warpers. A chain is a processor.
const pipeline = chain(repetitionPenalty(1.5), temperature(0.5), topK(3), topP(0.9));
pipeline.process(row, ctx);
// repetition: 2 / 1.5, 3 / 1.5 -> [1.33, 1, 0.5, 2, -1, 0]; temperature: x / 0.5 -> [2.67, 2, 1, 4, -2, 0];
// top-3: 4, 2.67, 2; top-p 0.9: probabilities 0.715, 0.188, 0.097 -> 0.715 + 0.188 >= 0.9.
export const processed = Array.from(row); // [2.6666667, -Infinity, -Infinity, 4, -Infinity, -Infinity]

// Stateful processors follow one row and read only the tokens added since their last call; the decode
// loop clones them when a row branches (beams) and resets them before reuse.
const ngrams = noRepeatNgramSize(2);
const history = Int32Array.of(4, 1, 2, 4, 0, 0, 0, 0);
const scores = new Float32Array(6);
ngrams.process(scores, { ...ctx, tokens: history, length: 4 }); // "4 1" was seen: after 4, 1 is banned
const branch = ngrams.clone!();
history[4] = 1;
ngrams.process(scores.fill(0), { ...ctx, tokens: history, length: 5 }); // after 1, 2 is banned
export const banned = Array.from(scores, (x) => x === Number.NEGATIVE_INFINITY); // only token 2
export const branchIsIndependent = branch !== ngrams;

// Bad parameters throw a typed error naming the option, the value and what is allowed.
let message = '';
try {
  topP(1.5);
} catch (error) {
  if (error instanceof InvalidOptionError) message = error.message; // 'topP must be a number in [0, 1], got 1.5'
}

export { message };
