import { describe, expect, it } from 'vitest';
import { createRng } from '../tasks/rng.ts';
import { featureSpread } from './feature-spread.ts';

/** `rows` × `size` standard normal values (Box–Muller on a seeded generator). */
function gaussian(rows: number, size: number, seed: number): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: rows * size }, () => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next()));
}

describe('featureSpread', () => {
  it('is 0 when every input gets the same features, whatever their scale', () => {
    const row = [0.3, -1.2, 4, 0.5];
    const same = Float32Array.from({ length: 4 * 50 }, (_, i) => row[i % 4] as number);
    expect(featureSpread(same, 4)).toBeCloseTo(0, 6);
    // Same direction, different lengths: L2 normalisation makes them one point.
    const scaled = Float32Array.from({ length: 4 * 50 }, (_, i) => (row[i % 4] as number) * (1 + Math.floor(i / 4)));
    expect(featureSpread(scaled, 4)).toBeCloseTo(0, 6);
  });

  it('is about 1/√d for features spread over the sphere', () => {
    for (const size of [16, 64, 256]) {
      const spread = featureSpread(gaussian(2000, size, size), size);
      expect(spread * Math.sqrt(size)).toBeGreaterThan(0.95);
      expect(spread * Math.sqrt(size)).toBeLessThan(1.05);
    }
  });

  it('falls as features crowd together', () => {
    const noise = gaussian(500, 32, 1);
    const crowded = noise.map((value, i) => (i % 32 === 0 ? 10 : 0) + 0.1 * value);
    expect(featureSpread(crowded, 32)).toBeLessThan(featureSpread(noise, 32) / 5);
  });

  it('rejects values that do not make whole rows', () => {
    expect(() => featureSpread(new Float32Array(10), 4)).toThrow(/rows of 4/);
    expect(() => featureSpread(new Float32Array(8), 0)).toThrow(/rows of 0/);
    expect(featureSpread(new Float32Array(4), 4)).toBe(0);
  });
});
