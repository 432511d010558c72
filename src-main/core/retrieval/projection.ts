/**
 * 2D maps of feature vectors for the embedding view: PCA (exact up to convergence, fast, linear) and
 * UMAP (keeps neighbourhoods, slower). Both are deterministic for a seed, so a map redrawn after a
 * reload looks the same.
 */
import { UMAP } from 'umap-js';
import { createRng, type Rng } from '../tasks/rng.ts';

export interface Point2d {
  x: number;
  y: number;
}

/**
 * The error shrinks by λ₂/λ₁ per iteration: after 100, a ratio of 0.9 leaves 3e-5, invisible on a map.
 * Closer eigenvalues converge slower but then every direction among them spreads the points alike;
 * the cap bounds 13k × 512 features with a flat spectrum (the worst case) to about 4 s in Node 20.
 */
const POWER_ITERATIONS = 100;
/** Converged when the unit direction turns by less than this (radians, near enough) in one iteration. */
const CONVERGENCE = 1e-10;
/**
 * A component holding less than this share of the total variance is rounding residue (e.g. what
 * deflation leaves of points on a line), drawn as 0 rather than as magnified noise.
 */
const NOISE_SHARE = 1e-20;
/** umap-js's own default neighbourhood size. */
const UMAP_NEIGHBOURS = 15;

/** Checks that all vectors share one dimension and are finite; returns that dimension. */
function dimensionOf(vectors: readonly Float32Array[]): number {
  const dimension = vectors[0]?.length ?? 0;
  vectors.forEach((vector, index) => {
    if (vector.length !== dimension) throw new RangeError(`Vector ${index} has dimension ${vector.length}, vector 0 has ${dimension}`);
    if (!vector.every(Number.isFinite)) throw new RangeError(`Vector ${index} holds a non-finite number`);
  });
  return dimension;
}

/** The first two principal components' scores, by power iteration on the centred data with deflation. */
export function pca2d(vectors: readonly Float32Array[], seed: number): Point2d[] {
  const dimension = dimensionOf(vectors);
  const data = centred(vectors, dimension);
  const totalVariance = data.reduce((sum, value) => sum + value * value, 0);
  const rng = createRng(seed);
  const xs = principalScores(data, vectors.length, dimension, totalVariance, rng.fork('x'));
  const ys = principalScores(data, vectors.length, dimension, totalVariance, rng.fork('y'));
  return Array.from(xs, (x, i) => ({ x, y: ys[i] as number }));
}

/**
 * Rows minus their mean, row-major in float64. The mean is taken as the first row plus the mean
 * difference from it, so identical rows centre to exactly zero.
 */
function centred(vectors: readonly Float32Array[], dimension: number): Float64Array {
  const first = vectors[0] ?? new Float32Array(0);
  const shift = new Float64Array(dimension);
  for (const vector of vectors) {
    for (let j = 0; j < dimension; j++) shift[j] = (shift[j] as number) + ((vector[j] as number) - (first[j] as number));
  }
  const data = new Float64Array(vectors.length * dimension);
  vectors.forEach((vector, row) => {
    for (let j = 0; j < dimension; j++) {
      data[row * dimension + j] = (vector[j] as number) - (first[j] as number) - (shift[j] as number) / vectors.length;
    }
  });
  return data;
}

/**
 * Scores along the top principal direction of `data`, which is then deflated in place (that direction
 * removed from every row) so the next call finds the next component. All zeros when no direction
 * carries more than rounding residue. The direction's sign makes its largest-magnitude loading positive.
 */
function principalScores(data: Float64Array, rows: number, dimension: number, totalVariance: number, rng: Rng): Float64Array {
  const scores = new Float64Array(rows);
  let direction = unit(Float64Array.from({ length: dimension }, () => rng.next() - 0.5));
  for (let iteration = 0; iteration < POWER_ITERATIONS; iteration++) {
    // Xᵀ(X v) without forming the covariance, in one pass so each row is read from cache twice.
    const next = new Float64Array(dimension);
    for (let row = 0; row < rows; row++) {
      const offset = row * dimension;
      const score = rowDot(data, offset, direction);
      for (let j = 0; j < dimension; j++) next[j] = (next[j] as number) + score * (data[offset + j] as number);
    }
    if (next.every((value) => value === 0)) return scores.fill(0);
    const previous = direction;
    direction = unit(next);
    // The direction's sign is free: compare against whichever of ±previous is closer.
    const sign = dot(previous, direction) < 0 ? -1 : 1;
    const moved = Math.sqrt(direction.reduce((sum, value, j) => sum + (value - sign * (previous[j] as number)) ** 2, 0));
    if (moved < CONVERGENCE) break;
  }
  const largest = direction.reduce((best, value, j) => (Math.abs(value) > Math.abs(direction[best] as number) ? j : best), 0);
  if ((direction[largest] as number) < 0) direction = direction.map((value) => -value);
  for (let row = 0; row < rows; row++) scores[row] = rowDot(data, row * dimension, direction);
  if (dot(scores, scores) <= totalVariance * NOISE_SHARE) return scores.fill(0);
  for (let row = 0; row < rows; row++) {
    const offset = row * dimension;
    for (let j = 0; j < dimension; j++) data[offset + j] = (data[offset + j] as number) - (scores[row] as number) * (direction[j] as number);
  }
  return scores;
}

/** The row of `data` starting at `offset`, dotted with `direction`. */
function rowDot(data: Float64Array, offset: number, direction: Float64Array): number {
  let sum = 0;
  for (let j = 0; j < direction.length; j++) sum += (data[offset + j] as number) * (direction[j] as number);
  return sum;
}

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function unit(vector: Float64Array): Float64Array {
  const length = Math.sqrt(dot(vector, vector));
  return length === 0 ? vector : vector.map((value) => value / length);
}

/**
 * UMAP with umap-js's defaults (Euclidean distance: pass normalised vectors for a cosine-like map),
 * seeded. Below three points there is no neighbourhood to keep, and PCA draws them instead.
 */
export function umap2d(vectors: readonly Float32Array[], seed: number): Point2d[] {
  dimensionOf(vectors);
  if (vectors.length < 3) return pca2d(vectors, seed);
  const rng = createRng(seed);
  const umap = new UMAP({
    nComponents: 2,
    nNeighbors: Math.min(UMAP_NEIGHBOURS, vectors.length - 1),
    random: () => rng.next(),
  });
  return umap.fit(vectors.map((vector) => Array.from(vector))).map(([x, y]) => ({ x: x as number, y: y as number }));
}
