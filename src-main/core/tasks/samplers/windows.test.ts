import { describe, expect, it } from 'vitest';
import { createRng } from '../rng.ts';
import { chiSquareBound, chiSquareUniform, histogram, movingSegment, seeds } from '../test-support.ts';
import { chooseWindowStart, spacedOffsets } from './windows.ts';

describe('spacedOffsets', () => {
  it('returns sorted offsets inside the span, at least minGap apart', () => {
    for (const seed of seeds(500)) {
      const offsets = spacedOffsets(5, 90, 15, createRng(seed));
      expect(offsets).toHaveLength(5);
      expect(offsets[0]).toBeGreaterThanOrEqual(0);
      expect(offsets[4]).toBeLessThan(90);
      offsets.slice(1).forEach((offset, i) => expect(offset - offsets[i]!).toBeGreaterThanOrEqual(15));
    }
  });

  it('is uniform over all valid sets', () => {
    // Pairs 2 apart in 5 frames: 02 03 04 13 14 24.
    const sets = ['0,2', '0,3', '0,4', '1,3', '1,4', '2,4'];
    const rng = createRng('spaced');
    const drawn = Array.from({ length: 6000 }, () => sets.indexOf(spacedOffsets(2, 5, 2, rng).join()));
    expect(drawn).not.toContain(-1);
    expect(chiSquareUniform(histogram(drawn, 6))).toBeLessThan(chiSquareBound(5));
  });

  it('has one answer when the frames exactly fit, and none when they do not', () => {
    expect(spacedOffsets(4, 16, 5, createRng(1))).toEqual([0, 5, 10, 15]);
    expect(() => spacedOffsets(4, 15, 5, createRng(1))).toThrow(RangeError);
  });
});

describe('chooseWindowStart', () => {
  it('is uniform over every start without motion scores', () => {
    const rng = createRng('uniform');
    const starts = Array.from({ length: 5000 }, () => chooseWindowStart(14, null, 10, 0.3, rng));
    expect(chiSquareUniform(histogram(starts, 5))).toBeLessThan(chiSquareBound(4));
  });

  it('only picks windows that move when something does', () => {
    const motion = movingSegment(200, 120, 140);
    for (const seed of seeds(200)) {
      const start = chooseWindowStart(200, motion, 10, 0.3, createRng(seed));
      expect(start + 9).toBeGreaterThanOrEqual(120);
      expect(start + 1).toBeLessThan(140);
    }
  });

  it('refuses motion scores of another length', () => {
    expect(() => chooseWindowStart(100, new Float32Array(99), 10, 0.3, createRng(1))).toThrow(RangeError);
  });
});
