/**
 * The evaluation's split of labelled items into train (gallery) and test (queries): seeded and
 * stratified by label, or from the user's test list. Shared by every evaluation (retrieval, kNN,
 * linear probe in core/retrieval) and by fine-tuning (core/training), so a fine-tune run's test
 * videos are exactly the evaluation table's queries. Pure.
 */
import { createRng } from './rng.ts';

export interface KeyedLabel {
  key: number;
  label: string | null;
}

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


/** A library video as the evaluation split sees it. */
export interface SplitVideo {
  id: number;
  path: string;
  label: string | null;
}

/**
 * The library's videos ordered by path, not id (ids follow import completion order): the same
 * library imported twice gets the same split for a seed. Keys of the split are ranks in this order.
 */
export function videosByPath<V extends SplitVideo>(videos: readonly V[]): V[] {
  return [...videos].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.id - b.id));
}

export interface VideoSplit {
  /** Video ids, ascending by rank. */
  train: number[];
  /** Every test video id (answerable or not). */
  test: number[];
  /** The test videos that can be scored: labelled, of a class some training video has (the table's queries). */
  queries: { videoId: number; label: string }[];
  /** Test classes without a training video, left out of every figure. */
  excluded: { label: string; videos: number }[];
}

/**
 * The evaluation table's seeded split of the library's ready videos, in video ids: what the retrieval,
 * kNN and linear-probe tables score on and what fine-tuning trains and tests on.
 */
export function seededVideoSplit(videos: readonly SplitVideo[], options: { seed: number; testFraction: number }): VideoSplit {
  const byPath = videosByPath(videos);
  const split = seededSplit(
    byPath.map((video, rank) => ({ key: rank, label: video.label })),
    options,
  );
  return videoSplitOf(byPath, split);
}

/** A split of ranks in `byPath` as video ids, with its answerable queries. */
export function videoSplitOf(byPath: readonly SplitVideo[], split: Split): VideoSplit {
  const at = (rank: number) => byPath[rank] as SplitVideo;
  const labelled = (ranks: number[]) => ranks.map((rank) => ({ key: at(rank).id, label: at(rank).label }));
  const { answerable, excluded } = answerableQueries(labelled(split.train), labelled(split.test));
  return {
    train: split.train.map((rank) => at(rank).id),
    test: split.test.map((rank) => at(rank).id),
    queries: answerable.map(({ key, label }) => ({ videoId: key, label })),
    excluded,
  };
}
