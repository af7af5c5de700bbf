import { readdir, readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import type { ModelFileSource } from '@nucleus/runtime-core';

/**
 * A {@link ModelFileSource} over a model folder on disk. The ONNX file is handed to onnxruntime-node as a
 * path, so the runtime maps it itself and its bytes never pass through JavaScript (ONNX external data
 * next to it, `model.onnx_data`, is found the same way).
 */
export function createDirectorySource(dir: string): ModelFileSource {
  const root = path.resolve(dir);
  const resolve = (file: string) => path.join(root, ...file.split('/'));
  return {
    location: root,
    async exists(file) {
      try {
        return (await stat(resolve(file))).isFile();
      } catch {
        return false;
      }
    },
    readText: (file) => readFile(resolve(file), 'utf8'),
    async modelData(file) {
      return resolve(file);
    },
    list: (folder) => readdir(resolve(folder)),
  };
}
