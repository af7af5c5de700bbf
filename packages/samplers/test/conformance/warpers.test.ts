import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  epsilonCutoff,
  etaCutoff,
  type LogitsProcessor,
  minP,
  temperature,
  topK,
  topP,
  typicalP,
} from '../../src/index.js';
import { context } from '../processors/helpers.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
const goldenFile = resolve(repoRoot, '../shared/conformance/golden/logits_warpers_small.json');
const hasShared = existsSync(goldenFile);

interface GoldenVector {
  id: string;
  size: number;
  values_b64: string;
}
interface GoldenResult {
  vector: string;
  warper: string;
  params: {
    temperature?: number;
    top_k?: number;
    top_p?: number;
    min_p?: number;
    mass?: number;
    epsilon?: number;
    min_tokens_to_keep?: number;
  };
  kept_count?: number;
  kept?: number[];
  kept_bits_b64?: string;
  kept_values_unchanged?: boolean;
  equals_f32_division?: boolean;
  output?: (number | string)[];
}
interface Golden {
  vectors: GoldenVector[];
  results: GoldenResult[];
}

function float32s(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return Float32Array.from({ length: bytes.byteLength / 4 }, (_, i) => view.getFloat32(4 * i, true));
}

function bits(base64: string, size: number): number[] {
  const bytes = Buffer.from(base64, 'base64');
  const ids: number[] = [];
  for (let i = 0; i < size; i++) if ((bytes[i >> 3]! >> (i & 7)) & 1) ids.push(i);
  return ids;
}

/** The HF warper class and constructor params, as this package's factory. */
function processorFor(result: GoldenResult): LogitsProcessor {
  const { params } = result;
  const options = { minTokensToKeep: params.min_tokens_to_keep ?? 1 };
  switch (result.warper) {
    case 'TemperatureLogitsWarper':
      return temperature(params.temperature!);
    case 'TopKLogitsWarper':
      return topK(params.top_k!, options);
    case 'TopPLogitsWarper':
      return topP(params.top_p!, options);
    case 'MinPLogitsWarper':
      return minP(params.min_p!, options);
    case 'TypicalLogitsWarper':
      return typicalP(params.mass!, options);
    case 'EpsilonLogitsWarper':
      return epsilonCutoff(params.epsilon!, options);
    case 'EtaLogitsWarper':
      return etaCutoff(params.epsilon!, options);
    default:
      throw new Error(`no mapping for ${result.warper}`);
  }
}

/**
 * Where HF sorts (top-p, typical), the order among equal
 * scores is arbitrary: only the kept count and the kept values are defined there; this package keeps the
 * lower ids. Everywhere else the kept ids must match exactly.
 */
const ORDER_ARBITRARY = new Set(['TopPLogitsWarper', 'TypicalLogitsWarper']);

describe.skipIf(!hasShared)(
  hasShared ? 'HF conformance: logits warpers' : 'HF conformance (skipped: ../shared/conformance not found)',
  () => {
    const golden: Golden = hasShared
      ? JSON.parse(readFileSync(goldenFile, 'utf8'))
      : { vectors: [], results: [] };
    const vectors = new Map(golden.vectors.map((vector) => [vector.id, float32s(vector.values_b64)]));

    it('covers every result of the golden file', () => {
      expect(golden.results).toHaveLength(360);
    });

    it.each(
      golden.results.map((result) => [
        `${result.vector} ${result.warper} ${JSON.stringify(result.params)}`,
        result,
      ]),
    )('%s', (_, result) => {
      const input = vectors.get(result.vector)!;
      const output = Float32Array.from(input);
      processorFor(result).process(output, context());

      if (result.warper === 'TemperatureLogitsWarper') {
        const divisor = Math.fround(result.params.temperature!);
        const expected = result.output
          ? Float32Array.from(result.output, (x) => (x === '-inf' ? Number.NEGATIVE_INFINITY : Number(x)))
          : Float32Array.from(input, (x) => x / divisor);
        expect(result.equals_f32_division).toBe(true);
        expect(Array.from(output)).toEqual(Array.from(expected));
        return;
      }

      const kept = Array.from(output.keys()).filter((i) => output[i]! > Number.NEGATIVE_INFINITY);
      const expectedKept = result.kept ?? bits(result.kept_bits_b64!, input.length);
      expect(kept.length).toBe(result.kept_count);
      expect(expectedKept.length).toBe(result.kept_count);
      if (ORDER_ARBITRARY.has(result.warper)) {
        const values = (ids: number[]) => ids.map((i) => input[i]!).sort((a, b) => a - b);
        expect(values(kept)).toEqual(values(expectedKept));
      } else {
        expect(kept).toEqual(expectedKept);
      }
      if (result.kept_values_unchanged) for (const i of kept) expect(output[i]).toBe(input[i]);
    });
  },
);
