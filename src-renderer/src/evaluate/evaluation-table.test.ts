import { describe, expect, it } from 'vitest';
import type { EvaluationRow } from '../../../src-main/shared/dto.ts';
import { bestPerK, hasEvaluableLabels } from './evaluation-table.ts';

const row = (setId: number, topK: EvaluationRow['topK']): EvaluationRow => ({
  setId,
  name: `set ${setId}`,
  isRandomInit: false,
  topK,
  queries: 4,
  gallery: 12,
});

describe('evaluation table', () => {
  it('finds the best value per k, skipping unmeasured ones', () => {
    const best = bestPerK([row(1, { 1: 0.25, 5: 1, 10: null }), row(2, { 1: 0.5, 5: 1, 10: null })], [1, 5, 10]);
    expect([...best]).toEqual([
      [1, 0.5],
      [5, 1],
    ]);
  });

  it('needs a label with two videos', () => {
    expect(hasEvaluableLabels([{ label: null, count: 40, total: 40 }])).toBe(false);
    expect(hasEvaluableLabels([{ label: 'a', count: 1, total: 1 }, { label: 'b', count: 1, total: 3 }])).toBe(false);
    expect(hasEvaluableLabels([{ label: 'a', count: 2, total: 2 }])).toBe(true);
  });
});
