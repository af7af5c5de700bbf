import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError, fromHuggingFace, resolveGenerationConfig, toHuggingFace } from '../../src/index.js';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
const conformance = path.resolve(repoRoot, '../shared/conformance');
const hasShared = existsSync(path.join(conformance, 'tiny-gpt2/generation_config.json'));

describe.skipIf(!hasShared)(
  'fromHuggingFace on the conformance model (skipped: ../shared/conformance not found)',
  () => {
    it('reads tiny-gpt2/generation_config.json', () => {
      const json = JSON.parse(
        readFileSync(path.join(conformance, 'tiny-gpt2/generation_config.json'), 'utf8'),
      );
      // The file: _from_model_config, bos 50256, eos 50256, output_attentions false,
      // output_hidden_states false, transformers_version 5.12.1, use_cache true.
      expect(fromHuggingFace(json)).toEqual({ bosTokenId: 50256, eosTokenId: 50256 });
      const config = resolveGenerationConfig({ maxNewTokens: 20 }, fromHuggingFace(json));
      expect(config.eosTokenId).toBe(50256);
      expect(config.topK).toBe(50);
    });
  },
);

describe('fromHuggingFace', () => {
  it('maps snake_case options, treats null as unset and ignores metadata', () => {
    const json = {
      _from_model_config: false,
      transformers_version: '5.12.1',
      do_sample: true,
      temperature: 0.7,
      top_p: 0.95,
      top_k: 40,
      max_new_tokens: 64,
      repetition_penalty: 1.1,
      eos_token_id: [50256, 198],
      pad_token_id: null,
      bad_words_ids: [[1, 2], [3]],
      sequence_bias: [[[464], -1.5]],
      stop_strings: ['\n\n'],
      early_stopping: 'never',
      output_scores: false,
      return_dict_in_generate: false,
      use_cache: true,
      num_beam_groups: 1,
      diversity_penalty: 0.0,
      cache_implementation: 'dynamic',
    };
    expect(fromHuggingFace(json)).toEqual({
      doSample: true,
      temperature: 0.7,
      topP: 0.95,
      topK: 40,
      maxNewTokens: 64,
      repetitionPenalty: 1.1,
      eosTokenId: [50256, 198],
      badWordsIds: [[1, 2], [3]],
      sequenceBias: [[[464], -1.5]],
      stopStrings: ['\n\n'],
      earlyStopping: 'never',
    });
  });

  it('rejects unknown keys, naming them', () => {
    expect(() => fromHuggingFace({ top_pp: 0.9, wobble: 1 })).toThrow(ConfigError);
    expect(() => fromHuggingFace({ top_pp: 0.9, wobble: 1 })).toThrow(
      'unknown keys in generation_config.json: "top_pp" (did you mean "top_p"?), "wobble"',
    );
    // camelCase is not HF's spelling.
    expect(() => fromHuggingFace({ topP: 0.9 })).toThrow(/"topP" \(did you mean "top_p"\?\)/);
  });

  it('rejects unsupported features at active values', () => {
    expect(() => fromHuggingFace({ num_beam_groups: 2 })).toThrow(/num_beam_groups = 2 is not supported/);
    expect(() => fromHuggingFace({ penalty_alpha: 0.6 })).toThrow(/contrastive search/);
    expect(() => fromHuggingFace({ use_cache: false })).toThrow(/use_cache must be true/);
  });

  it('validates values, naming the HF key', () => {
    expect(() => fromHuggingFace({ top_p: 3 })).toThrow(
      /topP must be a number in \[0, 1\], got 3 \(generation_config.json key "top_p"\)/,
    );
  });

  it('rejects non-objects', () => {
    expect(() => fromHuggingFace([1])).toThrow(ConfigError);
    expect(() => fromHuggingFace('x')).toThrow(/must hold a JSON object/);
  });
});

describe('toHuggingFace', () => {
  it('writes non-default values in snake_case and round-trips', () => {
    const config = resolveGenerationConfig({
      doSample: true,
      topP: 0.9,
      maxNewTokens: 12,
      eosTokenId: [1, 2],
      seed: 4,
      frequencyPenalty: 0.5,
    });
    const json = toHuggingFace(config);
    expect(json).toEqual({ do_sample: true, top_p: 0.9, max_new_tokens: 12, eos_token_id: [1, 2] });
    const back = resolveGenerationConfig(fromHuggingFace(json));
    expect(back).toEqual({ ...config, seed: undefined, frequencyPenalty: 0 });
  });
});
