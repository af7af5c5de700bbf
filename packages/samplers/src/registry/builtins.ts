import {
  beginSuppressTokens,
  epsilonCutoff,
  etaCutoff,
  frequencyPenalty,
  minLength,
  minNewTokens,
  minP,
  noRepeatNgramSize,
  presencePenalty,
  repetitionPenalty,
  suppressTokens,
  temperature,
  topK,
  topP,
  typicalP,
} from '../processors/index.js';
import { greedy, sample } from '../selection/index.js';
import type { OptionSpec } from './options.js';
import { defineSampler, type SamplerDefinition, type SamplerRegistry } from './registry.js';

const minTokensToKeep = {
  name: 'minTokensToKeep',
  type: 'integer',
  min: 1,
  default: 1,
  help: 'Never remove the best this many tokens (beam search uses 1 + the number of EOS ids).',
} as const satisfies OptionSpec;

/**
 * Descriptors of the built-in samplers that a flat list of options can describe, so that UIs list them
 * next to plugins. Each name is the `GenerationConfig` key, and the primary option has that same name
 * (flag `--top-p`, error `topP must be ...`). Not here: `badWordsIds`, `sequenceBias`, `logitBias`,
 * `forcedBosTokenId` and `forcedEosTokenId`, whose values are nested or depend on the generation.
 */
export const builtInSamplers: readonly SamplerDefinition[] = [
  defineSampler({
    name: 'temperature',
    kind: 'processor',
    stage: 'warper',
    builtIn: true,
    description: 'Divides the scores by T: below 1 sharpens the distribution, above 1 flattens it.',
    options: [
      {
        name: 'temperature',
        type: 'number',
        min: 0,
        minExclusive: true,
        default: 1,
        neutral: 1,
        help: 'T > 0.',
      },
    ],
    create: (options) => temperature(options.temperature),
  }),
  defineSampler({
    name: 'topK',
    kind: 'processor',
    stage: 'warper',
    builtIn: true,
    description: 'Keeps the k most likely tokens (and every token tied with the k-th).',
    options: [
      { name: 'topK', type: 'integer', min: 0, default: 50, neutral: 0, help: 'k; 0 turns it off.' },
      minTokensToKeep,
    ],
    create: (options) => topK(options.topK, { minTokensToKeep: options.minTokensToKeep }),
  }),
  defineSampler({
    name: 'topP',
    kind: 'processor',
    stage: 'warper',
    builtIn: true,
    description:
      'Nucleus sampling: keeps the smallest set of most likely tokens whose probability reaches p.',
    options: [
      {
        name: 'topP',
        type: 'number',
        min: 0,
        max: 1,
        default: 1,
        neutral: 1,
        help: 'p in [0, 1]; 1 turns it off.',
      },
      minTokensToKeep,
    ],
    create: (options) => topP(options.topP, { minTokensToKeep: options.minTokensToKeep }),
  }),
  defineSampler({
    name: 'minP',
    kind: 'processor',
    stage: 'warper',
    builtIn: true,
    description: 'Removes tokens less likely than p times the most likely one.',
    options: [
      {
        name: 'minP',
        type: 'number',
        min: 0,
        max: 1,
        required: true,
        neutral: 0,
        help: 'p in [0, 1]; 0 keeps all.',
      },
      minTokensToKeep,
    ],
    create: (options) => minP(options.minP, { minTokensToKeep: options.minTokensToKeep }),
  }),
  defineSampler({
    name: 'typicalP',
    kind: 'processor',
    stage: 'warper',
    builtIn: true,
    description: 'Locally typical sampling: keeps the tokens whose surprise is closest to the entropy.',
    options: [
      {
        name: 'typicalP',
        type: 'number',
        min: 0,
        max: 1,
        minExclusive: true,
        default: 1,
        neutral: 1,
        help: 'Mass in (0, 1]; 1 turns it off.',
      },
      minTokensToKeep,
    ],
    create: (options) => typicalP(options.typicalP, { minTokensToKeep: options.minTokensToKeep }),
  }),
  defineSampler({
    name: 'epsilonCutoff',
    kind: 'processor',
    stage: 'warper',
    builtIn: true,
    description: 'Removes tokens whose probability is below epsilon.',
    options: [
      {
        name: 'epsilonCutoff',
        type: 'number',
        min: 0,
        max: 1,
        maxExclusive: true,
        default: 0,
        neutral: 0,
        help: 'Epsilon in [0, 1); 0 turns it off.',
      },
      minTokensToKeep,
    ],
    create: (options) => epsilonCutoff(options.epsilonCutoff, { minTokensToKeep: options.minTokensToKeep }),
  }),
  defineSampler({
    name: 'etaCutoff',
    kind: 'processor',
    stage: 'warper',
    builtIn: true,
    description: 'Eta sampling: removes tokens below min(eta, sqrt(eta) * exp(-entropy)).',
    options: [
      {
        name: 'etaCutoff',
        type: 'number',
        min: 0,
        max: 1,
        maxExclusive: true,
        default: 0,
        neutral: 0,
        help: 'Eta in [0, 1); 0 turns it off.',
      },
      minTokensToKeep,
    ],
    create: (options) => etaCutoff(options.etaCutoff, { minTokensToKeep: options.minTokensToKeep }),
  }),
  defineSampler({
    name: 'repetitionPenalty',
    kind: 'processor',
    stage: 'history',
    builtIn: true,
    description: 'CTRL repetition penalty on every token already in the sequence, prompt included.',
    options: [
      {
        name: 'repetitionPenalty',
        type: 'number',
        min: 0,
        minExclusive: true,
        default: 1,
        neutral: 1,
        help: 'r > 0; above 1 discourages repeats, 1 turns it off.',
      },
    ],
    create: (options) => repetitionPenalty(options.repetitionPenalty),
  }),
  defineSampler({
    name: 'frequencyPenalty',
    kind: 'processor',
    stage: 'history',
    builtIn: true,
    description: 'Subtracts f times the count of each generated token (OpenAI, llama.cpp).',
    options: [
      { name: 'frequencyPenalty', type: 'number', default: 0, neutral: 0, help: 'f; 0 turns it off.' },
    ],
    create: (options) => frequencyPenalty(options.frequencyPenalty),
  }),
  defineSampler({
    name: 'presencePenalty',
    kind: 'processor',
    stage: 'history',
    builtIn: true,
    description: 'Subtracts p from every token generated at least once (OpenAI, llama.cpp).',
    options: [
      { name: 'presencePenalty', type: 'number', default: 0, neutral: 0, help: 'p; 0 turns it off.' },
    ],
    create: (options) => presencePenalty(options.presencePenalty),
  }),
  defineSampler({
    name: 'noRepeatNgramSize',
    kind: 'processor',
    stage: 'history',
    builtIn: true,
    description: 'Bans every token that would repeat an n-gram already in the sequence.',
    options: [{ name: 'noRepeatNgramSize', type: 'integer', min: 1, required: true, help: 'n >= 1.' }],
    create: (options) => noRepeatNgramSize(options.noRepeatNgramSize),
  }),
  defineSampler({
    name: 'minLength',
    kind: 'processor',
    stage: 'history',
    builtIn: true,
    description: 'Bans the EOS tokens while the sequence (prompt included) is shorter than L.',
    options: [{ name: 'minLength', type: 'integer', min: 0, default: 0, neutral: 0, help: 'L >= 0.' }],
    create: (options) => minLength(options.minLength),
  }),
  defineSampler({
    name: 'minNewTokens',
    kind: 'processor',
    stage: 'history',
    builtIn: true,
    description: 'Bans the EOS tokens until n tokens have been generated.',
    options: [{ name: 'minNewTokens', type: 'integer', min: 0, default: 0, neutral: 0, help: 'n >= 0.' }],
    create: (options) => minNewTokens(options.minNewTokens),
  }),
  defineSampler({
    name: 'suppressTokens',
    kind: 'processor',
    stage: 'history',
    builtIn: true,
    description: 'Never generates the given tokens.',
    options: [
      { name: 'suppressTokens', type: 'token-ids', required: true, help: 'Token ids, e.g. "50256,198".' },
    ],
    create: (options) => suppressTokens(options.suppressTokens),
  }),
  defineSampler({
    name: 'beginSuppressTokens',
    kind: 'processor',
    stage: 'history',
    builtIn: true,
    description: 'Does not start the generated text with the given tokens.',
    options: [
      {
        name: 'beginSuppressTokens',
        type: 'token-ids',
        required: true,
        help: 'Token ids, e.g. "50256,198".',
      },
    ],
    create: (options) => beginSuppressTokens(options.beginSuppressTokens),
  }),
  defineSampler({
    name: 'greedy',
    kind: 'selector',
    builtIn: true,
    description: 'Picks the most likely token (the lowest id on a tie).',
    options: [],
    create: () => greedy(),
  }),
  defineSampler({
    name: 'sample',
    kind: 'selector',
    builtIn: true,
    description:
      "Draws a token from the softmax of the processed scores with the generation's seeded random source.",
    options: [],
    create: () => sample(),
  }),
];

/** Registers {@link builtInSamplers} in a registry. */
export function registerBuiltInSamplers(registry: SamplerRegistry): void {
  for (const definition of builtInSamplers) registry.register(definition);
}
