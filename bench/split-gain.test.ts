import { describe, expect, it } from 'vitest';
import { gainOverSplits } from './split-gain.ts';

describe('gainOverSplits', () => {
  it('averages the per-split gains and gives the standard error of that mean', () => {
    const { gain, standardError } = gainOverSplits([0.1, 0.2, 0.3, 0.4]);
    expect(gain).toBeCloseTo(0.25, 12);
    // Sample deviation of 0.1…0.4 is √(0.05 / 3); over √4 splits.
    expect(standardError).toBeCloseTo(Math.sqrt(0.05 / 3) / 2, 12);
  });

  it('gives no standard error for one split, and zero when every split agrees', () => {
    expect(gainOverSplits([0.125])).toEqual({ gain: 0.125, standardError: null });
    expect(gainOverSplits([-0.05, -0.05, -0.05]).standardError).toBe(0);
  });

  it('refuses to average nothing', () => {
    expect(() => gainOverSplits([])).toThrow(/no split/);
  });
});
