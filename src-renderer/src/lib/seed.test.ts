import { describe, expect, it } from 'vitest';
import { MAX_SEED, nextSeed, normalizeSeed } from './seed.ts';

describe('seeds', () => {
  it('normalizes typed seeds into the contract range and wraps the next one', () => {
    expect(normalizeSeed(12.7)).toBe(12);
    expect(normalizeSeed(-3)).toBe(0);
    expect(normalizeSeed(2 ** 40)).toBe(MAX_SEED);
    expect(normalizeSeed(Number.NaN)).toBeNull();
    expect(nextSeed(4)).toBe(5);
    expect(nextSeed(MAX_SEED)).toBe(0);
  });
});
