/** How the Evaluate screen reads an evaluation table and the library's labels. Pure. */
import type { EvaluationRow, LabelCount } from '../../../src-main/shared/dto.ts';

/** Per k, the best top-k accuracy of any row (absent when no row has one). */
export function bestPerK(rows: readonly EvaluationRow[], ks: readonly number[]): Map<number, number> {
  const best = new Map<number, number>();
  for (const k of ks) {
    for (const row of rows) {
      const value = row.topK[k];
      if (value !== null && value !== undefined && value > (best.get(k) ?? Number.NEGATIVE_INFINITY)) best.set(k, value);
    }
  }
  return best;
}

/** Whether top-k can be measured: some label has two videos (a query and one to find). */
export function hasEvaluableLabels(labels: readonly LabelCount[]): boolean {
  return labels.some((entry) => entry.label !== null && entry.count >= 2);
}
