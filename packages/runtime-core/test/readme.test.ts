// The README's examples, run against the seeded tiny model of @nucleus/gpt2-onnx.
import { readFile } from 'node:fs/promises';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { createMemoryFileSource, IncrementalDecoder, loadModelWith } from '../src/index.js';
import { tinyModelDir } from './support/models.js';

describe('README examples', () => {
  it('load from memory, generate, drive a session by hand, stream text', async () => {
    const dir = await tinyModelDir();
    const read = (file: string) => readFile(`${dir}/${file}`);
    const files = createMemoryFileSource({
      'config.json': await read('config.json'),
      'generation_config.json': await read('generation_config.json'),
      'tokenizer.json': await read('tokenizer.json'),
      'onnx/model.onnx': await read('onnx/model.onnx'),
    });
    const model = await loadModelWith(ort, files, { dtype: 'fp32', threads: 2 });
    const { sequences } = await model.generate('Hello, my dog is', { maxNewTokens: 20 });
    expect(typeof sequences[0]!.text).toBe('string');

    const session = model.createSession();
    let logits = await session.step([[15496, 11, 616, 3290, 318], [17250]]);
    expect(logits.length).toBe(2 * model.vocabSize);
    session.selectRows([0, 0, 1]);
    logits = await session.step([[262], [257], [11]]);
    expect(logits.length).toBe(3 * model.vocabSize);
    session.dispose();

    const decoder = new IncrementalDecoder((ids) => model.tokenizer.decode(ids));
    let text = '';
    for (const id of model.tokenizer.encode('emoji 🤗 and 中文')) text += decoder.push(id);
    text += decoder.flush();
    expect(text).toBe('emoji 🤗 and 中文');
    await model.dispose();
  });
});
