import { describe, expect, it } from 'vitest';
import type { EvaluationRow } from '@shared/dto.ts';
import { beyondGallery, bestPerK, fewQueries, hasEvaluableLabels, protocolSummary } from './evaluation-table.ts';

const row = (setId: number, topK: EvaluationRow['topK'], gallery = 12, queries = 4): EvaluationRow => ({
  setId,
  name: `set ${setId}`,
  isRandomInit: false,
  protocol: 'compact',
  inputSize: 40,
  clipsPerVideo: 10,
  featureSize: 1024,
  topK,
  queries,
  gallery,
});

describe('evaluation table', () => {
  it('finds the best value per k, skipping unmeasured ones', () => {
    const best = bestPerK([row(1, { 1: 0.25, 5: 1, 10: null }), row(2, { 1: 0.5, 5: 1, 10: null })], [1, 5, 10]);
    expect([...best]).toEqual([
      [1, 0.5],
      [5, 1],
    ]);
  });

  it('ignores k at or beyond the gallery size, where every query of a known class is a hit', () => {
    expect(beyondGallery(row(1, {}, 14), 10)).toBe(false);
    expect(beyondGallery(row(1, {}, 14), 20)).toBe(true);
    expect(beyondGallery(row(1, {}, 14), 14)).toBe(true);
    const best = bestPerK([row(1, { 1: 0.5, 20: 1 }, 14), row(2, { 1: 0.25, 20: 0.75 }, 30)], [1, 20]);
    expect([...best]).toEqual([
      [1, 0.5],
      [20, 0.75],
    ]);
  });

  it('warns below 20 queries, naming the fewest', () => {
    expect(fewQueries([row(1, {}, 14, 2), row(2, {}, 14, 30)])).toBe(2);
    expect(fewQueries([row(1, {}, 14, 20)])).toBeNull();
    expect(fewQueries([])).toBeNull();
  });

  it('says how the vectors were made', () => {
    expect(protocolSummary({ ...row(1, {}), protocol: 'vcop-reference', inputSize: 112, featureSize: 9216 })).toBe('VCOP reference · 112 px · 10 clips · 9,216-d');
    expect(protocolSummary({ ...row(1, {}), featureSize: null })).toBe('compact · 40 px · 10 clips');
  });

  it('needs a label with two videos', () => {
    expect(hasEvaluableLabels([{ label: null, count: 40, total: 40 }])).toBe(false);
    expect(hasEvaluableLabels([{ label: 'a', count: 1, total: 1 }, { label: 'b', count: 1, total: 3 }])).toBe(false);
    expect(hasEvaluableLabels([{ label: 'a', count: 2, total: 2 }])).toBe(true);
  });
});
