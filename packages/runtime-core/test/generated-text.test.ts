import { readFile } from 'node:fs/promises';
import type { TokenSelector } from '@nucleus/samplers';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createMemoryFileSource, loadModelWith } from '../src/index.js';
import { tinyModelDir } from './support/models.js';

describe('generated text', () => {
  it('is the exact decoding of the tokens even when tokenizer_config.json asks for space clean-up', async () => {
    const dir = await tinyModelDir();
    const read = (file: string) => readFile(`${dir}/${file}`);
    const tokenizerConfig = JSON.parse(await readFile(`${dir}/tokenizer_config.json`, 'utf8'));
    const files = createMemoryFileSource({
      'config.json': await read('config.json'),
      'tokenizer.json': await read('tokenizer.json'),
      'tokenizer_config.json': JSON.stringify({ ...tokenizerConfig, clean_up_tokenization_spaces: true }),
      'onnx/model.onnx': await read('onnx/model.onnx'),
    });
    const model = await loadModelWith(ort, files);
    try {
      const script = model.tokenizer.encode(' I do , you do .');
      const selector: TokenSelector = {
        name: 'scripted',
        select: (_, ctx) => script[ctx.length - ctx.promptLength]!,
      };
      // decode() follows the tokenizer config...
      expect(model.tokenizer.decode(script)).toBe(' I do, you do.');
      // ...generated text keeps what the model produced, in the result and in the stream.
      const stream = model.stream('Hi', { maxNewTokens: script.length, eosTokenId: [] }, { selector });
      let streamed = '';
      for await (const event of stream) streamed += event.text;
      expect((await stream.result).sequences[0]!.text).toBe(' I do , you do .');
      expect(streamed).toBe(' I do , you do .');
      // Without generation_config.json, the special tokens of config.json are the defaults.
      expect(model.generationConfig).toMatchObject({
        bosTokenId: 50256,
        eosTokenId: 50256,
        padTokenId: 50256,
      });
    } finally {
      await model.dispose();
    }
  });
});
