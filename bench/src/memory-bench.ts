// Part 5: memory of each library in a process of its own (see memory-child.ts), one after another.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

/** One library's memory figures, in MiB. */
export interface MemoryResult {
  readonly library: string;
  readonly generations: number;
  readonly newTokens: number;
  readonly seconds: number;
  readonly afterLoadMB: number;
  readonly peakMB: number;
  readonly finalMB: number;
  readonly heapUsedMB: number;
}

/** Options of {@link runMemoryBench}. */
export interface MemoryOptions {
  readonly dir: string;
  readonly threads: number;
  readonly generations: number;
  readonly newTokens: number;
  readonly log: (line: string) => void;
}

const CHILD = fileURLToPath(new URL('./memory-child.js', import.meta.url));

/** Runs the memory child for the bare loop, Nucleus and transformers.js, in that order. */
export async function runMemoryBench(options: MemoryOptions): Promise<MemoryResult[]> {
  const results: MemoryResult[] = [];
  for (const library of ['bare', 'nucleus', 'transformers.js']) {
    const { stdout } = await promisify(execFile)(
      process.execPath,
      [
        CHILD,
        library,
        options.dir,
        String(options.threads),
        String(options.generations),
        String(options.newTokens),
      ],
      { maxBuffer: 1 << 20 },
    );
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as MemoryResult;
    options.log(
      `memory ${library}: after load ${result.afterLoadMB.toFixed(0)} MiB, peak ${result.peakMB.toFixed(0)} MiB, ` +
        `final ${result.finalMB.toFixed(0)} MiB (${result.generations} generations in ${result.seconds.toFixed(0)} s)`,
    );
    results.push(result);
  }
  return results;
}
