import { convertCheckpoint } from '@nucleus/gpt2-onnx';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { createOutput } from '../output.js';
import type { GlobalFlags } from '../program.js';
import { formatBytes } from '../progress.js';

interface ConvertFlags extends GlobalFlags {
  overwrite?: boolean;
  nHead?: string;
}

/** `nucleus convert <checkpoint> <out-folder>` */
export async function runConvert(
  checkpoint: string,
  outDir: string,
  _flags: ConvertFlags,
  command: Command,
): Promise<void> {
  const flags = command.optsWithGlobals<ConvertFlags>();
  const output = createOutput(flags.color === false);
  let nHead: number | undefined;
  if (flags.nHead !== undefined) {
    nHead = Number(flags.nHead);
    if (!Number.isInteger(nHead) || nHead < 1)
      throw new UsageError(`--n-head must be an integer >= 1, got ${JSON.stringify(flags.nHead)}`);
  }
  const started = Date.now();
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar(
        {
          stream: process.stderr,
          format: 'converting {bar} {percentage}% | {tensor}',
          barsize: 24,
          hideCursor: true,
        },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let result: Awaited<ReturnType<typeof convertCheckpoint>>;
  try {
    result = await convertCheckpoint(checkpoint, outDir, {
      ...(flags.overwrite ? { overwrite: true } : {}),
      ...(nHead !== undefined ? { config: { nHead } } : {}),
      onProgress: (progress) => {
        if (!bar) return;
        if (bar.getTotal() !== progress.totalBytes) bar.start(progress.totalBytes, 0, { tensor: '' });
        bar.update(progress.bytesWritten, { tensor: progress.tensor });
      },
    });
  } finally {
    bar?.stop();
  }
  output.out(
    `Wrote ${result.dir} (${formatBytes(result.bytes)}) in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
  );
}
