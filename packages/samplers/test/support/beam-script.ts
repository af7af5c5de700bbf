/**
 * A hand-made next-token distribution over 4 tokens (0 = EOS, 1 = A, 2 = B, 3 = C), keyed by the generated
 * tokens so far. Probabilities (each row sums to 1):
 *
 *   ''    -> EOS .40  A .30  B .20  C .10
 *   'A'   -> EOS .60  A .25  B .11  C .04
 *   'B'   -> EOS .05  A .20  B .60  C .15
 *   'A,A' -> EOS .50  A .30  B .13  C .07
 *   'B,B' -> EOS .90  A .05  B .03  C .02
 *   other -> EOS .70  A .10  B .10  C .10
 */
export const EOS = 0;
export const A = 1;
export const B = 2;
export const C = 3;

export const BEAM_SCRIPT: Readonly<Record<string, readonly number[]>> = {
  '': [0.4, 0.3, 0.2, 0.1],
  '1': [0.6, 0.25, 0.11, 0.04],
  '2': [0.05, 0.2, 0.6, 0.15],
  '1,1': [0.5, 0.3, 0.13, 0.07],
  '2,2': [0.9, 0.05, 0.03, 0.02],
};
export const BEAM_FALLBACK: readonly number[] = [0.7, 0.1, 0.1, 0.1];

/** The script's probabilities after `generated`, optionally with A and B swapped (a mirrored prompt). */
export function scriptProbabilities(generated: readonly number[], swapAB = false): readonly number[] {
  const swap = (token: number) => (!swapAB ? token : token === A ? B : token === B ? A : token);
  const row = BEAM_SCRIPT[generated.map(swap).join(',')] ?? BEAM_FALLBACK;
  return row.map((_, token) => row[swap(token)]!);
}

/** Log of a product of probabilities: the exact log-probability of a path. */
export const lnProduct = (...probabilities: number[]) => Math.log(probabilities.reduce((a, b) => a * b, 1));
