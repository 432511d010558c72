import { describe, expect, it } from 'vitest';
import { rankClasses, weightedKnn } from './knn-classifier.ts';
import { labelledItems, shuffledLabels } from '../retrieval/test-support.ts';

describe('weightedKnn', () => {
  it('scores 1.0 when the features encode the label', () => {
    const memory = labelledItems(6, 10, 1);
    const queries = labelledItems(6, 5, 2, { firstKey: 1000 });
    expect(weightedKnn({ memory, queries })).toEqual({ top1: 1, top5: 1, queries: 30 });
  });

  it('scores about chance (1/10 top-1, 5/10 top-5) when the labels are shuffled', () => {
    const memory = shuffledLabels(labelledItems(10, 40, 3), 10, 4);
    const queries = shuffledLabels(labelledItems(10, 40, 5, { firstKey: 10_000 }), 10, 6);
    const score = weightedKnn({ memory, queries });
    expect(score.queries).toBe(400);
    expect(score.top1).toBeGreaterThan(0.04);
    expect(score.top1).toBeLessThan(0.18);
    expect(score.top5).toBeGreaterThan(0.4);
    expect(score.top5).toBeLessThan(0.6);
  });

  it('weights close neighbours far above distant ones (exp(cos / T))', () => {
    const item = (key: number, label: string, values: number[]) => ({ key, label, vector: Float32Array.from(values) });
    // One near "a" outvotes three farther "b"s: exp(1/0.07) ≫ 3·exp(0.6/0.07).
    const memory = [item(1, 'a', [1, 0]), item(2, 'b', [0.6, 0.8]), item(3, 'b', [0.6, 0.8]), item(4, 'b', [0.6, 0.8])];
    expect(weightedKnn({ memory, queries: [item(9, 'a', [1, 0])], k: 4 }).top1).toBe(1);
    // With a high temperature the votes are nearly equal and the majority wins.
    expect(weightedKnn({ memory, queries: [item(9, 'a', [1, 0])], k: 4, temperature: 100 }).top1).toBe(0);
  });

  it('has no score without queries or memory, and refuses a bad temperature or mixed sizes', () => {
    expect(weightedKnn({ memory: labelledItems(2, 2, 1), queries: [] })).toEqual({ top1: null, top5: null, queries: 0 });
    expect(() => weightedKnn({ memory: labelledItems(2, 2, 1), queries: [], temperature: 0 })).toThrow(/temperature/);
    const memory = [...labelledItems(2, 2, 1), { key: 99, label: 'x', vector: new Float32Array(3) }];
    expect(() => weightedKnn({ memory, queries: labelledItems(2, 1, 2, { firstKey: 500 }) })).toThrow(/dimension/);
  });

  it('ranks tied classes by name', () => {
    expect(rankClasses(new Map([['b', 1], ['a', 1], ['c', 2]]))).toEqual(['c', 'a', 'b']);
  });
});
