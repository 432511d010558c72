/**
 * Online kNN while training (issue #12.5, solo-learn's online evaluation): every labelled video of a
 * fixed, seeded set is classified by a weighted vote of the others' encoder features. It says whether
 * the features a run is learning separate the user's classes, long before an extraction; labels only
 * measure, they are never trained on. Pure, plain web code (the engine runs in the compute host too).
 */
import type { OnlineKnn } from '../../shared/dto.ts';
import { weightedKnn, type LabelledItem } from '../util/knn-classifier.ts';
import { createRng } from '../tasks/rng.ts';

/** Videos measured at most: one tuple each, forward passes only (~128 tuples, about a validation's cost). */
export const ONLINE_KNN_VIDEOS = 128;

export interface VideoLabel {
  videoId: number;
  label: string;
}

/**
 * The videos an online kNN measures: labelled ones among `videoIds`, all of them when at most `limit`,
 * else a seeded sample (the same every evaluation); null when fewer than two classes remain.
 */
export function onlineKnnVideos(
  labels: readonly VideoLabel[],
  videoIds: ReadonlySet<number>,
  seed: number | string,
  limit = ONLINE_KNN_VIDEOS,
): VideoLabel[] | null {
  const usable = labels.filter((item) => videoIds.has(item.videoId)).sort((a, b) => a.videoId - b.videoId);
  const chosen = usable.length <= limit ? usable : createRng(seed).fork('online-knn').shuffle(usable).slice(0, limit);
  if (new Set(chosen.map((item) => item.label)).size < 2) return null;
  return chosen.sort((a, b) => a.videoId - b.videoId);
}

/** Leave-one-out weighted kNN accuracy of labelled vectors, with the majority share to judge it by. */
export function onlineKnn(items: readonly LabelledItem[]): OnlineKnn {
  const counts = new Map<string, number>();
  for (const item of items) counts.set(item.label, (counts.get(item.label) ?? 0) + 1);
  // Memory and queries are the same items: weightedKnn leaves each query's own key out of its vote.
  const score = weightedKnn({ memory: items, queries: items });
  return {
    accuracy: score.top1 ?? 0,
    videos: items.length,
    classes: counts.size,
    majority: items.length > 0 ? Math.max(...counts.values()) / items.length : 0,
  };
}
