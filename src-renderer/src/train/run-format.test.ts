import { describe, expect, it } from 'vitest';
import { formatLoss, formatRate, phaseLabel } from './run-format.ts';

describe('run format', () => {
  it('formats rates and losses, with dashes for nulls', () => {
    expect(formatRate(0.345)).toBe('0.34 steps/s');
    expect(formatRate(4.21)).toBe('4.2 steps/s');
    expect(formatRate(123.4)).toBe('123 steps/s');
    expect(formatRate(null)).toBe('—');
    expect(formatLoss(2.4849)).toBe('2.48');
    expect(formatLoss(0.031234)).toBe('0.0312');
    expect(formatLoss(Number.NaN)).toBe('—');
    expect(phaseLabel('checkpointing')).toBe('Saving a checkpoint');
  });
});
