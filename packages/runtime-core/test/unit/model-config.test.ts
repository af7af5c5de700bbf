import { describe, expect, it } from 'vitest';
import { ModelFileError, parseModelConfig, UnsupportedModelError } from '../../src/index.js';

const gpt2 = {
  model_type: 'gpt2',
  vocab_size: 50257,
  n_positions: 1024,
  n_layer: 12,
  n_head: 12,
  n_embd: 768,
};

describe('parseModelConfig', () => {
  it('reads the GPT-2 fields', () => {
    const config = parseModelConfig({
      ...gpt2,
      bos_token_id: 50256,
      eos_token_id: 50256,
      pad_token_id: null,
    });
    expect(config).toMatchObject({
      modelType: 'gpt2',
      vocabSize: 50257,
      maxPositions: 1024,
      numLayers: 12,
      numHeads: 12,
      hiddenSize: 768,
      headDim: 64,
      bosTokenId: 50256,
      eosTokenId: 50256,
      padTokenId: undefined,
    });
  });

  it('accepts n_ctx where old configs have no n_positions, and lists of EOS ids', () => {
    const { n_positions: _, ...old } = gpt2;
    const config = parseModelConfig({ ...old, n_ctx: 512, eos_token_id: [50256, 13] });
    expect(config.maxPositions).toBe(512);
    expect(config.eosTokenId).toEqual([50256, 13]);
  });

  it('rejects other architectures, naming the supported ones', () => {
    expect(() => parseModelConfig({ ...gpt2, model_type: 'llama' })).toThrow(UnsupportedModelError);
    expect(() => parseModelConfig({ ...gpt2, model_type: 'llama' })).toThrow(
      'unsupported model_type "llama" in config.json: Nucleus runs "gpt2"',
    );
    expect(() => parseModelConfig({ n_layer: 2 })).toThrow(/no model_type field/);
  });

  it.each([
    [{ ...gpt2, n_layer: 0 }, 'n_layer must be a positive integer, found 0'],
    [{ ...gpt2, vocab_size: '50257' }, 'vocab_size must be a positive integer, found "50257"'],
    [{ ...gpt2, n_head: 5 }, 'n_embd (768) is not a multiple of n_head (5)'],
    [{ ...gpt2, eos_token_id: 60000 }, 'eos_token_id must be a token id in [0, 50257), found 60000'],
    [[gpt2], 'expected a JSON object, found an array'],
  ])('rejects a bad config.json: %j', (json, message) => {
    expect(() => parseModelConfig(json)).toThrow(ModelFileError);
    expect(() => parseModelConfig(json)).toThrow(`config.json: ${message}`);
  });
});
