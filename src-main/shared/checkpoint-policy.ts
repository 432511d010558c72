/**
 * Which checkpoints of a run are worth keeping, and which one extraction uses by default. "Best" is
 * the maximum of noisy validation measurements, so it wins over the last checkpoint only when it is
 * clearly better (and clearly above chance); otherwise the last one, which has trained longest. Pure;
 * shared by the training service (pruning), extraction (the default) and the UI (what it shows).
 */
import { accuracyNoise, baselineLevel, clearlyAbove } from './run-health.ts';
import type { PretextBaseline } from './task-labels.ts';

/** What extraction may ask for: the policy's choice, the best or the last checkpoint. */
export const CHECKPOINT_CHOICES = ['auto', 'best', 'last'] as const;
export type CheckpointChoiceName = (typeof CHECKPOINT_CHOICES)[number];

/** Standard errors by which the best must beat the last checkpoint to be chosen over it. */
const Z = 2;

export interface CheckpointRecord {
  step: number;
  validationAccuracy: number | null;
  isBest: boolean;
}

/**
 * Steps of the checkpoints to delete: all but the `keepLast` newest, the best and the `keep` ones
 * (e.g. checkpoints feature sets were extracted from). The newest is always kept: it is what a
 * resume continues from.
 */
export function checkpointsToPrune(
  checkpoints: readonly CheckpointRecord[],
  keepLast: number,
  keep: ReadonlySet<number> = new Set(),
): number[] {
  const newestFirst = [...checkpoints].sort((a, b) => b.step - a.step);
  const kept = new Set(newestFirst.slice(0, Math.max(1, keepLast)).map((checkpoint) => checkpoint.step));
  return newestFirst
    .filter((checkpoint) => !kept.has(checkpoint.step) && !checkpoint.isBest && !keep.has(checkpoint.step))
    .map((checkpoint) => checkpoint.step)
    .sort((a, b) => a - b);
}

/** Whether a validation accuracy measured on `tuples` tuples says more than chance or the majority class. */
export function isMeaningful(accuracy: number | null, baseline: PretextBaseline, tuples: number): boolean {
  return accuracy !== null && clearlyAbove(accuracy, baselineLevel(baseline), tuples);
}

export interface CheckpointChoice {
  step: number;
  kind: 'best' | 'last';
  /** Why, in plain words. */
  reason: string;
}

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

/**
 * The checkpoint extraction uses unless told otherwise: the best when it is meaningful and beats the
 * latest measured checkpoint by more than the noise of both measurements, else the last.
 */
export function defaultCheckpoint(
  checkpoints: readonly CheckpointRecord[],
  baseline: PretextBaseline,
  validationTuples: number,
): CheckpointChoice | null {
  const byStep = [...checkpoints].sort((a, b) => a.step - b.step);
  const last = byStep.at(-1);
  if (!last) return null;
  const best = byStep.find((checkpoint) => checkpoint.isBest);
  const lastChoice = (reason: string): CheckpointChoice => ({ step: last.step, kind: 'last', reason });
  if (!best || best.step === last.step) return lastChoice('the last checkpoint is also the best');
  if (!isMeaningful(best.validationAccuracy, baseline, validationTuples)) {
    return lastChoice('the best validation accuracy is at chance, so "best" means nothing: using the last checkpoint');
  }
  // A cancel checkpoint has no validation of its own: compare with the latest one measured.
  const reference = [...byStep].reverse().find((checkpoint) => checkpoint.validationAccuracy !== null) as CheckpointRecord;
  const b = best.validationAccuracy as number;
  const r = reference.validationAccuracy as number;
  const noise = Math.hypot(accuracyNoise(b, validationTuples), accuracyNoise(r, validationTuples));
  if (b - r > Z * noise) {
    return { step: best.step, kind: 'best', reason: `the best (${percent(b)}) is clearly above the latest (${percent(r)})` };
  }
  return lastChoice(`the best (${percent(b)}) is within noise of the latest (${percent(r)}): using the last checkpoint`);
}
