/** Display helpers of the Train screen; every function accepts the nulls the DTOs carry. Pure. */
import type { RunStatus, TrainingProgress } from '@shared/dto.ts';

const DASH = '—';

const usable = (value: number | null | undefined): value is number => typeof value === 'number' && Number.isFinite(value);

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
