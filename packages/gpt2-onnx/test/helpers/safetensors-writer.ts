import { writeFile } from 'node:fs/promises';

/**
 * A minimal safetensors writer for tests, written from the format's description (8-byte little-endian header
 * length, JSON header padded with spaces to a multiple of 8, raw little-endian data), independent of the
 * package's reader. It also rounds float32 values to float16 / bfloat16 the way PyTorch does (to nearest,
 * ties to even), and decodes them back, so tests know the exact weights a converted model must hold.
 */

export type TestDtype = 'F32' | 'F16' | 'BF16' | 'F64' | 'I8' | 'I64';

export interface TestTensor {
  dtype: TestDtype;
  shape: number[];
  /** float values (rounded to the dtype when written), or raw bytes for integer dtypes. */
  values: ArrayLike<number>;
}

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** float32 -> IEEE binary16 bits, round to nearest even. */
export function toFloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  const sign = (x >>> 16) & 0x8000;
  const exponent = (x >>> 23) & 0xff;
  let mantissa = x & 0x7fffff;
  if (exponent === 0xff) return sign | 0x7c00 | (mantissa ? 0x200 : 0);
  const e = exponent - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign;
    mantissa |= 0x800000;
    const shift = 14 - e;
    let half = mantissa >>> shift;
    const rest = mantissa & ((1 << shift) - 1);
    const halfway = 1 << (shift - 1);
    if (rest > halfway || (rest === halfway && half & 1)) half++;
    return sign | half;
  }
  let half = (e << 10) | (mantissa >>> 13);
  const rest = mantissa & 0x1fff;
  if (rest > 0x1000 || (rest === 0x1000 && half & 1)) half++;
  return sign | half;
}

/** IEEE binary16 bits -> value. */
export function fromFloat16Bits(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >>> 10) & 0x1f;
  const mantissa = bits & 0x3ff;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 0x1f) return mantissa ? Number.NaN : sign * Number.POSITIVE_INFINITY;
  return sign * 2 ** (exponent - 15) * (1 + mantissa / 1024);
}

/** float32 -> bfloat16 bits, round to nearest even. */
export function toBfloat16Bits(value: number): number {
  f32[0] = value;
  const x = u32[0]!;
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** bfloat16 bits -> value. */
export function fromBfloat16Bits(bits: number): number {
  u32[0] = bits << 16;
  return f32[0]!;
}

/** The values a tensor holds once written with `dtype` (what a correct reader must return). */
export function roundTo(dtype: 'F32' | 'F16' | 'BF16' | 'F64', values: ArrayLike<number>): Float32Array {
  const out = new Float32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    out[i] =
      dtype === 'F16'
        ? fromFloat16Bits(toFloat16Bits(v))
        : dtype === 'BF16'
          ? fromBfloat16Bits(toBfloat16Bits(v))
          : v;
  }
  return out;
}

function encode(tensor: TestTensor): Buffer {
  const n = tensor.values.length;
  const size = { F32: 4, F16: 2, BF16: 2, F64: 8, I8: 1, I64: 8 }[tensor.dtype];
  const out = Buffer.alloc(n * size);
  for (let i = 0; i < n; i++) {
    const v = tensor.values[i]!;
    switch (tensor.dtype) {
      case 'F32':
        out.writeFloatLE(v, 4 * i);
        break;
      case 'F64':
        out.writeDoubleLE(v, 8 * i);
        break;
      case 'F16':
        out.writeUInt16LE(toFloat16Bits(v), 2 * i);
        break;
      case 'BF16':
        out.writeUInt16LE(toBfloat16Bits(v), 2 * i);
        break;
      case 'I8':
        out.writeInt8(v, i);
        break;
      case 'I64':
        out.writeBigInt64LE(BigInt(v), 8 * i);
        break;
    }
  }
  return out;
}

/** The bytes of a safetensors file holding `tensors` (in insertion order). */
export function safetensorsBytes(
  tensors: ReadonlyMap<string, TestTensor>,
  metadata = { format: 'pt' },
): Buffer {
  const header: Record<string, unknown> = { __metadata__: metadata };
  const chunks: Buffer[] = [];
  let offset = 0;
  for (const [name, tensor] of tensors) {
    const data = encode(tensor);
    header[name] = { dtype: tensor.dtype, shape: tensor.shape, data_offsets: [offset, offset + data.length] };
    chunks.push(data);
    offset += data.length;
  }
  let json = JSON.stringify(header);
  json += ' '.repeat((8 - (json.length % 8)) % 8);
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(Buffer.byteLength(json)));
  return Buffer.concat([length, Buffer.from(json), ...chunks]);
}

/** Writes a safetensors file. */
export async function writeSafetensors(
  path: string,
  tensors: ReadonlyMap<string, TestTensor>,
): Promise<void> {
  await writeFile(path, safetensorsBytes(tensors));
}
