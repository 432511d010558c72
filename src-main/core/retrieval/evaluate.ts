/**
 * The VCOP retrieval protocol: test videos query the training videos by cosine similarity, and a
 * query scores a hit at k when any of its k nearest training videos has its label. Training needs no
 * labels; only this evaluation reads them.
 */
import { EVALUATION_KS } from '../../shared/dto.ts';
import { VectorGallery, type Neighbour } from '../util/knn.ts';

export interface RetrievalItem {
  key: number;
  label: string | null;
  vector: Float32Array;
}

// The split lives in core/tasks so that fine-tuning (core/training) draws exactly the table's split.
export { answerableQueries, seededSplit, splitFromLists, type Split } from '../tasks/evaluation-split.ts';

/** Train (gallery) and test (query) video ids of one evaluation, with the seed and fraction that drew them. */
export interface EvaluatedSplit {
  train: number[];
  test: number[];
  seed: number;
  testFraction: number;
}

/** Training items ready to be searched, with their labels by gallery row. */
export interface RetrievalGallery {
  vectors: VectorGallery;
  labels: readonly (string | null)[];
}

export function retrievalGallery(unordered: readonly RetrievalItem[], dimension: number): RetrievalGallery {
  // Equal scores keep gallery order, so the gallery is put in key order: every caller (the table, the
  // FiftyOne export) then ranks ties alike, whatever order it listed the items in.
  const items = [...unordered].sort((a, b) => a.key - b.key);
  const vectors = new Float32Array(items.length * dimension);
  items.forEach(({ key, vector }, row) => {
    if (vector.length !== dimension) throw new RangeError(`The vector of key ${key} has dimension ${vector.length}, expected ${dimension}`);
    vectors.set(vector, row * dimension);
  });
  return {
    vectors: new VectorGallery({ dimension, keys: items.map((item) => item.key), vectors }),
    labels: items.map((item) => item.label),
  };
}

export interface RankedNeighbour extends Neighbour {
  label: string | null;
  /** Whether the label equals the query's; null when either has no label. */
  sameLabel: boolean | null;
}

export interface QueryRanking {
  key: number;
  label: string | null;
  neighbours: RankedNeighbour[];
  /** 1-based rank of the first neighbour with the query's label; null when none of them has it. */
  firstMatchRank: number | null;
}

/** The query's k nearest training items (never itself), each marked as matching its label or not. */
export function rankNeighbours(gallery: RetrievalGallery, query: RetrievalItem, k: number): QueryRanking {
  const neighbours = gallery.vectors.search(query.vector, k, { exclude: new Set([query.key]) }).map((neighbour) => {
    const label = gallery.labels[neighbour.index] ?? null;
    return { ...neighbour, label, sameLabel: query.label === null || label === null ? null : label === query.label };
  });
  const firstMatch = neighbours.findIndex((neighbour) => neighbour.sameLabel === true);
  return { key: query.key, label: query.label, neighbours, firstMatchRank: firstMatch < 0 ? null : firstMatch + 1 };
}

export interface TopKAccuracy {
  ks: number[];
  /** Share of labelled queries with a same-label item among their k nearest; null without labelled queries. */
  topK: Record<number, number | null>;
  /** Labelled queries evaluated. */
  queries: number;
  skippedUnlabelled: number;
  /** Items searched, labelled or not. */
  gallery: number;
}

export function topKAccuracy({
  gallery,
  queries,
  ks = EVALUATION_KS,
}: {
  gallery: readonly RetrievalItem[];
  queries: readonly RetrievalItem[];
  ks?: readonly number[];
}): TopKAccuracy {
  if (ks.length === 0 || !ks.every((k) => Number.isSafeInteger(k) && k >= 1)) {
    throw new RangeError(`ks must be positive integers, got [${ks.join(', ')}]`);
  }
  const labelled = queries.filter((query) => query.label !== null);
  const hits = new Map(ks.map((k) => [k, 0]));
  if (labelled.length > 0) {
    const searchable = retrievalGallery(gallery, (labelled[0] as RetrievalItem).vector.length);
    const deepest = Math.max(...ks);
    for (const query of labelled) {
      const rank = rankNeighbours(searchable, query, deepest).firstMatchRank;
      if (rank === null) continue;
      for (const k of ks) if (rank <= k) hits.set(k, (hits.get(k) as number) + 1);
    }
  }
  return {
    ks: [...ks],
    topK: Object.fromEntries(ks.map((k) => [k, labelled.length > 0 ? (hits.get(k) as number) / labelled.length : null])),
    queries: labelled.length,
    skippedUnlabelled: queries.length - labelled.length,
    gallery: gallery.length,
  };
}
