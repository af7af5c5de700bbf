/**
 * Logits processors with Hugging Face `generate()` semantics, plus the OpenAI/llama.cpp extras
 * (frequency and presence penalties, logit bias). Every factory validates its parameters and returns a
 * {@link LogitsProcessor} named after the factory that changes one row of scores in place.
 *
 * @packageDocumentation
 */
export { frequencyPenalty, presencePenalty } from './additive-penalties.js';
export { badWordsIds } from './bad-words.js';
export { minLength, minNewTokens } from './eos-guards.js';
export { epsilonCutoff } from './epsilon-cutoff.js';
export { etaCutoff } from './eta-cutoff.js';
export { forcedBosTokenId, forcedEosTokenId } from './forced-tokens.js';
export { logitBias } from './logit-bias.js';
export { minP } from './min-p.js';
export { noRepeatNgramSize } from './no-repeat-ngram.js';
export { repetitionPenalty } from './repetition-penalty.js';
export { sequenceBias } from './sequence-bias.js';
export { beginSuppressTokens, suppressTokens } from './suppress-tokens.js';
export { temperature } from './temperature.js';
export { topK } from './top-k.js';
export { topP } from './top-p.js';
export { typicalP } from './typical-p.js';
export type { MinTokensToKeepOptions } from './validate.js';
