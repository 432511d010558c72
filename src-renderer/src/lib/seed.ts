/** The contract's largest seed. */
export const MAX_SEED = 2 ** 31 - 1;

/** A typed seed as the contract takes it (a whole number in [0, MAX_SEED]); null when not a number. */
export function normalizeSeed(value: number): number | null {
  if (!Number.isFinite(value)) return null;
  return Math.min(MAX_SEED, Math.max(0, Math.trunc(value)));
}

/** The seed after `seed`, wrapping at the top. */
export function nextSeed(seed: number): number {
  return seed >= MAX_SEED ? 0 : seed + 1;
}
