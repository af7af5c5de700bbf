// Step 4 of the demo-model pipeline: work/hf (safetensors + config.json) to a hub-layout ONNX folder,
// work/model, with @nucleus/gpt2-onnx (GPT-2's tokenizer files are written beside it).
//
//   node convert.mjs [--work-dir work]
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { convertCheckpoint } from '@nucleus/gpt2-onnx';

const { values } = parseArgs({ options: { 'work-dir': { type: 'string', default: 'work' } } });
const workDir = resolve(values['work-dir']);
const result = await convertCheckpoint(join(workDir, 'hf'), join(workDir, 'model'), { overwrite: true });
console.log(
  JSON.stringify(
    { dir: result.dir, files: result.files, bytes: result.bytes, config: result.config },
    null,
    2,
  ),
);
