import { pullModel } from '@nucleus/runtime-node';
import type { Command } from 'commander';
import { createOutput } from '../output.js';
import type { GlobalFlags } from '../program.js';
import { createDownloadProgress, formatBytes } from '../progress.js';

interface PullFlags extends GlobalFlags {
  revision?: string;
  dtype?: string;
}

/** `nucleus pull <hub-id>` */
export async function runPull(hubId: string, _flags: PullFlags, command: Command): Promise<void> {
  const flags = command.optsWithGlobals<PullFlags>();
  const output = createOutput(flags.color === false);
  const progress = createDownloadProgress(output);
  const controller = new AbortController();
  const onInterrupt = () => controller.abort();
  process.once('SIGINT', onInterrupt);
  try {
    const result = await pullModel(hubId, {
      ...(flags.revision !== undefined ? { revision: flags.revision } : {}),
      ...(flags.dtype !== undefined ? { dtype: flags.dtype as never } : {}),
      onProgress: progress.update,
      signal: controller.signal,
    });
    progress.stop();
    const bytes = result.files.reduce((sum, file) => sum + file.size, 0);
    const fetched = result.files.filter((file) => !file.fromCache).length;
    output.out(
      `${result.repoId}@${result.commit.slice(0, 8)}: ${result.files.length} files, ${formatBytes(bytes)} (${fetched} downloaded) in ${result.snapshotDir}\n`,
    );
  } finally {
    progress.stop();
    process.off('SIGINT', onInterrupt);
  }
}
