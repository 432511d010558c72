import { describe, expect, it } from 'vitest';
import { createRng } from '../tasks/rng.ts';
import { answerableQueries, rankNeighbours, retrievalGallery, seededSplit, splitFromLists, topKAccuracy, type RetrievalItem } from './evaluate.ts';

/** A unit vector at `angle` degrees: neighbours rank by angular distance. */
const at = (key: number, label: string | null, angle: number): RetrievalItem => ({
  key,
  label,
  vector: Float32Array.of(Math.cos((angle * Math.PI) / 180), Math.sin((angle * Math.PI) / 180)),
});

// Training items on the circle; the unlabelled one at 5° sits right next to query 11.
const train = [at(1, 'A', 0), at(2, 'A', 10), at(3, 'B', 20), at(4, 'B', 90), at(5, 'C', 180), at(6, null, 5)];
const test = [
  at(11, 'B', 2), // neighbours 0°A, 5°-, 10°A, 20°B: first match at rank 4
  at(12, 'A', 9), // 10°A first: rank 1
  at(13, 'C', 130), // 90°B, 180°C: rank 2
  at(14, 'D', 45), // no training item is D: never a hit
  at(15, null, 0), // unlabelled: skipped
];

describe('rankNeighbours', () => {
  it('marks which neighbours share the query label, and where the first one is', () => {
    const ranking = rankNeighbours(retrievalGallery(train, 2), test[0] as RetrievalItem, 5);
    expect(ranking.neighbours.map((n) => [n.key, n.label, n.sameLabel])).toEqual([
      [1, 'A', false],
      [6, null, null],
      [2, 'A', false],
      [3, 'B', true],
      [4, 'B', true],
    ]);
    expect(ranking.neighbours[0]?.score).toBeCloseTo(Math.cos((2 * Math.PI) / 180), 6);
    expect(ranking.firstMatchRank).toBe(4);
    expect(rankNeighbours(retrievalGallery(train, 2), test[0] as RetrievalItem, 3).firstMatchRank).toBeNull();
  });

  it('never returns the query itself when it is in the gallery', () => {
    const ranking = rankNeighbours(retrievalGallery(train, 2), train[0] as RetrievalItem, 2);
    expect(ranking.neighbours.map((n) => n.key)).toEqual([6, 2]);
    expect(ranking.firstMatchRank).toBe(2);
  });

  it('gives an unlabelled query no matches at all', () => {
    const ranking = rankNeighbours(retrievalGallery(train, 2), test[4] as RetrievalItem, 3);
    expect(ranking.neighbours.map((n) => n.sameLabel)).toEqual([null, null, null]);
    expect(ranking.firstMatchRank).toBeNull();
  });

  it('rejects gallery vectors of the wrong dimension, naming the key', () => {
    expect(() => retrievalGallery([at(1, 'A', 0), { key: 9, label: 'A', vector: Float32Array.of(1, 2, 3) }], 2)).toThrow(
      new RangeError('The vector of key 9 has dimension 3, expected 2'),
    );
  });
});

describe('topKAccuracy', () => {
  it('matches a hand-computed top-1/2/3/5 on a tiny labelled set', () => {
    const result = topKAccuracy({ gallery: train, queries: test, ks: [1, 2, 3, 5] });
    expect(result).toEqual({ ks: [1, 2, 3, 5], topK: { 1: 0.25, 2: 0.5, 3: 0.5, 5: 0.75 }, queries: 4, skippedUnlabelled: 1, gallery: 6 });
  });

  it('uses the VCOP ks by default, and k beyond the gallery counts every item', () => {
    const result = topKAccuracy({ gallery: train, queries: test });
    expect(result.ks).toEqual([1, 5, 10, 20, 50]);
    expect(result.topK).toEqual({ 1: 0.25, 5: 0.75, 10: 0.75, 20: 0.75, 50: 0.75 });
  });

  it('excludes each query from its own neighbours (leave-one-out)', () => {
    // Each A's nearest other item is the B between them: top-1 would be 1 if queries found themselves.
    const items = [at(1, 'A', 0), at(2, 'B', 10), at(3, 'A', 40)];
    expect(topKAccuracy({ gallery: items, queries: items, ks: [1, 2] }).topK).toEqual({ 1: 0, 2: 2 / 3 });
  });

  it('never lets unlabelled gallery items match', () => {
    const gallery = [at(1, null, 0), at(2, null, 1)];
    expect(topKAccuracy({ gallery, queries: [at(9, 'A', 0)], ks: [1, 2] }).topK).toEqual({ 1: 0, 2: 0 });
  });

  it('reports null, not NaN, without labelled queries', () => {
    const result = topKAccuracy({ gallery: train, queries: [at(20, null, 3)], ks: [1, 5] });
    expect(result).toEqual({ ks: [1, 5], topK: { 1: null, 5: null }, queries: 0, skippedUnlabelled: 1, gallery: 6 });
    expect(topKAccuracy({ gallery: [], queries: [], ks: [1] }).topK).toEqual({ 1: null });
  });

  it('scores 0 against an empty gallery', () => {
    expect(topKAccuracy({ gallery: [], queries: [at(1, 'A', 0)], ks: [1] })).toMatchObject({ topK: { 1: 0 }, queries: 1, gallery: 0 });
  });

  it('rejects empty or non-positive ks', () => {
    expect(() => topKAccuracy({ gallery: train, queries: test, ks: [] })).toThrow(RangeError);
    expect(() => topKAccuracy({ gallery: train, queries: test, ks: [1, 0] })).toThrow(new RangeError('ks must be positive integers, got [1, 0]'));
  });
});

describe('answerableQueries', () => {
  it('keeps labelled queries of a class the gallery has, and counts the others per class', () => {
    const more = [...test, at(16, 'D', 50), at(17, 'E', 60)];
    const { answerable, excluded } = answerableQueries(train, more);
    expect(answerable.map((query) => query.key)).toEqual([11, 12, 13]);
    expect(excluded).toEqual([
      { label: 'D', videos: 2 },
      { label: 'E', videos: 1 },
    ]);
    // With the impossible query left out, top-50 over this gallery is 1 instead of 3/4.
    expect(topKAccuracy({ gallery: train, queries: answerable }).topK[50]).toBe(1);
  });
});

describe('seededSplit', () => {
  // Label sizes 1, 2, 3, 7 and 20, plus unlabelled items, with keys in no particular order.
  const sizes: [string, number][] = [['solo', 1], ['pair', 2], ['three', 3], ['seven', 7], ['twenty', 20]];
  const items = createRng('split-items').shuffle([
    ...sizes.flatMap(([label, size], group) => Array.from({ length: size }, (_, i) => ({ key: group * 100 + i * 7, label }))),
    ...Array.from({ length: 5 }, (_, i) => ({ key: 1000 + i, label: null })),
  ]);
  const labelOf = new Map(items.map((item) => [item.key, item.label]));

  it('stratifies by label and partitions every key, for several seeds and fractions', () => {
    for (const testFraction of [0.1, 0.3, 0.5, 0.9]) {
      for (let seed = 0; seed < 8; seed++) {
        const { train: trainKeys, test: testKeys } = seededSplit(items, { seed, testFraction });
        expect([...trainKeys, ...testKeys].sort((a, b) => a - b)).toEqual(items.map((item) => item.key).sort((a, b) => a - b));
        expect(trainKeys).toEqual([...trainKeys].sort((a, b) => a - b));
        expect(testKeys).toEqual([...testKeys].sort((a, b) => a - b));
        for (const [label, size] of sizes) {
          const inTest = testKeys.filter((key) => labelOf.get(key) === label).length;
          const expected = size < 2 ? 0 : Math.min(size - 1, Math.max(1, Math.round(size * testFraction)));
          expect(inTest, `${label} at ${testFraction}`).toBe(expected);
        }
        expect(testKeys.every((key) => labelOf.get(key) !== null)).toBe(true);
      }
    }
  });

  it('is deterministic for a seed, whatever the input order, and differs between seeds', () => {
    const split = (seed: number, input = items) => seededSplit(input, { seed, testFraction: 0.3 });
    const reversed = [...items].reverse();
    const splits = new Set<string>();
    for (let seed = 0; seed < 8; seed++) {
      expect(split(seed)).toEqual(split(seed));
      expect(split(seed, reversed)).toEqual(split(seed));
      splits.add(JSON.stringify(split(seed).test));
    }
    expect(splits.size).toBe(8);
  });

  it("leaves other labels' split unchanged when a label is added", () => {
    const before = seededSplit(items, { seed: 3, testFraction: 0.3 });
    const grown = [...items, ...Array.from({ length: 9 }, (_, i) => ({ key: 5000 + i, label: 'new' }))];
    const after = seededSplit(grown, { seed: 3, testFraction: 0.3 });
    expect(after.test.filter((key) => key < 5000)).toEqual(before.test);
  });

  it('rejects fractions outside (0, 1) and duplicate keys', () => {
    for (const testFraction of [0, 1, -0.2, 1.5, Number.NaN]) {
      expect(() => seededSplit(items, { seed: 1, testFraction })).toThrow(RangeError);
    }
    expect(() => seededSplit([{ key: 1, label: 'A' }, { key: 1, label: 'B' }], { seed: 1, testFraction: 0.5 })).toThrow(
      new RangeError('Item keys must be distinct; key 1 appears more than once'),
    );
  });
});

describe('splitFromLists', () => {
  it('tests the listed keys, trains the rest, and reports listed keys that are not items', () => {
    const items = [{ key: 4, label: 'A' }, { key: 2, label: null }, { key: 9, label: 'B' }, { key: 1, label: 'A' }];
    expect(splitFromLists(items, [9, 77, 1, 3])).toEqual({ train: [2, 4], test: [1, 9], unknownTestKeys: [3, 77] });
    expect(splitFromLists(items, [])).toEqual({ train: [1, 2, 4, 9], test: [], unknownTestKeys: [] });
  });
});
