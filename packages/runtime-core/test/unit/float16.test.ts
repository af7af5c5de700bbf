import { describe, expect, it } from 'vitest';
import { float16ToFloat32 } from '../../src/float16.js';

describe('float16ToFloat32', () => {
  it('decodes the landmark bit patterns', () => {
    const bits = Uint16Array.of(0x3c00, 0xc000, 0x7bff, 0x0001, 0x0400, 0x7c00, 0xfc00, 0x8000, 0x3555);
    const out = new Float32Array(bits.length + 2);
    float16ToFloat32(bits, 0, out, 1, bits.length);
    expect(Array.from(out)).toEqual([
      0,
      1, // 0x3c00
      -2, // 0xc000
      65504, // largest finite half
      2 ** -24, // smallest subnormal
      2 ** -14, // smallest normal
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      -0,
      Math.fround(0.333251953125), // 0x3555 = 1.3330078125 * 2^-2
      0,
    ]);
    float16ToFloat32(Uint16Array.of(0x7e00), 0, out, 0, 1);
    expect(out[0]).toBeNaN();
  });
});
