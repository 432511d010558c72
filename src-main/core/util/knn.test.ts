import { describe, expect, it } from 'vitest';
import { createRng } from '../tasks/rng.ts';
import { normalise, VectorGallery, type Neighbour, type SearchOptions } from './knn.ts';

const degrees = (angle: number, length = 1) => [length * Math.cos((angle * Math.PI) / 180), length * Math.sin((angle * Math.PI) / 180)];

function gallery(rows: number[][], keys = rows.map((_, index) => 100 + index)): VectorGallery {
  return new VectorGallery({ dimension: rows[0]?.length ?? 2, keys, vectors: Float32Array.from(rows.flat()) });
}

const q = (...values: number[]) => Float32Array.from(values);
const keysOf = (neighbours: Neighbour[]) => neighbours.map((neighbour) => neighbour.key);

describe('normalise', () => {
  it('returns a unit-length copy and leaves the input alone', () => {
    const input = q(3, 4);
    const unit = normalise(input);
    expect(Array.from(unit)).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    expect(Array.from(input)).toEqual([3, 4]);
  });

  it('keeps a zero vector zero', () => {
    expect(Array.from(normalise(q(0, 0, 0)))).toEqual([0, 0, 0]);
  });
});

describe('VectorGallery', () => {
  // Angles 60, 0, 180, 30, 90 degrees with different lengths: the order must not follow the input's.
  const angled = gallery([degrees(60, 2), degrees(0, 0.5), degrees(180, 3), degrees(30, 10), degrees(90, 1)]);

  it('ranks by cosine similarity with exact scores', () => {
    const result = angled.search(q(1, 0), 5);
    expect(result.map((n) => n.index)).toEqual([1, 3, 0, 4, 2]);
    expect(keysOf(result)).toEqual([101, 103, 100, 104, 102]);
    const expected = [1, Math.sqrt(3) / 2, 0.5, 0, -1];
    result.forEach((neighbour, rank) => expect(neighbour.score).toBeCloseTo(expected[rank] as number, 6));
  });

  it('ignores the length of the query', () => {
    expect(angled.search(q(0, 7), 5)).toEqual(angled.search(q(0, 0.01), 5));
    expect(keysOf(angled.search(q(0, 7), 2))).toEqual([104, 100]);
  });

  it('returns only the k best, and every row when k exceeds the gallery', () => {
    expect(keysOf(angled.search(q(1, 0), 2))).toEqual([101, 103]);
    expect(angled.search(q(1, 0), 50)).toHaveLength(5);
  });

  it('breaks ties by the lower index, also when a tie straddles the k-th place', () => {
    // Rows 0, 2 and 3 point the same way as the query; their unit vectors are identical.
    const tied = gallery([[1, 0], [0, 1], [2, 0], [3, 0], [-1, 0]]);
    expect(tied.search(q(1, 0), 5).map((n) => [n.index, n.score])).toEqual([[0, 1], [2, 1], [3, 1], [1, 0], [4, -1]]);
    expect(tied.search(q(1, 0), 2).map((n) => n.index)).toEqual([0, 2]);
    expect(tied.search(q(0, -1), 3).map((n) => n.index)).toEqual([0, 2, 3]); // all score 0 but row 1
  });

  it('excludes keys, e.g. the query itself, and still fills k when it can', () => {
    expect(keysOf(angled.search(q(1, 0), 2, { exclude: new Set([101]) }))).toEqual([103, 100]);
    expect(angled.search(q(1, 0), 5, { exclude: new Set([101, 999]) })).toHaveLength(4);
    expect(angled.search(q(1, 0), 9, { exclude: new Set(angled.keys) })).toEqual([]);
  });

  it('searches only the candidates when given, ignoring unknown keys', () => {
    const candidates = new Set([104, 102, 100, 555]);
    expect(keysOf(angled.search(q(1, 0), 10, { candidates }))).toEqual([100, 104, 102]);
    expect(keysOf(angled.search(q(1, 0), 10, { candidates, exclude: new Set([100]) }))).toEqual([104, 102]);
    expect(angled.search(q(1, 0), 3, { candidates: new Set() })).toEqual([]);
  });

  it('scores zero vectors 0 against everything', () => {
    const withZero = gallery([[0, 0], [1, 0], [-1, 0]]);
    expect(withZero.search(q(1, 0), 3).map((n) => [n.index, n.score])).toEqual([[1, 1], [0, 0], [2, -1]]);
    expect(withZero.search(q(0, 0), 3).map((n) => [n.index, n.score])).toEqual([[0, 0], [1, 0], [2, 0]]);
  });

  it('keeps its own normalised copy of the vectors', () => {
    const vectors = q(3, 4, 0, 2);
    const copy = new VectorGallery({ dimension: 2, keys: [1, 2], vectors });
    vectors.fill(9);
    expect(Array.from(copy.vectors)).toEqual([Math.fround(0.6), Math.fround(0.8), 0, 1]);
    expect(keysOf(copy.search(q(0, 1), 2))).toEqual([2, 1]);
  });

  it('searches an empty gallery', () => {
    const empty = new VectorGallery({ dimension: 3, keys: [], vectors: new Float32Array(0) });
    expect(empty.size).toBe(0);
    expect(empty.search(q(1, 2, 3), 5)).toEqual([]);
  });

  it('rejects bad shapes, values, keys and k with clear errors', () => {
    const make = (input: Partial<ConstructorParameters<typeof VectorGallery>[0]>) => () =>
      new VectorGallery({ dimension: 2, keys: [1, 2], vectors: q(1, 0, 0, 1), ...input });
    expect(make({ vectors: q(1, 0, 0) })).toThrow(new RangeError('A gallery of 2 keys × dimension 2 needs 4 numbers, got 3'));
    expect(make({ dimension: 0, keys: [], vectors: q() })).toThrow(/dimension must be a positive integer, got 0/);
    expect(make({ dimension: 1.5 })).toThrow(RangeError);
    expect(make({ vectors: q(1, 0, Number.NaN, 1) })).toThrow(new RangeError('The vector of key 2 holds NaN at position 0'));
    expect(make({ vectors: q(1, -Infinity, 0, 1) })).toThrow(new RangeError('The vector of key 1 holds -Infinity at position 1'));
    expect(make({ keys: [7, 7] })).toThrow(new RangeError('Gallery keys must be distinct; key 7 appears more than once'));

    expect(() => angled.search(q(1, 0, 0), 1)).toThrow(new RangeError('A query of dimension 3 cannot search a gallery of dimension 2'));
    expect(() => angled.search(q(Number.NaN, 0), 1)).toThrow(new RangeError('The query holds NaN at position 0'));
    for (const k of [0, -1, 1.5, Number.NaN]) {
      expect(() => angled.search(q(1, 0), k)).toThrow(new RangeError(`k must be a positive integer, got ${k}`));
    }
  });
});

describe('VectorGallery against a brute-force full sort', () => {
  /** Every allowed row scored by a plain loop over the gallery's unit rows, then fully sorted. */
  function naive(target: VectorGallery, query: Float32Array, k: number, options: SearchOptions): Neighbour[] {
    const unit = normalise(query);
    const all: Neighbour[] = [];
    target.keys.forEach((key, index) => {
      if (options.exclude?.has(key) || (options.candidates && !options.candidates.has(key))) return;
      let score = 0;
      for (let i = 0; i < target.dimension; i++) score += (unit[i] as number) * (target.vectors[index * target.dimension + i] as number);
      all.push({ key, index, score });
    });
    return all.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, k);
  }

  it('agrees on order and scores for many sizes, dimensions, k and options', () => {
    const rng = createRng('knn-brute-force');
    let compared = 0;
    for (const dimension of [1, 3, 8, 13]) {
      for (const size of [0, 1, 2, 5, 33, 200]) {
        const vectors = Float32Array.from({ length: size * dimension }, () => rng.next() * 2 - 1);
        // Exact duplicates of earlier rows give exact ties.
        for (let row = 1; row < size; row += 3) {
          const source = rng.int(0, row);
          vectors.copyWithin(row * dimension, source * dimension, (source + 1) * dimension);
        }
        const keys = rng.shuffle(Array.from({ length: size }, (_, index) => index * 10));
        const target = new VectorGallery({ dimension, keys, vectors });
        for (const k of [1, 2, 7, 50, 300]) {
          const query = Float32Array.from({ length: dimension }, () => rng.next() * 2 - 1);
          const someKeys = new Set(keys.filter(() => rng.chance(0.5)));
          for (const options of [{}, { exclude: someKeys }, { candidates: someKeys }, { candidates: someKeys, exclude: new Set(keys.slice(0, 3)) }]) {
            const fast = target.search(query, k, options);
            const slow = naive(target, query, k, options);
            expect(fast.map((n) => n.index)).toEqual(slow.map((n) => n.index));
            fast.forEach((neighbour, rank) => expect(neighbour.score).toBeCloseTo(slow[rank]?.score as number, 12));
            compared++;
          }
        }
      }
    }
    expect(compared).toBe(4 * 6 * 5 * 4);
  });
});
