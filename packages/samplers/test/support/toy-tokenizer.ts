/** A toy tokenizer: token i decodes to PIECES[i]; decode concatenates. */
export const PIECES = [
  '<eos>',
  'He',
  'llo',
  ' wor',
  'ld',
  '\n',
  'ST',
  'OP',
  '!',
  ' ',
  'a',
  'b',
  'c',
  'd',
  'e',
  'f',
];

export function decode(tokens: readonly number[]): string {
  return tokens.map((token) => (token === 0 ? '' : PIECES[token]!)).join('');
}
