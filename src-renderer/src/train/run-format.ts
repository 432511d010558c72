/** Display helpers of the Train screen; every function accepts the nulls the DTOs carry. Pure. */
import type { RunStatus, TrainingProgress } from '../../../src-main/shared/dto.ts';
import { formatCount } from '../lib/format.ts';

const DASH = '—';

const usable = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value);

/** A share in [0, 1] as "12 %" (or "12.5 %" with one digit). */
export function formatPercent(share: number | null | undefined, digits = 0): string {
  if (!usable(share)) return DASH;
  return `${(share * 100).toFixed(digits)} %`;
}

/** A pretext accuracy: "83.4 %". */
export function formatAccuracy(accuracy: number | null | undefined): string {
  return formatPercent(accuracy, 1);
}

/** Throughput: "0.35 steps/s", "4.2 steps/s", "120 steps/s". */
export function formatRate(stepsPerSecond: number | null | undefined): string {
  if (!usable(stepsPerSecond) || stepsPerSecond < 0) return DASH;
  const digits = stepsPerSecond < 1 ? 2 : stepsPerSecond < 100 ? 1 : 0;
  return `${stepsPerSecond.toFixed(digits)} steps/s`;
}

/** A loss with three significant digits: "2.48", "0.0312". */
export function formatLoss(loss: number | null | undefined): string {
  if (!usable(loss)) return DASH;
  return Number(loss.toPrecision(3)).toString();
}

/** "120 / 300". */
export function formatSteps(step: number, total: number): string {
  return `${formatCount(step)} / ${formatCount(total)}`;
}

const PHASES: Readonly<Record<TrainingProgress['phase'], string>> = {
  preparing: 'Preparing data',
  training: 'Training',
  evaluating: 'Measuring validation accuracy',
  checkpointing: 'Saving a checkpoint',
};

export function phaseLabel(phase: TrainingProgress['phase']): string {
  return PHASES[phase];
}

const STATUSES: Readonly<Record<RunStatus, string>> = {
  running: 'running',
  completed: 'completed',
  cancelled: 'cancelled',
  failed: 'failed',
  interrupted: 'interrupted',
};

export function statusLabel(status: RunStatus): string {
  return STATUSES[status];
}
