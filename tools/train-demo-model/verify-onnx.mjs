// Step 5 of the demo-model pipeline: the converted ONNX model against the PyTorch model it came from.
//
//   node verify-onnx.mjs [--work-dir work]
//
// Tokenizes a few prompts (one with words the corpus never uses), has reference_logits.py compute PyTorch's
// logits from work/hf/model.safetensors, and runs work/model/onnx/model.onnx with onnxruntime-node twice per
// prompt: the whole prompt at once, and half of it followed by one token per step through the KV cache.
// Writes the largest absolute logit difference to work/run/onnx-check.json and fails above 1e-4.
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Tokenizer } from '@huggingface/tokenizers';
import * as ort from 'onnxruntime-node';

const PROMPTS = [
  'And the LORD said unto Moses,',
  'In the beginning God created the heaven and the earth. And the earth was without form, and void;',
  'Blessed are the meek: for they shall inherit the earth.',
  'Hello, my dog is cute and my laptop runs JavaScript.',
];
const TOLERANCE = 1e-4;

const { values } = parseArgs({ options: { 'work-dir': { type: 'string', default: 'work' } } });
const workDir = resolve(values['work-dir']);
const modelDir = join(workDir, 'model');
const here = new URL('.', import.meta.url).pathname;

const config = JSON.parse(readFileSync(join(modelDir, 'config.json'), 'utf8'));
const tokenizer = new Tokenizer(
  JSON.parse(readFileSync(join(modelDir, 'tokenizer.json'), 'utf8')),
  JSON.parse(readFileSync(join(modelDir, 'tokenizer_config.json'), 'utf8')),
);
const prompts = PROMPTS.map((text) => tokenizer.encode(text, { add_special_tokens: false }).ids);

const promptsFile = join(workDir, 'run', 'verify-prompts.json');
const logitsFile = join(workDir, 'run', 'verify-logits.bin');
writeFileSync(promptsFile, JSON.stringify({ prompts }));
const python = spawnSync(
  join(here, 'python.sh'),
  ['reference_logits.py', join(workDir, 'hf'), promptsFile, logitsFile],
  {
    cwd: here,
    stdio: 'inherit',
  },
);
if (python.status !== 0) throw new Error('reference_logits.py failed');
const reference = new Float32Array(readFileSync(logitsFile).buffer.slice(0));

const vocab = config.vocab_size;
const headDim = config.n_embd / config.n_head;
const session = await ort.InferenceSession.create(join(modelDir, 'onnx', 'model.onnx'), {
  intraOpNumThreads: 2,
});

const int64 = (values) => new ort.Tensor('int64', BigInt64Array.from(values, BigInt), [1, values.length]);
const emptyCache = () => {
  const feeds = {};
  for (let layer = 0; layer < config.n_layer; layer++) {
    for (const kind of ['key', 'value']) {
      feeds[`past_key_values.${layer}.${kind}`] = new ort.Tensor('float32', new Float32Array(0), [
        1,
        config.n_head,
        0,
        headDim,
      ]);
    }
  }
  return feeds;
};

/** Runs `ids` after a cache of `pastLength` positions; returns logits and the new cache. */
async function step(ids, pastLength, cache) {
  const outputs = await session.run({
    input_ids: int64(ids),
    attention_mask: int64(Array(pastLength + ids.length).fill(1)),
    position_ids: int64(ids.map((_, index) => pastLength + index)),
    ...cache,
  });
  const next = {};
  for (const [name, tensor] of Object.entries(outputs)) {
    if (name.startsWith('present.')) next[name.replace('present.', 'past_key_values.')] = tensor;
  }
  return { logits: outputs.logits.data, cache: next };
}

function maxAbsDiff(actual, expected) {
  let worst = 0;
  for (let index = 0; index < expected.length; index++) {
    const diff = Math.abs(actual[index] - expected[index]);
    if (!(diff <= worst)) worst = diff; // NaN counts as the worst
  }
  return worst;
}

const results = [];
let offset = 0;
for (const [index, ids] of prompts.entries()) {
  const expected = reference.subarray(offset, offset + ids.length * vocab);
  offset += ids.length * vocab;
  const whole = await step(ids, 0, emptyCache());
  const prefillDiff = maxAbsDiff(whole.logits, expected);

  const half = Math.ceil(ids.length / 2);
  let { logits, cache } = await step(ids.slice(0, half), 0, emptyCache());
  let cachedDiff = maxAbsDiff(logits, expected.subarray(0, half * vocab));
  for (let position = half; position < ids.length; position++) {
    ({ logits, cache } = await step([ids[position]], position, cache));
    cachedDiff = Math.max(
      cachedDiff,
      maxAbsDiff(logits, expected.subarray(position * vocab, (position + 1) * vocab)),
    );
  }
  results.push({ prompt: PROMPTS[index], tokens: ids.length, prefillDiff, cachedDiff });
}
await session.release();

const worst = Math.max(...results.flatMap((result) => [result.prefillDiff, result.cachedDiff]));
const report = { maxAbsDiff: worst, tolerance: TOLERANCE, results };
writeFileSync(join(workDir, 'run', 'onnx-check.json'), `${JSON.stringify(report, null, 2)}\n`);
console.log(JSON.stringify(report, null, 2));
if (!(worst <= TOLERANCE)) {
  console.error(`ONNX and PyTorch logits differ by ${worst} (more than ${TOLERANCE})`);
  process.exit(1);
}
