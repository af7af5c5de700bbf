// Step 1 of the demo-model pipeline: the King James Bible from Debian's bible-kjv-text, cleaned into plain
// prose, split into training and held-out chapters, and tokenized with GPT-2's real tokenizer.
//
//   node prepare-corpus.mjs [--work-dir work]
//
// Writes to the work folder: corpus/{train,heldout}.txt, corpus/{train,heldout}.bin (token ids, uint16
// little-endian), corpus/stats.json, corpus/words.txt (the corpus's distinct lowercase words).
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { Tokenizer } from '@huggingface/tokenizers';
import { GPT2_EOS_TOKEN_ID, gpt2TokenizerFiles } from '@nucleus/gpt2-onnx';

/** Every HELD_OUT_EVERY-th chapter (in canonical order, counting from 1) is held out: 59 of 1,189. */
export const HELD_OUT_EVERY = 20;
const ALL_VERSES = 'Gen1:1-Rev22:21';
const EXPECTED = { books: 66, chapters: 1189, verses: 31102 };

const { values } = parseArgs({ options: { 'work-dir': { type: 'string', default: 'work' } } });
const outDir = resolve(values['work-dir'], 'corpus');

const raw = readBible();
const chapters = parseChapters(raw);
checkCounts(chapters);

const split = { train: [], heldout: [] };
chapters.forEach((chapter, index) => {
  split[(index + 1) % HELD_OUT_EVERY === 0 ? 'heldout' : 'train'].push(chapter);
});

const files = await gpt2TokenizerFiles(256);
const tokenizer = new Tokenizer(
  JSON.parse(files['tokenizer.json']),
  JSON.parse(files['tokenizer_config.json']),
);

mkdirSync(outDir, { recursive: true });
const stats = {
  source: {
    package: 'bible-kjv-text (read with the bible program of bible-kjv)',
    command: `bible -l100000 ${ALL_VERSES}`,
    sha256: createHash('sha256').update(raw).digest('hex'),
  },
  format:
    'one document per chapter: "<Book> <chapter>", a blank line, then one verse per line (verse numbers ' +
    'removed); documents are separated by <|endoftext|> (id 50256) in the token files',
  heldOutRule: `every ${HELD_OUT_EVERY}th chapter in canonical order (chapters ${HELD_OUT_EVERY}, ${2 * HELD_OUT_EVERY}, ...)`,
  splits: {},
};
const distinctIds = new Set([GPT2_EOS_TOKEN_ID]);
for (const [name, list] of Object.entries(split)) {
  const texts = list.map(chapterText);
  const ids = [];
  for (const text of texts) {
    const encoded = tokenizer.encode(text, { add_special_tokens: false }).ids;
    if (tokenizer.decode(encoded, { clean_up_tokenization_spaces: false }) !== text)
      throw new Error(`tokenizer round trip failed on ${text.slice(0, 40)}`);
    ids.push(...encoded, GPT2_EOS_TOKEN_ID);
  }
  for (const id of ids) distinctIds.add(id);
  writeFileSync(join(outDir, `${name}.txt`), texts.join('\n'));
  writeFileSync(join(outDir, `${name}.bin`), uint16LittleEndian(ids));
  stats.splits[name] = {
    chapters: list.length,
    verses: list.reduce((sum, chapter) => sum + chapter.verses.length, 0),
    words: texts.reduce((sum, text) => sum + text.split(/\s+/).filter(Boolean).length, 0),
    tokens: ids.length,
  };
}
stats.distinctTokenIds = distinctIds.size;
writeFileSync(join(outDir, 'stats.json'), `${JSON.stringify(stats, null, 2)}\n`);
writeFileSync(join(outDir, 'words.txt'), `${corpusWords(chapters).join('\n')}\n`);
console.log(JSON.stringify(stats, null, 2));

function readBible() {
  const result = spawnSync('bible', ['-l100000', ALL_VERSES], { encoding: 'utf8', maxBuffer: 64 << 20 });
  if (result.error || result.status !== 0) {
    throw new Error(
      `cannot run the bible program (${result.error?.message ?? result.stderr}): ` +
        'apt-get install -y bible-kjv bible-kjv-text',
    );
  }
  return result.stdout;
}

/** The program prints "<Book> <chapter>" headings and "  <verse> <text>" lines, one verse per line. */
function parseChapters(text) {
  const chapters = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const verse = /^ +(\d+) (.+)$/.exec(line);
    if (verse) {
      const chapter = chapters.at(-1);
      if (!chapter || Number(verse[1]) !== chapter.verses.length + 1)
        throw new Error(`unexpected verse: ${line}`);
      chapter.verses.push(cleanVerse(verse[2]));
      continue;
    }
    const heading = /^((?:[123] )?[A-Z][A-Za-z ]*?) (\d+)$/.exec(line);
    if (!heading) throw new Error(`unexpected line: ${line}`);
    chapters.push({ book: heading[1], chapter: Number(heading[2]), verses: [] });
  }
  return chapters;
}

function cleanVerse(text) {
  const clean = text.replace(/\s+/g, ' ').trim();
  if (!/^[A-Za-z0-9 .,;:!?'()-]+$/.test(clean)) throw new Error(`unexpected characters in verse: ${clean}`);
  return clean;
}

function checkCounts(list) {
  const counts = {
    books: new Set(list.map((chapter) => chapter.book)).size,
    chapters: list.length,
    verses: list.reduce((sum, chapter) => sum + chapter.verses.length, 0),
  };
  if (JSON.stringify(counts) !== JSON.stringify(EXPECTED)) {
    throw new Error(`expected ${JSON.stringify(EXPECTED)}, got ${JSON.stringify(counts)}`);
  }
}

function chapterText({ book, chapter, verses }) {
  return `${book} ${chapter}\n\n${verses.join('\n')}\n`;
}

function corpusWords(list) {
  const words = new Set();
  for (const chapter of list) {
    for (const verse of chapter.verses) {
      for (const word of verse.toLowerCase().match(/[a-z]+(?:'[a-z]+)*/g) ?? []) words.add(word);
    }
  }
  return [...words].sort();
}

function uint16LittleEndian(ids) {
  const bytes = Buffer.alloc(ids.length * 2);
  ids.forEach((id, index) => {
    bytes.writeUInt16LE(id, index * 2);
  });
  return bytes;
}
