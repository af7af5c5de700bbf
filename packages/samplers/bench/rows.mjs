// Seeded benchmark data shaped like GPT-2 logits and histories. No model is needed: the statistics
// (not the exact values) decide the cost of the processors.

/** mulberry32: a small seeded PRNG returning floats in [0, 1). */
export function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const VOCAB = 50_257;

/**
 * One logits row: every token gets a normal(-60, 2.8^2) logit (the bulk of a GPT-2 row: large negative
 * values with a spread of about 3), then a head of `head` random tokens gets Zipf-like logits
 * `top + lead - slope * ln(rank) + noise`, where `top` is 4.2 standard deviations above the bulk.
 */
export function logitsRow(seed, { head, slope, lead }) {
  const random = seeded(seed);
  const row = new Float32Array(VOCAB);
  for (let i = 0; i < VOCAB; i++) {
    const u = Math.max(random(), 1e-12);
    row[i] = -60 + 2.8 * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  }
  const top = -60 + 4.2 * 2.8;
  for (let rank = 1; rank <= head; rank++) {
    row[Math.floor(random() * VOCAB)] = top + lead - slope * Math.log(rank) + (random() - 0.5);
  }
  return row;
}

/** 16 rows from confident (top-1 probability about 0.4) to flat (nucleus of several hundred tokens). */
export function benchmarkRows() {
  return Array.from({ length: 16 }, (_, i) =>
    logitsRow(1000 + i, { head: 64 + 24 * i, slope: 1.6 - 0.06 * i, lead: 4 + (i % 4) }),
  );
}

/** Statistics of a row, for the README: top-1 probability, top-p 0.9 nucleus size, entropy (nats). */
export function rowStats(row) {
  let max = Number.NEGATIVE_INFINITY;
  for (const x of row) if (x > max) max = x;
  const weights = Array.from(row, (x) => Math.exp(x - max));
  const z = weights.reduce((a, b) => a + b, 0);
  const probs = weights.map((w) => w / z).sort((a, b) => b - a);
  let mass = 0;
  let nucleus = 0;
  while (mass < 0.9) mass += probs[nucleus++];
  const entropy = -probs.reduce((h, p) => (p > 0 ? h + p * Math.log(p) : h), 0);
  return { top1: probs[0], nucleus90: nucleus, entropy };
}

/**
 * A token history of `length` ids: Zipf-distributed tokens (exponent 1.1 over the vocabulary, so common
 * tokens repeat as in text) with a repeated 12-token phrase every ~150 tokens (so n-grams recur).
 */
export function tokenHistory(length, seed) {
  const random = seeded(seed);
  const permutation = Int32Array.from({ length: VOCAB }, (_, i) => i);
  for (let i = VOCAB - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [permutation[i], permutation[j]] = [permutation[j], permutation[i]];
  }
  // Inverse-CDF sampling of a Zipf(1.1) rank by bisection on precomputed cumulative weights.
  const cumulative = new Float64Array(VOCAB);
  let total = 0;
  for (let rank = 0; rank < VOCAB; rank++) cumulative[rank] = total += (rank + 1) ** -1.1;
  const zipf = () => {
    const target = random() * total;
    let lo = 0;
    let hi = VOCAB - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid] < target) lo = mid + 1;
      else hi = mid;
    }
    return permutation[lo];
  };
  const phrase = Array.from({ length: 12 }, zipf);
  const tokens = new Int32Array(length);
  for (let i = 0; i < length; ) {
    if (random() < 1 / 150) {
      for (const t of phrase) if (i < length) tokens[i++] = t;
    } else {
      tokens[i++] = zipf();
    }
  }
  return tokens;
}
