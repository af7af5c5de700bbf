import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SafetensorsFile } from '../src/index.js';
import { encodeVarint, lengthDelimitedPrefix } from '../src/protobuf-framing.js';
import { tempDir } from './helpers/paths.js';

let root: string;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const tmp = await tempDir('formats');
  root = tmp.path;
  cleanup = tmp.cleanup;
});
afterAll(() => cleanup());

/** A safetensors file from a hand-written header and hand-written little-endian bytes. */
async function handMade(name: string, header: object, data: number[]): Promise<string> {
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  const path = join(root, name);
  await writeFile(path, Buffer.concat([length, json, Buffer.from(data)]));
  return path;
}

async function readAll(path: string, tensor: string): Promise<number[]> {
  const file = await SafetensorsFile.open(path);
  try {
    const out: number[] = [];
    await file.readFloat32(tensor, async (chunk) => {
      out.push(...chunk);
    });
    return out;
  } finally {
    await file.close();
  }
}

describe('safetensors reader', () => {
  it('decodes float16 bit patterns: 1, -2, 65504, the smallest subnormal, infinity, 0.333...', async () => {
    // 0x3C00 = 1, 0xC000 = -2, 0x7BFF = 65504, 0x0001 = 2^-24, 0x7C00 = +inf, 0x3555 = 0.333251953125
    const path = await handMade(
      'f16.safetensors',
      { t: { dtype: 'F16', shape: [6], data_offsets: [0, 12] } },
      [0x00, 0x3c, 0x00, 0xc0, 0xff, 0x7b, 0x01, 0x00, 0x00, 0x7c, 0x55, 0x35],
    );
    expect(await readAll(path, 't')).toEqual([
      1,
      -2,
      65504,
      2 ** -24,
      Number.POSITIVE_INFINITY,
      0.333251953125,
    ]);
  });

  it('decodes bfloat16 bit patterns: 1, 3.140625, -0.5', async () => {
    // 0x3F80 = 1, 0x4049 = 3.140625, 0xBF00 = -0.5
    const path = await handMade(
      'bf16.safetensors',
      { __metadata__: { format: 'pt' }, t: { dtype: 'BF16', shape: [3], data_offsets: [0, 6] } },
      [0x80, 0x3f, 0x49, 0x40, 0x00, 0xbf],
    );
    expect(await readAll(path, 't')).toEqual([1, 3.140625, -0.5]);
  });

  it('reads float32 and float64 and reports shapes and metadata', async () => {
    const f32 = Buffer.alloc(8);
    f32.writeFloatLE(1.5, 0);
    f32.writeFloatLE(-0.25, 4);
    const f64 = Buffer.alloc(8);
    f64.writeDoubleLE(0.1, 0);
    const path = await handMade(
      'mixed.safetensors',
      {
        __metadata__: { format: 'pt' },
        a: { dtype: 'F32', shape: [1, 2], data_offsets: [0, 8] },
        b: { dtype: 'F64', shape: [], data_offsets: [8, 16] },
      },
      [...f32, ...f64],
    );
    expect(await readAll(path, 'a')).toEqual([1.5, -0.25]);
    expect(await readAll(path, 'b')).toEqual([Math.fround(0.1)]);
    const file = await SafetensorsFile.open(path);
    expect(file.metadata).toEqual({ format: 'pt' });
    expect(file.tensors.get('a')).toMatchObject({ dtype: 'F32', shape: [1, 2], byteLength: 8 });
    await file.close();
  });

  it('rejects a header whose byte count does not match the dtype and shape', async () => {
    const path = await handMade(
      'bad.safetensors',
      { t: { dtype: 'F32', shape: [3], data_offsets: [0, 8] } },
      new Array(8).fill(0),
    );
    await expect(SafetensorsFile.open(path)).rejects.toMatchObject({
      code: 'CHECKPOINT_INVALID',
      tensor: 't',
      message: expect.stringContaining('holds 8 bytes, but F32 [3] needs 12'),
    });
  });
});

describe('protobuf framing', () => {
  it('encodes varints as the protobuf spec does (1, 150, 300, 2^35)', () => {
    expect([...encodeVarint(1)]).toEqual([0x01]);
    expect([...encodeVarint(150)]).toEqual([0x96, 0x01]);
    expect([...encodeVarint(300)]).toEqual([0xac, 0x02]);
    expect([...encodeVarint(2 ** 35)]).toEqual([0x80, 0x80, 0x80, 0x80, 0x80, 0x01]);
  });

  it('prefixes a length-delimited field with its key (field << 3 | 2) and length', () => {
    expect([...lengthDelimitedPrefix(7, 3)]).toEqual([0x3a, 0x03]);
    expect([...lengthDelimitedPrefix(9, 300)]).toEqual([0x4a, 0xac, 0x02]);
  });
});
