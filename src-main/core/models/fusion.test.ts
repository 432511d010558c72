import { describe, expect, it } from 'vitest';
import * as tf from '../compute/tf.ts';
import { dynamicImage, elementPairs, orderWeights, pairFeatures, sumOfDifferences } from './fusion.ts';

describe('fusion', () => {
  it('lists pairs i < j row by row: 6 for OPN, 3 for VCOP', () => {
    expect(elementPairs(4)).toEqual([[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
    expect(elementPairs(3)).toEqual([[0, 1], [0, 2], [1, 2]]);
  });

  it('concatenates the features of each pair', () => {
    const features = tf.tensor3d([[[1, 2], [3, 4], [5, 6]]]);
    expect(pairFeatures(features).arraySync()).toEqual([[[1, 2, 3, 4], [1, 2, 5, 6], [3, 4, 5, 6]]]);
  });

  it('sums the differences of all pairs (later minus earlier)', () => {
    const values = [[[1, 0], [4, 1], [2, 5], [7, 3]]];
    const elements = values[0] as number[][];
    const expected = [0, 1].map((f) =>
      elementPairs(4).reduce((sum, [i, j]) => sum + (elements[j]?.[f] as number) - (elements[i]?.[f] as number), 0),
    );
    expect(sumOfDifferences(tf.tensor3d(values)).arraySync()).toEqual([expected]);
    expect(orderWeights(4)).toEqual([-3, -1, 1, 3]);
  });

  it('makes a dynamic image that is mid-grey for a still clip and tells an order from its reverse', () => {
    const frames = (levels: number[]) => tf.tensor5d(levels.flatMap((level) => Array(4 * 3).fill(level)), [1, levels.length, 2, 2, 3]);
    const still = dynamicImage(frames([0.3, 0.3, 0.3])).dataSync();
    expect([...still].every((value) => Math.abs(value - 0.5) < 1e-6)).toBe(true);
    const rising = dynamicImage(frames([0, 0.5, 1])).dataSync()[0] as number;
    const falling = dynamicImage(frames([1, 0.5, 0])).dataSync()[0] as number;
    expect(rising).toBeCloseTo(1);
    expect(falling).toBeCloseTo(0);
    const shuffled = dynamicImage(frames([0.5, 0, 1])).dataSync()[0] as number;
    expect(shuffled).toBeGreaterThan(falling);
    expect(shuffled).toBeLessThan(rising);
  });
});
