import { describe, expect, it } from 'vitest';
import { describeDecoderGraph, ModelFileError, parseModelConfig } from '../../src/index.js';

const config = parseModelConfig({
  model_type: 'gpt2',
  vocab_size: 100,
  n_positions: 16,
  n_layer: 2,
  n_head: 4,
  n_embd: 32,
});
const past = (n: number) =>
  Array.from({ length: n }, (_, i) => [`past_key_values.${i}.key`, `past_key_values.${i}.value`]).flat();
const present = (n: number, prefix = 'present') =>
  Array.from({ length: n }, (_, i) => [`${prefix}.${i}.key`, `${prefix}.${i}.value`]).flat();

describe('describeDecoderGraph', () => {
  it('reads a current Optimum export (position_ids, no cache branch)', () => {
    const graph = describeDecoderGraph(
      {
        inputNames: ['input_ids', 'attention_mask', 'position_ids', ...past(2)],
        outputNames: ['logits', ...present(2)],
      },
      config,
      'onnx/model.onnx',
    );
    expect(graph).toMatchObject({ hasAttentionMask: true, hasPositionIds: true, hasUseCacheBranch: false });
    expect(graph.layers[1]).toEqual({
      pastKey: 'past_key_values.1.key',
      pastValue: 'past_key_values.1.value',
      presentKey: 'present.1.key',
      presentValue: 'present.1.value',
    });
    expect(graph).toMatchObject({ kvType: 'float32', numHeads: 4, headDim: 8 });
  });

  it('reads an older merged decoder (use_cache_branch, no position_ids)', () => {
    const graph = describeDecoderGraph(
      {
        inputNames: ['input_ids', 'attention_mask', ...past(2), 'use_cache_branch'],
        outputNames: ['logits', ...present(2)],
      },
      config,
      'onnx/decoder_model_merged.onnx',
    );
    expect(graph).toMatchObject({ hasPositionIds: false, hasUseCacheBranch: true });
  });

  it('takes head count, head size and element types from the graph metadata', () => {
    const graph = describeDecoderGraph(
      {
        inputNames: ['input_ids', ...past(2)],
        outputNames: ['logits', ...present(2, 'present_key_values')],
        inputMetadata: [
          { name: 'past_key_values.0.key', isTensor: true, type: 'float16', shape: ['batch', 2, 'past', 16] },
        ],
        outputMetadata: [{ name: 'logits', isTensor: true, type: 'float16', shape: ['batch', 'seq', 100] }],
      },
      config,
      'onnx/model_fp16.onnx',
    );
    expect(graph).toMatchObject({ kvType: 'float16', logitsType: 'float16', numHeads: 2, headDim: 16 });
    expect(graph.layers[0]!.presentKey).toBe('present_key_values.0.key');
  });

  it.each([
    [['attention_mask', ...past(2)], ['logits', ...present(2)], /no input_ids input/],
    [['input_ids', ...past(2)], present(2), /no logits output/],
    [['input_ids', 'attention_mask'], ['logits'], /no past_key_values inputs.*KV cache/],
    [
      ['input_ids', ...past(3)],
      ['logits', ...present(3)],
      /6 past_key_values inputs but config.json says n_layer = 2/,
    ],
    [['input_ids', ...past(2)], ['logits', 'present.0.key'], /missing output present.0.value/],
  ])('rejects a graph that cannot be driven: %j -> %j', (inputNames, outputNames, message) => {
    const describe = () => describeDecoderGraph({ inputNames, outputNames }, config, 'onnx/model.onnx');
    expect(describe).toThrow(ModelFileError);
    expect(describe).toThrow(message);
    expect(describe).toThrow(/^onnx\/model\.onnx: /);
  });

  it('rejects logits whose size differs from vocab_size', () => {
    expect(() =>
      describeDecoderGraph(
        {
          inputNames: ['input_ids', ...past(2)],
          outputNames: ['logits', ...present(2)],
          outputMetadata: [
            { name: 'logits', isTensor: true, type: 'float32', shape: ['batch', 'seq', 50257] },
          ],
        },
        config,
        'onnx/model.onnx',
      ),
    ).toThrow(/logits have 50257 entries per position but config.json says vocab_size = 100/);
  });

  it('rejects integer KV caches', () => {
    expect(() =>
      describeDecoderGraph(
        {
          inputNames: ['input_ids', ...past(2)],
          outputNames: ['logits', ...present(2)],
          inputMetadata: [
            { name: 'past_key_values.0.key', isTensor: true, type: 'int8', shape: [1, 4, 0, 8] },
          ],
        },
        config,
        'onnx/model.onnx',
      ),
    ).toThrow(/element type int8; Nucleus reads float32 or float16/);
  });
});
