import cliProgress from 'cli-progress';
import type { Output } from './output.js';

/** The progress of one file's download, as the hub client reports it. */
export interface DownloadProgressEvent {
  readonly file: string;
  readonly loaded: number;
  readonly total: number | undefined;
}

function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let value = bytes / 1024;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[unit]}`;
}

export { formatBytes };

/**
 * A progress bar per downloaded file on stderr (bytes, speed, ETA) when stderr is a terminal; otherwise one
 * line per finished file.
 */
export function createDownloadProgress(output: Output): {
  update: (event: DownloadProgressEvent) => void;
  stop: () => void;
} {
  const interactive = Boolean(process.stderr.isTTY);
  let bar: cliProgress.SingleBar | undefined;
  let currentFile: string | undefined;
  let startedAt = 0;
  let startLoaded = 0;
  const finish = () => {
    bar?.stop();
    bar = undefined;
  };
  return {
    update(event) {
      if (event.file !== currentFile) {
        finish();
        currentFile = event.file;
        startedAt = Date.now();
        startLoaded = event.loaded;
        if (interactive && event.total !== undefined) {
          bar = new cliProgress.SingleBar(
            {
              stream: process.stderr,
              format: `${event.file} {bar} {percentage}% | {done} / {size} | {speed} | ETA {eta_formatted}`,
              hideCursor: true,
              barsize: 24,
            },
            cliProgress.Presets.shades_classic,
          );
          bar.start(event.total, event.loaded, {
            done: formatBytes(event.loaded),
            size: formatBytes(event.total),
            speed: '',
          });
        }
      }
      const seconds = Math.max((Date.now() - startedAt) / 1000, 1e-3);
      const speed = `${formatBytes((event.loaded - startLoaded) / seconds)}/s`;
      bar?.update(event.loaded, { done: formatBytes(event.loaded), speed });
      if (event.total !== undefined && event.loaded >= event.total) {
        finish();
        if (!interactive) output.err(`downloaded ${event.file} (${formatBytes(event.total)})\n`);
      }
    },
    stop: finish,
  };
}
