import { describe, expect, it } from 'vitest';
import { createRng, type Rng } from '../tasks/rng.ts';
import { pca2d, umap2d, type Point2d } from './projection.ts';

/** Standard normal draws (Box-Muller). */
const gaussian = (rng: Rng) => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
const variance = (values: number[]) => {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return values.reduce((sum, value) => sum + (value - mean) ** 2, 0) / values.length;
};
const correlation = (a: number[], b: number[]) => {
  const mean = (values: number[]) => values.reduce((x, y) => x + y, 0) / values.length;
  const [ma, mb] = [mean(a), mean(b)];
  const covariance = a.reduce((sum, value, i) => sum + (value - ma) * ((b[i] as number) - mb), 0) / a.length;
  return covariance / Math.sqrt(variance(a) * variance(b));
};
const finite = (points: Point2d[]) => points.every(({ x, y }) => Number.isFinite(x) && Number.isFinite(y));

describe('pca2d', () => {
  it('recovers a 10-D cloud stretched along one direction and, less, along another', () => {
    const rng = createRng('pca-cloud');
    const along = Float64Array.from({ length: 10 }, (_, j) => (j === 0 ? 0.6 : j === 3 ? 0.8 : 0)); // unit
    const across = Float64Array.from({ length: 10 }, (_, j) => (j === 5 ? 1 : 0));
    const main = Array.from({ length: 300 }, () => 10 * gaussian(rng));
    const second = Array.from({ length: 300 }, () => 3 * gaussian(rng));
    const vectors = main.map((t, i) =>
      Float32Array.from({ length: 10 }, (_, j) => 4 + t * (along[j] as number) + (second[i] as number) * (across[j] as number) + 0.1 * gaussian(rng)),
    );
    const points = pca2d(vectors, 1);
    const xs = points.map((p) => p.x);
    const ys = points.map((p) => p.y);
    expect(variance(xs)).toBeGreaterThan(8 * variance(ys));
    expect(variance(xs)).toBeCloseTo(variance(main), -1);
    expect(Math.abs(correlation(xs, main))).toBeGreaterThan(0.999);
    expect(Math.abs(correlation(ys, second))).toBeGreaterThan(0.99);
    // Scores are centred.
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0, 9);
  });

  it('puts points on a line at their signed distance along it, the largest loading made positive', () => {
    // Direction (1, 4, 0, −8)/9: its largest loading is negative, so x runs against t.
    const ts = [-3, 0, 1, 2, 5, 7];
    const vectors = ts.map((t) => Float32Array.of(5 + t, 4 * t, 1, 1 - 8 * t));
    const meanT = ts.reduce((a, b) => a + b, 0) / ts.length;
    pca2d(vectors, 7).forEach(({ x, y }, i) => {
      expect(x).toBeCloseTo(-9 * ((ts[i] as number) - meanT), 9);
      expect(y).toBe(0);
    });
  });

  it('is deterministic for a seed, and the seed only changes rounding', () => {
    const rng = createRng('pca-determinism');
    const vectors = Array.from({ length: 40 }, () => Float32Array.from({ length: 6 }, (_, j) => (j + 1) * gaussian(rng)));
    expect(pca2d(vectors, 3)).toEqual(pca2d(vectors, 3));
    const [a, b] = [pca2d(vectors, 3), pca2d(vectors, 4)];
    a.forEach((point, i) => {
      expect(point.x).toBeCloseTo(b[i]?.x as number, 6);
      expect(point.y).toBeCloseTo(b[i]?.y as number, 6);
    });
  });

  it('handles 0, 1 and 2 points, identical points and empty vectors without NaN', () => {
    expect(pca2d([], 1)).toEqual([]);
    expect(pca2d([Float32Array.of(1, 2, 3)], 1)).toEqual([{ x: 0, y: 0 }]);
    const two = pca2d([Float32Array.of(0, 0), Float32Array.of(3, 4)], 1);
    expect(two.map((p) => p.x)).toEqual([expect.closeTo(-2.5, 12), expect.closeTo(2.5, 12)]);
    expect(two.map((p) => p.y)).toEqual([0, 0]);
    const same = Array.from({ length: 5 }, () => Float32Array.of(0.1, -7.3, 1e-3));
    expect(pca2d(same, 1)).toEqual(Array.from({ length: 5 }, () => ({ x: 0, y: 0 })));
    expect(pca2d([new Float32Array(0), new Float32Array(0)], 1)).toEqual([{ x: 0, y: 0 }, { x: 0, y: 0 }]);
  });

  it('rejects mixed dimensions and non-finite numbers', () => {
    expect(() => pca2d([Float32Array.of(1, 2), Float32Array.of(1)], 1)).toThrow(new RangeError('Vector 1 has dimension 1, vector 0 has 2'));
    expect(() => pca2d([Float32Array.of(1, Number.NaN)], 1)).toThrow(new RangeError('Vector 0 holds a non-finite number'));
  });
});

describe('umap2d', () => {
  /** 20 points around each of three centres 12 apart in 10-D; returns the points and their cluster. */
  function clusters(seed: string) {
    const rng = createRng(seed);
    const cluster = Array.from({ length: 60 }, (_, i) => i % 3);
    const vectors = cluster.map((c) => Float32Array.from({ length: 10 }, (_, j) => (j === c ? 12 : 0) + gaussian(rng)));
    return { vectors, cluster };
  }

  it('keeps separated clusters apart', () => {
    const { vectors, cluster } = clusters('umap-clusters');
    const points = umap2d(vectors, 5);
    expect(points).toHaveLength(60);
    expect(finite(points)).toBe(true);
    let [intra, intraCount, inter, interCount] = [0, 0, 0, 0];
    points.forEach((a, i) =>
      points.forEach((b, j) => {
        if (j <= i) return;
        const distance = Math.hypot(a.x - b.x, a.y - b.y);
        if (cluster[i] === cluster[j]) [intra, intraCount] = [intra + distance, intraCount + 1];
        else [inter, interCount] = [inter + distance, interCount + 1];
      }),
    );
    expect(intra / intraCount).toBeLessThan(0.5 * (inter / interCount));
  });

  it('is deterministic for a seed', () => {
    const { vectors } = clusters('umap-determinism');
    expect(umap2d(vectors, 9)).toEqual(umap2d(vectors, 9));
    expect(umap2d(vectors, 9)).not.toEqual(umap2d(vectors, 10));
  });

  it('draws fewer than three points with PCA', () => {
    const two = [Float32Array.of(0, 0), Float32Array.of(3, 4)];
    expect(umap2d(two, 1)).toEqual(pca2d(two, 1));
    expect(umap2d([], 1)).toEqual([]);
    expect(() => umap2d([Float32Array.of(1), Float32Array.of(1, 2), Float32Array.of(0)], 1)).toThrow(RangeError);
  });
});
