import { describe, expect, it } from 'vitest';
import { createRng } from './rng.ts';
import { chiSquareBound, chiSquareUniform, histogram } from './test-support.ts';

const draws = (seed: number | string, count: number): number[] => {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => rng.next());
};

describe('createRng', () => {
  it('repeats the same stream for the same seed', () => {
    expect(draws(42, 100)).toEqual(draws(42, 100));
    expect(draws('video-7', 100)).toEqual(draws('video-7', 100));
  });

  it('gives different streams for different seeds, including 1 versus "1"', () => {
    expect(draws(1, 10)).not.toEqual(draws(2, 10));
    expect(draws(1, 10)).not.toEqual(draws('1', 10));
    expect(draws(0, 10)).not.toEqual(draws(-0.5, 10));
  });

  it('rejects non-finite seeds', () => {
    expect(() => createRng(Number.NaN)).toThrow(RangeError);
    expect(() => createRng(Infinity)).toThrow(RangeError);
  });

  it('keeps next() in [0, 1) and roughly uniform', () => {
    const values = draws(7, 100_000);
    expect(Math.min(...values)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...values)).toBeLessThan(1);
    const counts = histogram(values.map((value) => Math.floor(value * 20)), 20);
    expect(chiSquareUniform(counts)).toBeLessThan(chiSquareBound(19));
  });

  it('keeps int() in [min, max) and hits every value uniformly', () => {
    const rng = createRng(11);
    const values = Array.from({ length: 60_000 }, () => rng.int(-3, 3));
    expect(Math.min(...values)).toBe(-3);
    expect(Math.max(...values)).toBe(2);
    expect(values.every(Number.isInteger)).toBe(true);
    const counts = histogram(values.map((value) => value + 3), 6);
    expect(chiSquareUniform(counts)).toBeLessThan(chiSquareBound(5));
  });

  it('rejects empty or non-integer int() ranges', () => {
    const rng = createRng(1);
    expect(() => rng.int(3, 3)).toThrow(RangeError);
    expect(() => rng.int(0, 2.5)).toThrow(RangeError);
    expect(rng.int(5, 6)).toBe(5);
  });

  it('chance() honours its probability', () => {
    const rng = createRng(3);
    const hits = Array.from({ length: 20_000 }, () => rng.chance(0.25)).filter(Boolean).length;
    // Binomial sd = sqrt(20000 · 0.25 · 0.75) ≈ 61; allow 6 sd.
    expect(Math.abs(hits - 5000)).toBeLessThan(6 * 62);
    expect(rng.chance(0)).toBe(false);
    expect(rng.chance(1)).toBe(true);
  });

  it('pick() returns members and refuses an empty array', () => {
    const rng = createRng(5);
    const items = ['a', 'b', 'c'];
    const picked = new Set(Array.from({ length: 100 }, () => rng.pick(items)));
    expect(picked).toEqual(new Set(items));
    expect(() => rng.pick([])).toThrow(RangeError);
  });

  it('shuffle() returns a permuted copy, uniform over the 6 orders of 3 items', () => {
    const rng = createRng(9);
    const items = [0, 1, 2] as const;
    const orders = ['012', '021', '102', '120', '201', '210'];
    const seen = Array.from({ length: 30_000 }, () => orders.indexOf(rng.shuffle(items).join('')));
    expect(items).toEqual([0, 1, 2]);
    expect(seen).not.toContain(-1);
    expect(chiSquareUniform(histogram(seen, 6))).toBeLessThan(chiSquareBound(5));
  });
});

describe('fork', () => {
  it('is deterministic and independent of how much the parent has drawn', () => {
    const fresh = createRng(1).fork('video:3');
    const used = createRng(1);
    used.next();
    used.int(0, 10);
    const forked = used.fork('video:3');
    expect(Array.from({ length: 20 }, () => forked.next())).toEqual(
      Array.from({ length: 20 }, () => fresh.next()),
    );
  });

  it('gives distinct streams per label, per parent, and per fork path', () => {
    const first = (rng: ReturnType<typeof createRng>) => Array.from({ length: 5 }, () => rng.next());
    const root = createRng(1);
    const streams = [
      first(root),
      first(root.fork('a')),
      first(root.fork('b')),
      first(root.fork(1)),
      first(createRng(2).fork('a')),
      first(root.fork('a').fork('b')),
      first(root.fork('a|b')),
    ].map((values) => values.join(','));
    expect(new Set(streams).size).toBe(streams.length);
  });

  it('does not alter the parent stream', () => {
    const plain = createRng(4);
    const forking = createRng(4);
    forking.fork('x').next();
    expect(forking.next()).toBe(plain.next());
  });
});
