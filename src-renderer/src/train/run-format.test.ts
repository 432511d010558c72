import { describe, expect, it } from 'vitest';
import { formatAccuracy, formatLoss, formatPercent, formatRate, formatSteps, phaseLabel } from './run-format.ts';

describe('run format', () => {
  it('formats shares, accuracies, rates and losses, with dashes for nulls', () => {
    expect(formatPercent(0.123)).toBe('12 %');
    expect(formatPercent(null)).toBe('—');
    expect(formatAccuracy(0.8345)).toBe('83.5 %');
    expect(formatAccuracy(null)).toBe('—');
    expect(formatRate(0.345)).toBe('0.34 steps/s');
    expect(formatRate(4.21)).toBe('4.2 steps/s');
    expect(formatRate(123.4)).toBe('123 steps/s');
    expect(formatRate(null)).toBe('—');
    expect(formatLoss(2.4849)).toBe('2.48');
    expect(formatLoss(0.031234)).toBe('0.0312');
    expect(formatLoss(Number.NaN)).toBe('—');
    expect(formatSteps(1200, 100_000)).toBe('1,200 / 100,000');
    expect(phaseLabel('checkpointing')).toBe('Saving a checkpoint');
  });
});
