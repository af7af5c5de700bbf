/**
 * A fast `exp(-d)` for `d >= 0`, about 3x cheaper than `Math.exp` in V8, with a relative error below
 * 3e-9: `exp(-d) = T[k] * exp(-r)` where `k = floor(d * 64)`, `T[k] = exp(-k / 64)` comes from a table
 * and `exp(-r)`, `0 <= r < 1/64`, from a degree-3 Taylor polynomial (error `r^4 / 24 < 2.5e-9`).
 *
 * Softmax-style sums only need `exp(x - max)`, i.e. `d = max - x >= 0`. Beyond
 * {@link EXP_NEG_CUTOFF} (80 nats below the max) the result is 0: such a token's probability is below
 * 2e-35 of the top token's, which no cut in this package can resolve (float32 `softmax` itself only
 * carries about 7 significant digits).
 *
 * Hot loops inline the same arithmetic (see `expSumsBelow` in `reduce.ts`); the bin index `k` doubles as
 * a histogram bin of width 1/64 nat.
 *
 * @packageDocumentation
 */

/** Table steps per nat: the histogram resolution of the mass kernels. */
export const EXP_STEPS_PER_NAT = 64;

/** Distance below the max (in nats) from which {@link expNeg} returns 0. */
export const EXP_NEG_CUTOFF = 80;

/** Index of the last table entry, `EXP_NEG_CUTOFF * EXP_STEPS_PER_NAT`; its value is 0. */
export const EXP_LAST_BIN = EXP_NEG_CUTOFF * EXP_STEPS_PER_NAT;

/** `EXP_TABLE[k] = exp(-k / 64)` for `k < EXP_LAST_BIN`, and 0 at `EXP_LAST_BIN`. */
export const EXP_TABLE: Float64Array = (() => {
  const table = new Float64Array(EXP_LAST_BIN + 1);
  for (let k = 0; k < EXP_LAST_BIN; k++) table[k] = Math.exp(-k / EXP_STEPS_PER_NAT);
  table[EXP_LAST_BIN] = 0;
  return table;
})();

const INV_STEPS = 1 / EXP_STEPS_PER_NAT;

/**
 * `exp(-d)` for `d >= 0` (relative error < 3e-9); 0 for `d >= 80`, for `d = Infinity` and for NaN.
 * Negative `d` is outside the contract (it returns `exp(0)`-based garbage); callers pass `max - x`.
 */
export function expNeg(d: number): number {
  const scaled = Math.min(d * EXP_STEPS_PER_NAT, EXP_LAST_BIN);
  if (!(scaled >= 0)) return scaled < 0 ? Math.exp(-d) : 0;
  const k = scaled | 0;
  const r = (scaled - k) * INV_STEPS;
  return EXP_TABLE[k]! * (1 - r * (1 - r * (0.5 - r * (1 / 6))));
}
