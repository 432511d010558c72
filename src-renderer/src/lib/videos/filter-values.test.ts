import { describe, expect, it } from 'vitest';
import { labelToValue, valueToLabel, valueToStatus } from './filter-values.ts';

describe('filter select values', () => {
  it('round-trips all, unlabelled and named labels', () => {
    for (const label of [undefined, null, 'ApplyEyeMakeup', 'unlabelled']) {
      expect(valueToLabel(labelToValue(label))).toBe(label);
    }
    expect(labelToValue('Basketball')).toBe('Basketball');
  });
  it('accepts only known statuses', () => {
    expect(valueToStatus('failed')).toBe('failed');
    expect(valueToStatus('')).toBeUndefined();
    expect(valueToStatus('bogus')).toBeUndefined();
  });
});
