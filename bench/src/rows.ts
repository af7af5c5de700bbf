// Seeded benchmark data shaped like GPT-2 logits and token histories, the same recipe as the samplers
// package's own benchmark (packages/samplers/bench/rows.mjs), so the figures of both can be read together.
// No model is needed: the statistics of a row (not its exact values) decide what a sampling step costs.

/** GPT-2's vocabulary size: the length of every logits row. */
export const VOCAB = 50_257;

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** How the head of a row is drawn: `head` tokens with Zipf-like logits `top + lead - slope * ln(rank)`. */
export interface RowShape {
  readonly head: number;
  readonly slope: number;
  readonly lead: number;
}

/**
 * One logits row: every token gets a normal(-60, 2.8^2) logit (the bulk of a GPT-2 row: large negative values
 * with a spread of about 3), then `head` random tokens get Zipf-like logits 4.2 standard deviations and
 * `lead` nats above the bulk, falling by `slope * ln(rank)`, plus noise.
 */
export function logitsRow(seed: number, shape: RowShape): Float32Array {
  const random = seeded(seed);
  const row = new Float32Array(VOCAB);
  for (let i = 0; i < VOCAB; i++) {
    const u = Math.max(random(), 1e-12);
    row[i] = -60 + 2.8 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  }
  const top = -60 + 4.2 * 2.8;
  for (let rank = 1; rank <= shape.head; rank++) {
    row[Math.floor(random() * VOCAB)] = top + shape.lead - shape.slope * Math.log(rank) + (random() - 0.5);
  }
  return row;
}

/** 16 rows from confident (top-1 probability about 0.4) to flat (a nucleus of several hundred tokens). */
export function benchmarkRows(): Float32Array[] {
  return Array.from({ length: 16 }, (_, i) =>
    logitsRow(1000 + i, { head: 64 + 24 * i, slope: 1.6 - 0.06 * i, lead: 4 + (i % 4) }),
  );
}

/** Statistics of a set of rows, for the report. */
export interface RowStatistics {
  /** Probability of the most likely token (min and max over the rows). */
  readonly top1: readonly [number, number];
  /** Tokens that make up 90% of the mass (top-p 0.9 nucleus size). */
  readonly nucleus90: readonly [number, number];
  /** Entropy in nats. */
  readonly entropy: readonly [number, number];
}

/** Ranges of top-1 probability, top-p 0.9 nucleus size and entropy over `rows`. */
export function rowStatistics(rows: readonly Float32Array[]): RowStatistics {
  const stats = rows.map((row) => {
    let max = Number.NEGATIVE_INFINITY;
    for (const x of row) if (x > max) max = x;
    const weights = Float64Array.from(row, (x) => Math.exp(x - max));
    let z = 0;
    for (const w of weights) z += w;
    const probabilities = weights.map((w) => w / z).sort((a, b) => b - a);
    let mass = 0;
    let nucleus = 0;
    while (mass < 0.9) mass += probabilities[nucleus++]!;
    let entropy = 0;
    for (const p of probabilities) if (p > 0) entropy -= p * Math.log(p);
    return { top1: probabilities[0]!, nucleus90: nucleus, entropy };
  });
  const range = (key: 'top1' | 'nucleus90' | 'entropy'): [number, number] => [
    Math.min(...stats.map((s) => s[key])),
    Math.max(...stats.map((s) => s[key])),
  ];
  return { top1: range('top1'), nucleus90: range('nucleus90'), entropy: range('entropy') };
}

/**
 * A token history of `length` ids: Zipf-distributed tokens (exponent 1.1 over the vocabulary, so common tokens
 * repeat as in text) with a repeated 12-token phrase every ~150 tokens (so n-grams recur).
 */
export function tokenHistory(length: number, seed: number): Int32Array {
  const random = seeded(seed);
  const permutation = Int32Array.from({ length: VOCAB }, (_, i) => i);
  for (let i = VOCAB - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const swap = permutation[i]!;
    permutation[i] = permutation[j]!;
    permutation[j] = swap;
  }
  const cumulative = new Float64Array(VOCAB);
  let total = 0;
  for (let rank = 0; rank < VOCAB; rank++) {
    total += (rank + 1) ** -1.1;
    cumulative[rank] = total;
  }
  const zipf = (): number => {
    const target = random() * total;
    let lo = 0;
    let hi = VOCAB - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < target) lo = mid + 1;
      else hi = mid;
    }
    return permutation[lo]!;
  };
  const phrase = Array.from({ length: 12 }, zipf);
  const tokens = new Int32Array(length);
  for (let i = 0; i < length; ) {
    if (random() < 1 / 150) {
      for (const token of phrase) if (i < length) tokens[i++] = token;
    } else {
      tokens[i++] = zipf();
    }
  }
  return tokens;
}
