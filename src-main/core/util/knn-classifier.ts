/**
 * Classifiers on frozen features (PAPERS.md, "beyond retrieval"): solo-learn's weighted kNN, and the
 * items both they and the linear probe share. Train-split videos are the memory, test-split videos the
 * queries; a query whose class has no training video cannot be classified right and is left out (the
 * caller says so), as in the retrieval table.
 */
import { VectorGallery } from './knn.ts';

export interface LabelledItem {
  key: number;
  label: string;
  vector: Float32Array;
}

export interface ClassifierScore {
  /** Share of queries whose class is the best-scored one; null without queries. */
  top1: number | null;
  /** Share of queries whose class is among the five best-scored ones. */
  top5: number | null;
  queries: number;
}

/** solo-learn's WeightedKNNClassifier defaults: k = 20, temperature 0.07, cosine similarity. */
export const WEIGHTED_KNN = { k: 20, temperature: 0.07 } as const;

/** Classes ranked by score, best first; equal scores in name order, so results never depend on input order. */
export function rankClasses(scores: ReadonlyMap<string, number>): string[] {
  return [...scores].sort(([a, x], [b, y]) => y - x || (a < b ? -1 : a > b ? 1 : 0)).map(([label]) => label);
}

/** Top-1/top-5 hits of ranked class lists against the true labels. */
export function scoreRankings(rankings: readonly { label: string; ranked: readonly string[] }[]): ClassifierScore {
  if (rankings.length === 0) return { top1: null, top5: null, queries: 0 };
  const share = (depth: number) => rankings.filter(({ label, ranked }) => ranked.slice(0, depth).includes(label)).length / rankings.length;
  return { top1: share(1), top5: share(5), queries: rankings.length };
}

/**
 * Each query's k most similar memory items vote for their class with weight exp(cosine / T); the
 * classes are ranked by their summed weight.
 */
export function weightedKnn({
  memory,
  queries,
  k = WEIGHTED_KNN.k,
  temperature = WEIGHTED_KNN.temperature,
}: {
  memory: readonly LabelledItem[];
  queries: readonly LabelledItem[];
  k?: number;
  temperature?: number;
}): ClassifierScore {
  if (!(temperature > 0)) throw new RangeError(`temperature must be positive, got ${temperature}`);
  if (queries.length === 0 || memory.length === 0) return { top1: null, top5: null, queries: 0 };
  const dimension = (memory[0] as LabelledItem).vector.length;
  const vectors = new Float32Array(memory.length * dimension);
  memory.forEach((item, row) => {
    if (item.vector.length !== dimension) throw new RangeError(`The vector of key ${item.key} has dimension ${item.vector.length}, expected ${dimension}`);
    vectors.set(item.vector, row * dimension);
  });
  const gallery = new VectorGallery({ dimension, keys: memory.map((item) => item.key), vectors });
  const rankings = queries.map((query) => {
    const votes = new Map<string, number>();
    for (const neighbour of gallery.search(query.vector, k, { exclude: new Set([query.key]) })) {
      const label = (memory[neighbour.index] as LabelledItem).label;
      votes.set(label, (votes.get(label) ?? 0) + Math.exp(neighbour.score / temperature));
    }
    return { label: query.label, ranked: rankClasses(votes) };
  });
  return scoreRankings(rankings);
}
