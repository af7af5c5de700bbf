import { describe, expect, it } from 'vitest';
import {
  ConfigError,
  eosTokenIdsOf,
  HF_DEFAULTS,
  InvalidOptionError,
  resolveGenerationConfig,
  SEED_NOTEBOOK_CONFIGS,
} from '../../src/index.js';

describe('HF defaults', () => {
  it('equal transformers 5.x GenerationConfig defaults', () => {
    // From HF GenerationConfig.__init__: max_length 20, max_new_tokens None, min_length 0, min_new_tokens
    // None, early_stopping False, max_time None, stop_strings None, do_sample False, num_beams 1,
    // temperature 1.0, top_k 50, top_p 1.0, min_p None, typical_p 1.0, epsilon_cutoff 0.0, eta_cutoff 0.0,
    // repetition_penalty 1.0, length_penalty 1.0, no_repeat_ngram_size 0, renormalize_logits False,
    // num_return_sequences 1, bad_words_ids / sequence_bias / suppress_tokens / begin_suppress_tokens /
    // forced_bos_token_id / forced_eos_token_id / pad / bos / eos None.
    expect(resolveGenerationConfig()).toEqual({
      maxLength: 20,
      maxNewTokens: undefined,
      minLength: 0,
      minNewTokens: undefined,
      earlyStopping: false,
      maxTime: undefined,
      stopStrings: undefined,
      doSample: false,
      numBeams: 1,
      temperature: 1,
      topK: 50,
      topP: 1,
      minP: undefined,
      typicalP: 1,
      epsilonCutoff: 0,
      etaCutoff: 0,
      repetitionPenalty: 1,
      lengthPenalty: 1,
      noRepeatNgramSize: 0,
      badWordsIds: undefined,
      sequenceBias: undefined,
      suppressTokens: undefined,
      beginSuppressTokens: undefined,
      forcedBosTokenId: undefined,
      forcedEosTokenId: undefined,
      renormalizeLogits: false,
      numReturnSequences: 1,
      padTokenId: undefined,
      bosTokenId: undefined,
      eosTokenId: undefined,
      seed: undefined,
      frequencyPenalty: 0,
      presencePenalty: 0,
      logitBias: undefined,
    });
    expect(resolveGenerationConfig()).toEqual(HF_DEFAULTS);
  });

  it('returns a frozen config, arrays included', () => {
    const config = resolveGenerationConfig({ badWordsIds: [[1, 2]], eosTokenId: [3, 4] });
    expect(Object.isFrozen(config)).toBe(true);
    expect(Object.isFrozen(config.badWordsIds)).toBe(true);
    expect(Object.isFrozen(config.badWordsIds![0])).toBe(true);
    expect(eosTokenIdsOf(config)).toEqual([3, 4]);
    expect(eosTokenIdsOf(resolveGenerationConfig({ eosTokenId: 7 }))).toEqual([7]);
    expect(eosTokenIdsOf(resolveGenerationConfig())).toEqual([]);
  });

  it('keeps topK 50 when sampling (HF quirk) and lets topK 0 turn it off', () => {
    expect(resolveGenerationConfig({ doSample: true }).topK).toBe(50);
    expect(resolveGenerationConfig({ doSample: true, topK: 0 }).topK).toBe(0);
  });

  it('normalises a single stop string and logit bias maps', () => {
    expect(resolveGenerationConfig({ stopStrings: 'END' }).stopStrings).toEqual(['END']);
    expect(resolveGenerationConfig({ logitBias: new Map([[5, -1]]) }).logitBias).toEqual({ 5: -1 });
  });
});

describe('precedence', () => {
  it('user over model defaults over HF defaults', () => {
    const config = resolveGenerationConfig(
      { maxNewTokens: 5 },
      { maxNewTokens: 9, eosTokenId: 50256, doSample: true, temperature: 0.7 },
    );
    expect(config.maxNewTokens).toBe(5);
    expect(config.eosTokenId).toBe(50256);
    expect(config.temperature).toBe(0.7);
    expect(config.maxLength).toBe(20);
  });

  it('sampling options from model defaults do not raise when the user turns sampling off', () => {
    const config = resolveGenerationConfig(
      { doSample: false },
      { doSample: true, temperature: 0.6, topP: 0.9 },
    );
    expect(config.doSample).toBe(false);
    expect(config.temperature).toBe(0.6);
  });

  it('names bad model defaults as such', () => {
    expect(() => resolveGenerationConfig({}, { topP: 2 })).toThrow(/from the model's generation config/);
  });
});

describe('validation', () => {
  const invalid: [string, unknown, RegExp][] = [
    ['maxLength', 0, /maxLength must be an integer >= 1, got 0/],
    ['maxNewTokens', 1.5, /maxNewTokens must be an integer >= 1/],
    ['minLength', -1, /minLength must be an integer >= 0/],
    ['minNewTokens', Number.NaN, /minNewTokens must be an integer >= 0, got NaN/],
    ['earlyStopping', 'always', /earlyStopping must be true, false or 'never'/],
    ['maxTime', 0, /maxTime must be a number > 0/],
    ['stopStrings', [], /stopStrings must be a non-empty string or a non-empty array/],
    ['stopStrings', [''], /stopStrings/],
    ['doSample', 'yes', /doSample must be true or false/],
    ['numBeams', 0, /numBeams must be an integer >= 1/],
    ['temperature', Number.POSITIVE_INFINITY, /temperature must be a finite number/],
    ['topK', -1, /topK must be an integer >= 0/],
    ['topP', 1.5, /topP must be a number in \[0, 1\], got 1.5/],
    ['minP', -0.1, /minP must be a number in \[0, 1\]/],
    ['typicalP', 0, /typicalP must be a number in \(0, 1\]/],
    ['epsilonCutoff', 1, /epsilonCutoff must be a number in \[0, 1\)/],
    ['etaCutoff', -0.5, /etaCutoff must be a number in \[0, 1\)/],
    ['repetitionPenalty', 0, /repetitionPenalty must be a number > 0/],
    ['lengthPenalty', Number.NaN, /lengthPenalty must be a finite number/],
    ['noRepeatNgramSize', 2.5, /noRepeatNgramSize must be an integer >= 0/],
    ['badWordsIds', [[]], /badWordsIds must be a non-empty array of non-empty arrays of token ids/],
    ['badWordsIds', [1, 2], /badWordsIds/],
    ['sequenceBias', [[[1], 'x']], /sequenceBias must be a non-empty array of \[tokenIds, bias\] pairs/],
    ['suppressTokens', [-1], /suppressTokens must be an array of token ids/],
    ['beginSuppressTokens', 'a', /beginSuppressTokens/],
    ['forcedBosTokenId', 1.2, /forcedBosTokenId must be a token id/],
    ['forcedEosTokenId', [1, -2], /forcedEosTokenId must be a token id or an array of token ids/],
    ['renormalizeLogits', 1, /renormalizeLogits must be true or false/],
    ['numReturnSequences', 0, /numReturnSequences must be an integer >= 1/],
    ['padTokenId', -1, /padTokenId must be a token id/],
    ['bosTokenId', '0', /bosTokenId must be a token id/],
    ['eosTokenId', [0.5], /eosTokenId must be a token id or an array/],
    ['seed', -3, /seed must be an integer in \[0, 2\^53 - 1\]/],
    ['frequencyPenalty', Number.NaN, /frequencyPenalty must be a finite number/],
    ['presencePenalty', '1', /presencePenalty must be a finite number/],
    ['logitBias', { x: 1 }, /logitBias must be a record or Map from token id to a finite bias/],
    ['logitBias', { 5: Number.POSITIVE_INFINITY }, /logitBias/],
  ];
  it.each(invalid)('%s = %j is rejected', (option, value, message) => {
    // Sampling options are only accepted with doSample; beam options with numBeams > 1.
    const context: Record<string, unknown> = { doSample: true, numBeams: 2 };
    const run = () => resolveGenerationConfig({ ...context, [option]: value });
    expect(run).toThrow(InvalidOptionError);
    expect(run).toThrow(message);
    try {
      run();
    } catch (error) {
      expect((error as InvalidOptionError).option).toBe(option);
      expect((error as InvalidOptionError).code).toBe('INVALID_OPTION');
    }
  });

  it('rejects a config that is not an object', () => {
    expect(() => resolveGenerationConfig(5 as never)).toThrow(ConfigError);
    expect(() => resolveGenerationConfig(null as never)).toThrow(/must be an object/);
  });
});

describe('unknown keys', () => {
  it('names the key and suggests the closest known one', () => {
    expect(() => resolveGenerationConfig({ top_p: 0.9 } as never)).toThrow(
      'unknown option "top_p" in the generation config; did you mean "topP"?',
    );
    expect(() => resolveGenerationConfig({ temprature: 0.9 } as never)).toThrow(/did you mean "temperature"/);
    expect(() => resolveGenerationConfig({ max_new_tokens: 3 } as never)).toThrow(
      /did you mean "maxNewTokens"/,
    );
  });

  it('names a key without a near miss, without a suggestion', () => {
    let message = '';
    try {
      resolveGenerationConfig({ wobble: 1 } as never);
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message).toBe('unknown option "wobble" in the generation config');
  });

  it('checks model defaults too', () => {
    expect(() => resolveGenerationConfig({}, { topk: 3 } as never)).toThrow(
      /"topk" in the modelDefaults; did you mean "topK"/,
    );
  });
});

describe('unsupported HF features', () => {
  it.each([
    ['numBeamGroups', 2, /group \(diverse\) beam search is not supported/],
    ['diversityPenalty', 0.5, /not supported/],
    ['penaltyAlpha', 0.6, /contrastive search is not supported/],
    ['guidanceScale', 1.5, /classifier-free guidance is not supported/],
    ['constraints', [{}], /constrained beam search is not supported/],
    ['forceWordsIds', [[1]], /force_words_ids\) is not supported/],
    ['watermarkingConfig', { bias: 2 }, /watermarking is not supported/],
    ['assistantModel', 'gpt2', /assisted \(speculative\) decoding is not supported/],
    ['promptLookupNumTokens', 10, /not supported/],
  ])('%s = %j is a clear error', (option, value, message) => {
    expect(() => resolveGenerationConfig({ [option]: value } as never)).toThrow(ConfigError);
    expect(() => resolveGenerationConfig({ [option]: value } as never)).toThrow(message);
  });

  it('accepts them at their neutral values', () => {
    expect(() =>
      resolveGenerationConfig({
        numBeamGroups: 1,
        diversityPenalty: 0,
        penaltyAlpha: 0,
        guidanceScale: 1,
      } as never),
    ).not.toThrow();
  });
});

describe('contradictions', () => {
  it('numReturnSequences > 1 with greedy decoding (HF raises)', () => {
    expect(() => resolveGenerationConfig({ numReturnSequences: 2 })).toThrow(
      /greedy decoding returns one sequence per prompt, but numReturnSequences is 2/,
    );
    expect(() => resolveGenerationConfig({ numReturnSequences: 2, doSample: true })).not.toThrow();
  });

  it('numReturnSequences > numBeams in beam search', () => {
    expect(() => resolveGenerationConfig({ numBeams: 2, numReturnSequences: 3 })).toThrow(
      'numReturnSequences (3) must be <= numBeams (2) in beam search',
    );
    expect(() => resolveGenerationConfig({ numBeams: 2, numReturnSequences: 3, doSample: true })).toThrow(
      ConfigError,
    );
    expect(resolveGenerationConfig({ numBeams: 3, numReturnSequences: 3 }).numReturnSequences).toBe(3);
  });

  it('temperature <= 0 with sampling suggests greedy', () => {
    expect(() => resolveGenerationConfig({ doSample: true, temperature: 0 })).toThrow(
      'temperature must be a number > 0 when doSample is true, got 0 (for deterministic output use greedy decoding: doSample: false)',
    );
    expect(() => resolveGenerationConfig({ doSample: true }, { temperature: -1 })).toThrow(
      InvalidOptionError,
    );
  });

  it.each([
    ['temperature', 0.7],
    ['topK', 10],
    ['topP', 0.9],
    ['minP', 0.05],
    ['typicalP', 0.9],
    ['epsilonCutoff', 3e-4],
    ['etaCutoff', 1e-3],
  ])('sampling option %s = %s without doSample says to set doSample', (option, value) => {
    expect(() => resolveGenerationConfig({ [option]: value })).toThrow(ConfigError);
    expect(() => resolveGenerationConfig({ [option]: value })).toThrow(/set doSample: true/);
    expect(() => resolveGenerationConfig({ [option]: value, doSample: true })).not.toThrow();
    expect(() => resolveGenerationConfig({}, { [option]: value })).not.toThrow();
  });

  it('sampling options at harmless values are fine without doSample', () => {
    expect(() => resolveGenerationConfig({ temperature: 1, topK: 50, topP: 1, typicalP: 1 })).not.toThrow();
    expect(() => resolveGenerationConfig({ topK: 0, epsilonCutoff: 0, etaCutoff: 0 })).not.toThrow();
  });

  it('beam options without beam search', () => {
    expect(() => resolveGenerationConfig({ lengthPenalty: 2 })).toThrow(/only applies to beam search/);
    expect(() => resolveGenerationConfig({ earlyStopping: true })).toThrow(/set numBeams > 1/);
    expect(() => resolveGenerationConfig({ earlyStopping: 'never', numBeams: 2 })).not.toThrow();
    expect(() => resolveGenerationConfig({}, { lengthPenalty: 2 })).not.toThrow();
  });

  it('minimum lengths above maximum lengths', () => {
    expect(() => resolveGenerationConfig({ minNewTokens: 5, maxNewTokens: 3 })).toThrow(
      'minNewTokens (5) is larger than maxNewTokens (3)',
    );
    expect(() => resolveGenerationConfig({ minLength: 30 })).toThrow(
      'minLength (30) is larger than maxLength (20)',
    );
  });
});

describe('SEED_NOTEBOOK_CONFIGS', () => {
  it('are seven valid configs: greedy, three temperatures without top-k, top-k 50, top-p 0.9, 4 beams', () => {
    const resolved = SEED_NOTEBOOK_CONFIGS.map(({ config }) => resolveGenerationConfig(config));
    expect(SEED_NOTEBOOK_CONFIGS.map(({ name }) => name)).toEqual([
      'greedy',
      'T=0.5',
      'T=1.0',
      'T=1.5',
      'top-k 50',
      'top-p 0.9',
      '4 beams',
    ]);
    expect(resolved.map((c) => [c.doSample, c.temperature, c.topK, c.topP, c.numBeams])).toEqual([
      [false, 1, 50, 1, 1],
      [true, 0.5, 0, 1, 1],
      [true, 1, 0, 1, 1],
      [true, 1.5, 0, 1, 1],
      [true, 1, 50, 1, 1],
      [true, 1, 0, 0.9, 1],
      [false, 1, 50, 1, 4],
    ]);
  });
});
