/** How the Evaluate screen reads an evaluation table and the library's labels. Pure. */
import { FEW_QUERIES, type EvaluatedSet, type EvaluationRow, type LabelCount } from '@shared/dto.ts';
import { PROTOCOL_TITLES } from '../lib/feature-sets/protocol-titles.ts';

/**
 * Whether top-k says nothing at this k: with k at or above the gallery size every training video is
 * among the neighbours, so any query of a class with a training video is a hit.
 */
export function beyondGallery(row: Pick<EvaluationRow, 'gallery'>, k: number): boolean {
  return k >= row.gallery;
}

/** Per k, the best top-k accuracy of any row where k is below its gallery (absent when none has one). */
export function bestPerK(rows: readonly EvaluationRow[], ks: readonly number[]): Map<number, number> {
  const best = new Map<number, number>();
  for (const k of ks) {
    for (const row of rows) {
      const value = row.topK[k];
      if (beyondGallery(row, k)) continue;
      if (value !== null && value !== undefined && value > (best.get(k) ?? Number.NEGATIVE_INFINITY)) best.set(k, value);
    }
  }
  return best;
}

/** The fewest queries any row rests on when that is below FEW_QUERIES (a figure moves by ≥ 5 points per query); null otherwise. */
export function fewQueries(rows: readonly { queries: number }[]): number | null {
  if (rows.length === 0) return null;
  const fewest = Math.min(...rows.map((row) => row.queries));
  return fewest < FEW_QUERIES ? fewest : null;
}

/** "VCOP reference · 112 px · 10 clips · 9,216-d": how a row's vectors were made. */
export function protocolSummary(set: Pick<EvaluatedSet, 'protocol' | 'inputSize' | 'clipsPerVideo' | 'featureSize'>): string {
  const size = set.featureSize === null ? '' : ` · ${set.featureSize.toLocaleString('en-US')}-d`;
  return `${PROTOCOL_TITLES[set.protocol]} · ${set.inputSize} px · ${set.clipsPerVideo} clips${size}`;
}

/** Whether top-k can be measured: some label has two videos (a query and one to find). */
export function hasEvaluableLabels(labels: readonly LabelCount[]): boolean {
  return labels.some((entry) => entry.label !== null && entry.count >= 2);
}
