/**
 * The VCOP retrieval protocol: test videos query the training videos by cosine similarity, and a
 * query scores a hit at k when any of its k nearest training videos has its label. Training needs no
 * labels; only this evaluation reads them.
 */
import { EVALUATION_KS } from '../../shared/dto.ts';
import { createRng } from '../tasks/rng.ts';
import { VectorGallery, type Neighbour } from '../util/knn.ts';

export interface RetrievalItem {
  key: number;
  label: string | null;
  vector: Float32Array;
}

type KeyedLabel = Pick<RetrievalItem, 'key' | 'label'>;

/** Keys, ascending. */
export interface Split {
  train: number[];
  test: number[];
}

const ascending = (a: number, b: number) => a - b;

function assertDistinctKeys(items: readonly KeyedLabel[]): void {
  const seen = new Set<number>();
  for (const { key } of items) {
    if (seen.has(key)) throw new RangeError(`Item keys must be distinct; key ${key} appears more than once`);
    seen.add(key);
  }
}

/**
 * A split stratified by label: each label with at least two items puts round(n · testFraction) of
 * them, but at least one and at most n − 1, in the test side. Singleton labels and unlabelled items
 * cannot be evaluated as queries with a possible match, so they stay in the gallery (train). Each
 * label draws from its own stream forked by name, so the split depends on the seed and the items,
 * never on their order, and adding a label leaves the others' split unchanged.
 */
export function seededSplit(items: readonly KeyedLabel[], { seed, testFraction }: { seed: number; testFraction: number }): Split {
  if (!(testFraction > 0 && testFraction < 1)) throw new RangeError(`testFraction must be in (0, 1), got ${testFraction}`);
  assertDistinctKeys(items);
  const keysByLabel = new Map<string, number[]>();
  const train: number[] = [];
  const test: number[] = [];
  for (const { key, label } of items) {
    if (label === null) train.push(key);
    else if (keysByLabel.has(label)) keysByLabel.get(label)?.push(key);
    else keysByLabel.set(label, [key]);
  }
  const rng = createRng(seed);
  for (const [label, keys] of keysByLabel) {
    if (keys.length < 2) {
      train.push(...keys);
      continue;
    }
    const testCount = Math.min(keys.length - 1, Math.max(1, Math.round(keys.length * testFraction)));
    const shuffled = rng.fork(label).shuffle(keys.sort(ascending));
    test.push(...shuffled.slice(0, testCount));
    train.push(...shuffled.slice(testCount));
  }
  return { train: train.sort(ascending), test: test.sort(ascending) };
}

/** The user's own test list (e.g. UCF101's testlist01): listed items test, every other one trains. */
export function splitFromLists(items: readonly KeyedLabel[], testKeys: Iterable<number>): Split & { unknownTestKeys: number[] } {
  assertDistinctKeys(items);
  const wanted = new Set(testKeys);
  const train: number[] = [];
  const test: number[] = [];
  for (const { key } of items) (wanted.has(key) ? test : train).push(key);
  const known = new Set(items.map((item) => item.key));
  return {
    train: train.sort(ascending),
    test: test.sort(ascending),
    unknownTestKeys: [...wanted].filter((key) => !known.has(key)).sort(ascending),
  };
}

/**
 * Queries that can be answered right: labelled, of a class that some gallery item has. The others are
 * left out of every figure and counted per class, so the table can say which and why.
 */
export function answerableQueries<T extends KeyedLabel>(
  gallery: readonly KeyedLabel[],
  queries: readonly T[],
): { answerable: (T & { label: string })[]; excluded: { label: string; videos: number }[] } {
  const known = new Set(gallery.flatMap((item) => (item.label === null ? [] : [item.label])));
  const excluded = new Map<string, number>();
  const answerable: (T & { label: string })[] = [];
  for (const query of queries) {
    if (query.label === null) continue;
    if (known.has(query.label)) answerable.push(query as T & { label: string });
    else excluded.set(query.label, (excluded.get(query.label) ?? 0) + 1);
  }
  return { answerable, excluded: [...excluded].sort(([a], [b]) => (a < b ? -1 : 1)).map(([label, videos]) => ({ label, videos })) };
}

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
