import { type FileHandle, open } from 'node:fs/promises';
import { CheckpointError } from './errors.js';
import { elementCount } from './layout.js';

/**
 * A small, lazy reader of the safetensors format (8-byte little-endian header length, JSON header, raw
 * row-major data). Written here because no maintained npm package reads local files lazily (by offset); this
 * one never loads more than one chunk of tensor data at a time.
 */

/** Byte size of each safetensors dtype. */
const ITEM_SIZE: Readonly<Record<string, number>> = {
  F64: 8,
  F32: 4,
  F16: 2,
  BF16: 2,
  I64: 8,
  I32: 4,
  I16: 2,
  I8: 1,
  U64: 8,
  U32: 4,
  U16: 2,
  U8: 1,
  BOOL: 1,
  F8_E4M3: 1,
  F8_E5M2: 1,
};

/** Stored dtypes that can be read as float32. */
export const FLOAT_DTYPES = ['F32', 'F16', 'BF16', 'F64'] as const;
/** A stored dtype that can be read as float32. */
export type FloatDtype = (typeof FLOAT_DTYPES)[number];

/** One tensor of a safetensors file: where its bytes are and what they hold. */
export interface SafetensorsTensorInfo {
  readonly name: string;
  readonly dtype: string;
  readonly shape: readonly number[];
  /** Absolute byte offset of the first element in the file. */
  readonly byteOffset: number;
  readonly byteLength: number;
}

const MAX_HEADER_BYTES = 100 * 1024 * 1024;
const CHUNK_BYTES = 4 * 1024 * 1024;

/** An open safetensors file. Close it with {@link SafetensorsFile.close}. */
export class SafetensorsFile {
  readonly path: string;
  /** The `__metadata__` string map of the header (empty when absent). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Every tensor of the file, by name, in header order. */
  readonly tensors: ReadonlyMap<string, SafetensorsTensorInfo>;
  private readonly handle: FileHandle;
  private buffer: Buffer | undefined;

  private constructor(
    path: string,
    handle: FileHandle,
    metadata: Record<string, string>,
    tensors: Map<string, SafetensorsTensorInfo>,
  ) {
    this.path = path;
    this.handle = handle;
    this.metadata = metadata;
    this.tensors = tensors;
  }

  /**
   * Opens a file and parses its header (the tensor data is not read).
   * @throws {CheckpointError} `CHECKPOINT_INVALID` when the file is not valid safetensors.
   */
  static async open(path: string): Promise<SafetensorsFile> {
    const handle = await open(path, 'r');
    try {
      const { size } = await handle.stat();
      const invalid = (message: string, tensor?: string) =>
        new CheckpointError('CHECKPOINT_INVALID', path, tensor, message);
      if (size < 8)
        throw invalid(`not a safetensors file: ${size} bytes, shorter than the 8-byte header length`);
      const lengthBytes = Buffer.alloc(8);
      await handle.read(lengthBytes, 0, 8, 0);
      const headerLength = Number(lengthBytes.readBigUInt64LE(0));
      if (headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
        throw invalid(
          `not a safetensors file: header length ${headerLength} does not fit a ${size}-byte file`,
        );
      }
      const headerBytes = Buffer.alloc(headerLength);
      await handle.read(headerBytes, 0, headerLength, 8);
      let header: unknown;
      try {
        header = JSON.parse(headerBytes.toString('utf8'));
      } catch (error) {
        throw invalid(`the safetensors header is not valid JSON (${(error as Error).message})`);
      }
      if (typeof header !== 'object' || header === null || Array.isArray(header)) {
        throw invalid('the safetensors header is not a JSON object');
      }
      const dataStart = 8 + headerLength;
      const dataSize = size - dataStart;
      const tensors = new Map<string, SafetensorsTensorInfo>();
      let metadata: Record<string, string> = {};
      for (const [name, entry] of Object.entries(header as Record<string, unknown>)) {
        if (name === '__metadata__') {
          metadata = typeof entry === 'object' && entry !== null ? (entry as Record<string, string>) : {};
          continue;
        }
        tensors.set(name, parseEntry(name, entry, dataStart, dataSize, invalid));
      }
      return new SafetensorsFile(path, handle, metadata, tensors);
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  /**
   * Streams a tensor as float32 values in chunks of at most 4 MiB of stored data. F16, BF16 and F64 are
   * converted exactly (F64 rounds to nearest float32). The chunk is reused: copy it if you keep it.
   * @throws {CheckpointError} `CHECKPOINT_BAD_DTYPE` for a dtype that is not a float type.
   */
  async readFloat32(name: string, sink: (chunk: Float32Array) => Promise<void>): Promise<void> {
    const info = this.tensors.get(name);
    if (!info) throw new CheckpointError('CHECKPOINT_MISSING_TENSOR', this.path, name, `no tensor "${name}"`);
    const dtype = info.dtype;
    if (!isFloatDtype(dtype)) {
      throw new CheckpointError(
        'CHECKPOINT_BAD_DTYPE',
        this.path,
        name,
        `tensor "${name}" has dtype ${dtype}; supported: ${FLOAT_DTYPES.join(', ')}`,
      );
    }
    const itemSize = ITEM_SIZE[dtype]!;
    const elementsPerChunk = Math.floor(CHUNK_BYTES / itemSize);
    this.buffer ??= Buffer.allocUnsafeSlow(CHUNK_BYTES);
    const out = new Float32Array(Math.min(elementsPerChunk, info.byteLength / itemSize));
    const buffer = this.buffer;
    for (let offset = 0; offset < info.byteLength; ) {
      const bytes = Math.min(CHUNK_BYTES - (CHUNK_BYTES % itemSize), info.byteLength - offset);
      await readFully(this.handle, buffer, bytes, info.byteOffset + offset, this.path, name);
      const count = bytes / itemSize;
      const target = count === out.length ? out : out.subarray(0, count);
      decodeFloats(dtype, buffer, count, target);
      await sink(target);
      offset += bytes;
    }
  }

  /** Closes the file. */
  async close(): Promise<void> {
    await this.handle.close();
  }
}

/** True when `dtype` can be read as float32. */
export function isFloatDtype(dtype: string): dtype is FloatDtype {
  return (FLOAT_DTYPES as readonly string[]).includes(dtype);
}

function parseEntry(
  name: string,
  entry: unknown,
  dataStart: number,
  dataSize: number,
  invalid: (message: string, tensor?: string) => CheckpointError,
): SafetensorsTensorInfo {
  const record = (typeof entry === 'object' && entry !== null ? entry : {}) as Record<string, unknown>;
  const { dtype, shape, data_offsets: offsets } = record;
  if (typeof dtype !== 'string') throw invalid(`tensor "${name}" has no dtype`, name);
  if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw invalid(`tensor "${name}" has an invalid shape ${JSON.stringify(shape)}`, name);
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((o) => Number.isSafeInteger(o) && o >= 0) ||
    offsets[0] > offsets[1] ||
    offsets[1] > dataSize
  ) {
    throw invalid(
      `tensor "${name}" has data_offsets ${JSON.stringify(offsets)} outside the ${dataSize}-byte data section`,
      name,
    );
  }
  const [begin, end] = offsets as [number, number];
  const itemSize = ITEM_SIZE[dtype];
  if (itemSize !== undefined && end - begin !== elementCount(shape) * itemSize) {
    throw invalid(
      `tensor "${name}" holds ${end - begin} bytes, but ${dtype} [${shape.join(', ')}] needs ${elementCount(shape) * itemSize}`,
      name,
    );
  }
  return { name, dtype, shape, byteOffset: dataStart + begin, byteLength: end - begin };
}

async function readFully(
  handle: FileHandle,
  buffer: Buffer,
  length: number,
  position: number,
  path: string,
  tensor: string,
): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(buffer, done, length - done, position + done);
    if (bytesRead === 0) {
      throw new CheckpointError(
        'CHECKPOINT_INVALID',
        path,
        tensor,
        `the file ends inside tensor "${tensor}"`,
      );
    }
    done += bytesRead;
  }
}

let halfTable: Float32Array | undefined;

/** float32 value of every IEEE binary16 bit pattern. */
function float16Table(): Float32Array {
  if (halfTable) return halfTable;
  const table = new Float32Array(65536);
  for (let bits = 0; bits < 65536; bits++) {
    const sign = bits & 0x8000 ? -1 : 1;
    const exponent = (bits >> 10) & 0x1f;
    const mantissa = bits & 0x3ff;
    let value: number;
    if (exponent === 0) value = mantissa * 2 ** -24;
    else if (exponent === 31) value = mantissa === 0 ? Number.POSITIVE_INFINITY : Number.NaN;
    else value = (1 + mantissa / 1024) * 2 ** (exponent - 15);
    table[bits] = sign * value;
  }
  halfTable = table;
  return table;
}

/** Decodes `count` little-endian values of `dtype` at the start of `bytes` into `out`. */
export function decodeFloats(dtype: FloatDtype, bytes: Buffer, count: number, out: Float32Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  switch (dtype) {
    case 'F32':
      for (let i = 0; i < count; i++) out[i] = view.getFloat32(4 * i, true);
      return;
    case 'F64':
      for (let i = 0; i < count; i++) out[i] = view.getFloat64(8 * i, true);
      return;
    case 'F16': {
      const table = float16Table();
      for (let i = 0; i < count; i++) out[i] = table[view.getUint16(2 * i, true)]!;
      return;
    }
    case 'BF16': {
      const widened = new Uint32Array(out.buffer, out.byteOffset, count);
      for (let i = 0; i < count; i++) widened[i] = view.getUint16(2 * i, true) << 16;
      return;
    }
  }
}
