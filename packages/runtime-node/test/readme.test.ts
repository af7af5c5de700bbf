// The README's Quick start examples, run against the seeded tiny model instead of a hub id.
import { ensureModel } from '@nucleus/gpt2-onnx';
import { describe, expect, it } from 'vitest';
import { loadModel, ModelDisposedError } from '../src/index.js';

describe('README examples', () => {
  it('run as written', async () => {
    const model = await loadModel(await ensureModel('tiny'), { threads: 2 });

    const { sequences, timings } = await model.generate('Hello, my dog is', { maxNewTokens: 20 });
    expect(typeof sequences[0]!.text).toBe('string');
    expect(timings.tokensPerSecond).toBeGreaterThan(0);

    const batch = await model.generate(['Hello, my dog is', 'Long long ago'], { maxNewTokens: 32 });
    expect(batch.sequences).toHaveLength(2);
    const sampled = await model.generate('Once upon a time', {
      maxNewTokens: 40,
      doSample: true,
      temperature: 0.8,
      topK: 0,
      topP: 0.9,
      seed: 1,
      numReturnSequences: 3,
    });
    expect(sampled.sequences).toHaveLength(3);
    const beams = await model.generate('The capital of France is', {
      maxNewTokens: 12,
      numBeams: 4,
      numReturnSequences: 2,
    });
    expect(beams.sequences.map((s) => typeof s.score)).toEqual(['number', 'number']);
    await model.generate({ inputIds: [[15496, 11, 616, 3290, 318]] }, { maxNewTokens: 8 });
    await model.generate('Q: What is 2 + 2?\nA:', {
      maxNewTokens: 30,
      stopStrings: ['\n'],
      repetitionPenalty: 1.2,
    });

    const stream = model.stream('Once upon a time', { maxNewTokens: 60, doSample: true, topP: 0.9 });
    let streamed = '';
    for await (const event of stream) streamed += event.text;
    expect(streamed).toBe((await stream.result).sequences[0]!.text);

    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const aborted = await model.generate(
      'Hello',
      { maxNewTokens: 120, eosTokenId: [] },
      { signal: controller.signal },
    );
    expect(['aborted', 'length']).toContain(aborted.sequences[0]!.finishReason);

    await Promise.all([model.generate('A', { maxNewTokens: 10 }), model.generate('B', { maxNewTokens: 10 })]);
    await model.dispose();
    await expect(model.generate('A')).rejects.toThrow(ModelDisposedError);
  });
});
