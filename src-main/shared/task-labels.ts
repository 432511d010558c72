/**
 * What a task's labels are worth before any learning: the accuracy a network reaches without looking
 * at the frames — uniform guessing (chance) or always giving the most frequent answer (majority; S&L's
 * 75 % negatives). Shared with the UI's chart and run-health flags, so plain arithmetic only.
 */
import { classCount, majorityShare, type TaskConfig } from './tasks.ts';

/** Accuracies a network reaches without learning anything, as shares in [0, 1]. */
export interface PretextBaseline {
  /** Guessing uniformly: 1 / classes. */
  chance: number;
  /** Always answering the most frequent label; equals `chance` when labels are uniform. */
  majority: number;
}

/** Chance, and the majority share each task record gives (S&L's batches are not uniform). */
export function labelBaseline(config: TaskConfig): PretextBaseline {
  return { chance: 1 / classCount(config), majority: majorityShare(config) };
}
