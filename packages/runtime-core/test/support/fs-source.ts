import { access, readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import type { ModelFileSource } from '../../src/index.js';

/** A file source over a directory, written here so core tests need no runtime-node. */
export function directorySource(dir: string): ModelFileSource {
  return {
    location: dir,
    async exists(file) {
      try {
        await access(path.join(dir, file));
        return true;
      } catch {
        return false;
      }
    },
    readText: (file) => readFile(path.join(dir, file), 'utf8'),
    async modelData(file) {
      return path.join(dir, file);
    },
    list: (folder) => readdir(path.join(dir, folder)),
  };
}
