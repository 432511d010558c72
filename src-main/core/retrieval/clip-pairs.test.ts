import { describe, expect, it } from 'vitest';
import { bestClipPair } from './clip-pairs.ts';

const clips = (...rows: number[][]) => new Float32Array(rows.flat());

describe('bestClipPair', () => {
  it('finds the most similar pair among all clip pairs, by cosine, not by length', () => {
    // Query clip 2 points where neighbour clip 1 does; the long clip 0 vectors must not win by size.
    const query = clips([10, 0, 0], [0, 0, 10], [0, 1, 1]);
    const neighbour = clips([9, 9, 0], [0, 2, 2.2], [5, 0, 1]);
    const pair = bestClipPair(query, neighbour, 3);
    expect([pair.queryClip, pair.neighbourClip]).toEqual([2, 1]);
    expect(pair.score).toBeCloseTo((2 + 2.2) / (Math.SQRT2 * Math.hypot(2, 2.2)), 6);
  });

  it('scores a zero clip 0 and negative pairs below it', () => {
    const pair = bestClipPair(clips([1, 0], [0, 0]), clips([-1, 0]), 2);
    expect(pair).toEqual({ queryClip: 1, neighbourClip: 0, score: 0 });
  });

  it('refuses vectors that are not whole clips', () => {
    expect(() => bestClipPair(clips([1, 0, 1]), clips([1, 0]), 2)).toThrow(/not a positive multiple of dimension 2/);
    expect(() => bestClipPair(clips(), clips([1, 0]), 2)).toThrow(/query clips holds 0/);
    expect(() => bestClipPair(clips([1]), clips([1]), 0)).toThrow(/dimension/);
  });
});
