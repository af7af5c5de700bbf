import { UsageError } from './errors.js';
import { parseIdList } from './generation-flags.js';

/** A prompt as text or as exact token ids. */
export type PromptInput =
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'ids'; readonly ids: number[] };

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY)
    throw new UsageError('prompt "-" reads stdin, but stdin is a terminal: pipe the prompt in');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

/** The prompt from the argument (`-` = stdin) or `--input-ids`; exactly one of them. */
export async function readPrompt(
  argument: string | undefined,
  inputIds: string | undefined,
): Promise<PromptInput> {
  if (inputIds !== undefined) {
    if (argument !== undefined) throw new UsageError('give either a prompt or --input-ids, not both');
    const ids = parseIdList('--input-ids', inputIds);
    if (ids.length === 0) throw new UsageError('--input-ids needs at least one token id');
    return { kind: 'ids', ids };
  }
  if (argument === undefined)
    throw new UsageError('missing prompt: give it as an argument, - for stdin, or --input-ids');
  const text = argument === '-' ? await readStdin() : argument;
  if (text === '') throw new UsageError('the prompt is empty');
  return { kind: 'text', text };
}
