/**
 * Which clip of a neighbour matched which clip of the query: video retrieval ranks averaged vectors,
 * so the user sees neither; the pair of clips with the highest cosine among all pairs shows where the
 * two videos look alike.
 */
import { normalise } from '../util/knn.ts';

export interface ClipPair {
  queryClip: number;
  neighbourClip: number;
  /** Cosine similarity of the two clips' vectors, in [-1, 1]; 0 when either is zero. */
  score: number;
}

/** Each row of a clips × dimension matrix, unit length. */
function unitRows(vectors: Float32Array, dimension: number, owner: string): Float32Array[] {
  if (!Number.isSafeInteger(dimension) || dimension < 1) throw new RangeError(`dimension must be a positive integer, got ${dimension}`);
  if (vectors.length === 0 || vectors.length % dimension !== 0) {
    throw new RangeError(`${owner} holds ${vectors.length} numbers, not a positive multiple of dimension ${dimension}`);
  }
  return Array.from({ length: vectors.length / dimension }, (_, row) => normalise(vectors.subarray(row * dimension, (row + 1) * dimension)));
}

function dot(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

/** The (query clip, neighbour clip) pair with the highest cosine; ties keep the earliest pair. */
export function bestClipPair(query: Float32Array, neighbour: Float32Array, dimension: number): ClipPair {
  const queryRows = unitRows(query, dimension, 'The query clips');
  const neighbourRows = unitRows(neighbour, dimension, 'The neighbour clips');
  let best: ClipPair = { queryClip: 0, neighbourClip: 0, score: -Infinity };
  queryRows.forEach((queryRow, queryClip) => {
    neighbourRows.forEach((neighbourRow, neighbourClip) => {
      const score = dot(queryRow, neighbourRow);
      if (score > best.score) best = { queryClip, neighbourClip, score };
    });
  });
  return best;
}
