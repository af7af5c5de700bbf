import { type FileHandle, open } from 'node:fs/promises';
import { endianness } from 'node:os';
import { join } from 'node:path';
import { DataType, type OnnxTypes, onnx } from './onnx-proto.js';
import { lengthDelimitedPrefix, lengthDelimitedSize } from './protobuf-framing.js';

/** Field numbers of the messages framed by hand (from onnx.proto). */
const MODEL_GRAPH = 7;
const GRAPH_INITIALIZER = 5;
const TENSOR_RAW_DATA = 9;

/** File name of the external data, the one transformers.js expects beside `model.onnx`. */
export const EXTERNAL_DATA_FILE = 'model.onnx_data';
/** Tensors smaller than this stay inline even in external-data mode (as in the `onnx` Python package). */
const EXTERNAL_MIN_BYTES = 1024;
/** Offsets of tensors in the external data file are multiples of this (the page size). */
const EXTERNAL_ALIGNMENT = 4096;
/**
 * Default `externalDataThreshold`: weights larger than this in total go to external data. A protobuf message
 * cannot exceed 2 GiB; the margin leaves room for the graph.
 */
export const DEFAULT_EXTERNAL_DATA_THRESHOLD = 2 ** 31 - 64 * 2 ** 20;

/** A float32 initializer whose data is produced in chunks while the file is written. */
export interface StreamedTensor {
  readonly name: string;
  readonly dims: readonly number[];
  /** Must emit exactly `4 * product(dims)` bytes in total. */
  write(emit: (chunk: Float32Array) => Promise<void>): Promise<void>;
}

/** The parts of a model that are small enough to encode in memory. */
export interface ModelParts {
  graphName: string;
  nodes: OnnxTypes.INodeProto[];
  inputs: OnnxTypes.IValueInfoProto[];
  outputs: OnnxTypes.IValueInfoProto[];
  constants: OnnxTypes.ITensorProto[];
  irVersion: number;
  opsetVersion: number;
  producerName: string;
  producerVersion: string;
  docString: string;
  metadata: Record<string, string>;
}

/** Options of {@link writeOnnxModel}. */
export interface WriteModelOptions {
  /** Folder of `model.onnx` (and of `model.onnx_data` when external data is used). */
  dir: string;
  parts: ModelParts;
  tensors: readonly StreamedTensor[];
  /** Total weight bytes above which weights go to `model.onnx_data`. */
  externalDataThreshold: number;
  /** Called after each tensor is written. */
  onTensor?: (name: string, bytesWritten: number, totalBytes: number) => void;
}

/** What {@link writeOnnxModel} wrote. */
export interface WrittenModel {
  /** File names written, relative to `dir`. */
  files: string[];
  bytes: number;
  externalData: boolean;
}

/**
 * Writes `model.onnx` by streaming: the small parts are encoded with `onnx-proto`, and each large
 * initializer's `raw_data` is framed by hand (lengths computed up front) and written chunk by chunk, so memory
 * use does not grow with the model. Over `externalDataThreshold`, the weights go to `model.onnx_data`
 * instead (ONNX external data: `location`, `offset`, `length`, `data_location = EXTERNAL`).
 */
export async function writeOnnxModel(options: WriteModelOptions): Promise<WrittenModel> {
  const { dir, parts, tensors } = options;
  const byteLength = (t: StreamedTensor) => 4 * t.dims.reduce((a, b) => a * b, 1);
  const totalBytes = tensors.reduce((sum, t) => sum + byteLength(t), 0);
  const external = totalBytes > options.externalDataThreshold;
  const inline = external ? tensors.filter((t) => byteLength(t) < EXTERNAL_MIN_BYTES) : [...tensors];
  const outside = external ? tensors.filter((t) => byteLength(t) >= EXTERNAL_MIN_BYTES) : [];

  const externalEntries: OnnxTypes.ITensorProto[] = [];
  let dataOffset = 0;
  for (const tensor of outside) {
    const length = byteLength(tensor);
    externalEntries.push({
      name: tensor.name,
      dims: [...tensor.dims],
      dataType: DataType.FLOAT,
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: EXTERNAL_DATA_FILE },
        { key: 'offset', value: String(dataOffset) },
        { key: 'length', value: String(length) },
      ],
    });
    dataOffset = alignUp(dataOffset + length, EXTERNAL_ALIGNMENT);
  }

  const graphHead = onnx.GraphProto.encode({
    name: parts.graphName,
    node: parts.nodes,
    input: parts.inputs,
    output: parts.outputs,
    initializer: [...parts.constants, ...externalEntries],
  }).finish();
  const inlineHeaders = inline.map((t) => {
    const header = onnx.TensorProto.encode({
      name: t.name,
      dims: [...t.dims],
      dataType: DataType.FLOAT,
    }).finish();
    const messageLength = header.length + lengthDelimitedSize(TENSOR_RAW_DATA, byteLength(t));
    return { tensor: t, header, messageLength };
  });
  const graphLength =
    graphHead.length +
    inlineHeaders.reduce((sum, h) => sum + lengthDelimitedSize(GRAPH_INITIALIZER, h.messageLength), 0);
  const modelHead = onnx.ModelProto.encode({
    irVersion: parts.irVersion,
    producerName: parts.producerName,
    producerVersion: parts.producerVersion,
    docString: parts.docString,
    opsetImport: [{ domain: '', version: parts.opsetVersion }],
    metadataProps: Object.entries(parts.metadata).map(([key, value]) => ({ key, value })),
  }).finish();

  let written = 0;
  const report = (name: string, bytes: number) => {
    written += bytes;
    options.onTensor?.(name, written, totalBytes);
  };

  const model = await ChunkWriter.create(join(dir, 'model.onnx'));
  try {
    await model.write(modelHead);
    await model.write(lengthDelimitedPrefix(MODEL_GRAPH, graphLength));
    await model.write(graphHead);
    for (const { tensor, header, messageLength } of inlineHeaders) {
      await model.write(lengthDelimitedPrefix(GRAPH_INITIALIZER, messageLength));
      await model.write(header);
      await model.write(lengthDelimitedPrefix(TENSOR_RAW_DATA, byteLength(tensor)));
      await writeTensor(model, tensor, byteLength(tensor));
      report(tensor.name, byteLength(tensor));
    }
  } finally {
    await model.close();
  }
  const expected = modelHead.length + lengthDelimitedSize(MODEL_GRAPH, graphLength);
  if (model.bytesWritten !== expected) {
    throw new Error(`internal: model.onnx has ${model.bytesWritten} bytes, framed for ${expected}`);
  }

  const files = ['model.onnx'];
  let bytes = model.bytesWritten;
  if (external) {
    const data = await ChunkWriter.create(join(dir, EXTERNAL_DATA_FILE));
    try {
      for (const tensor of outside) {
        await data.pad(alignUp(data.bytesWritten, EXTERNAL_ALIGNMENT) - data.bytesWritten);
        await writeTensor(data, tensor, byteLength(tensor));
        report(tensor.name, byteLength(tensor));
      }
    } finally {
      await data.close();
    }
    files.push(EXTERNAL_DATA_FILE);
    bytes += data.bytesWritten;
  }
  return { files, bytes, externalData: external };
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

const littleEndian = endianness() === 'LE';

async function writeTensor(
  writer: ChunkWriter,
  tensor: StreamedTensor,
  expectedBytes: number,
): Promise<void> {
  const start = writer.bytesWritten;
  await tensor.write(async (chunk) => {
    if (littleEndian) {
      await writer.write(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
      return;
    }
    const swapped = new DataView(new ArrayBuffer(chunk.byteLength));
    for (let i = 0; i < chunk.length; i++) swapped.setFloat32(4 * i, chunk[i]!, true);
    await writer.write(new Uint8Array(swapped.buffer));
  });
  if (writer.bytesWritten - start !== expectedBytes) {
    throw new Error(
      `internal: tensor ${tensor.name} wrote ${writer.bytesWritten - start} of ${expectedBytes} bytes`,
    );
  }
}

const WRITE_BUFFER_BYTES = 1 << 20;

/** Appends to a file through a 1 MiB buffer. */
class ChunkWriter {
  bytesWritten = 0;
  private readonly buffer = Buffer.allocUnsafe(WRITE_BUFFER_BYTES);
  private used = 0;
  private readonly handle: FileHandle;

  private constructor(handle: FileHandle) {
    this.handle = handle;
  }

  static async create(path: string): Promise<ChunkWriter> {
    return new ChunkWriter(await open(path, 'wx'));
  }

  async write(bytes: Uint8Array): Promise<void> {
    this.bytesWritten += bytes.length;
    if (bytes.length >= WRITE_BUFFER_BYTES) {
      await this.flush();
      await this.writeAll(bytes);
      return;
    }
    if (this.used + bytes.length > WRITE_BUFFER_BYTES) await this.flush();
    this.buffer.set(bytes, this.used);
    this.used += bytes.length;
  }

  async pad(count: number): Promise<void> {
    if (count > 0) await this.write(new Uint8Array(count));
  }

  async close(): Promise<void> {
    try {
      await this.flush();
    } finally {
      await this.handle.close();
    }
  }

  private async flush(): Promise<void> {
    if (this.used === 0) return;
    await this.writeAll(this.buffer.subarray(0, this.used));
    this.used = 0;
  }

  private async writeAll(bytes: Uint8Array): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const { bytesWritten } = await this.handle.write(bytes, done, bytes.length - done);
      done += bytesWritten;
    }
  }
}
