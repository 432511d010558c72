// Exact cosine k-NN search: gallery build (copy + L2-normalise) time and top-k query latency for
// galleries of seeded random vectors (goal: 100k × 512, top-50 in ≤ 30 ms on two cores).
// Usage: npx tsx bench/search.ts [queries=50] [k=50] [dimension=512]
import { VectorGallery } from '../src-main/core/util/knn.ts';
import { createRng, type Rng } from '../src-main/core/tasks/rng.ts';
import { printReport } from './report.ts';

const queryCount = Number(process.argv[2] ?? 50);
const k = Number(process.argv[3] ?? 50);
const dimension = Number(process.argv[4] ?? 512);
const SIZES = [1_000, 10_000, 100_000];
// Untimed queries first, so the timed ones run optimised code.
const WARM_UP_QUERIES = 20;

function randomVectors(rng: Rng, count: number): Float32Array {
  // A plain loop: Float32Array.from({ length }, fn) builds a huge temporary array whose garbage
  // collection then lands in the timed build.
  const vectors = new Float32Array(count * dimension);
  for (let i = 0; i < vectors.length; i++) vectors[i] = rng.next() * 2 - 1;
  return vectors;
}

const rng = createRng('bench-search');
const rows = [];
for (const size of SIZES) {
  const vectors = randomVectors(rng.fork(`gallery-${size}`), size);
  const keys = Array.from({ length: size }, (_, index) => index);
  const buildStarted = performance.now();
  const gallery = new VectorGallery({ dimension, keys, vectors });
  const buildMs = performance.now() - buildStarted;

  const queries = randomVectors(rng.fork(`queries-${size}`), WARM_UP_QUERIES + queryCount);
  const query = (index: number) => queries.subarray(index * dimension, (index + 1) * dimension);
  for (let i = 0; i < WARM_UP_QUERIES; i++) gallery.search(query(i), k);
  const times: number[] = [];
  for (let i = WARM_UP_QUERIES; i < WARM_UP_QUERIES + queryCount; i++) {
    const started = performance.now();
    gallery.search(query(i), k);
    times.push(performance.now() - started);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))] as number;
  rows.push({
    gallery: size,
    gallery_mb: (size * dimension * 4) / 1e6,
    build_ms: buildMs,
    median_ms: at(0.5),
    p95_ms: at(0.95),
    max_ms: times.at(-1) as number,
  });
}
printReport(`top-${k} cosine search, dimension ${dimension}`, rows, { queries: queryCount, k, dimension, node: process.version });
