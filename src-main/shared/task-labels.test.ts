import { describe, expect, it } from 'vitest';
import { classCount, TASK_PRESETS } from './tasks.ts';
import { labelBaseline } from './task-labels.ts';

describe('task labels', () => {
  it('counts the classes each task draws from', () => {
    expect(classCount(TASK_PRESETS['order-verification'].paper)).toBe(2);
    expect(classCount(TASK_PRESETS['sequence-sorting'].paper)).toBe(12);
    expect(classCount(TASK_PRESETS['odd-one-out'].paper)).toBe(6);
    expect(classCount(TASK_PRESETS['odd-one-out'].tiny)).toBe(4);
    expect(classCount(TASK_PRESETS['clip-order'].paper)).toBe(6);
    expect(classCount({ ...TASK_PRESETS['clip-order'].tiny, clips: 4 })).toBe(24);
  });

  it('gives chance, and the majority class where labels are not uniform', () => {
    expect(labelBaseline(TASK_PRESETS['clip-order'].tiny)).toEqual({ chance: 1 / 6, majority: 1 / 6 });
    expect(labelBaseline(TASK_PRESETS['order-verification'].tiny)).toEqual({ chance: 0.5, majority: 0.75 });
    // Mostly positives: the positive class is then the majority.
    expect(labelBaseline({ ...TASK_PRESETS['order-verification'].tiny, negativeRatio: 0.1 }).majority).toBeCloseTo(0.9);
  });
});
