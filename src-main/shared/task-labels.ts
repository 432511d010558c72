/**
 * What a task's labels are worth before any learning: how many classes each sampler draws from, and
 * the accuracy a network reaches without looking at the frames — uniform guessing (chance) or always
 * giving the most frequent answer (majority; S&L's 75 % negatives). Shared with the UI's chart and
 * run-health flags, so plain arithmetic only.
 */
import type { TaskConfig } from './tasks.ts';

/** n!: the orders of n items. */
export function factorial(n: number): number {
  let result = 1;
  for (let k = 2; k <= n; k++) result *= k;
  return result;
}

/** Orders of n items with an order and its reverse merged (OPN's classes): n!/2, 1 for a single item. */
export function orderClassCount(n: number): number {
  return n < 2 ? 1 : factorial(n) / 2;
}

/** S&L: right or wrong order; OPN: orders up to reversal; O3N: which is odd; VCOP: every order. */
export function classCount(config: TaskConfig): number {
  switch (config.task) {
    case 'order-verification':
      return 2;
    case 'sequence-sorting':
      return orderClassCount(config.tupleFrames);
    case 'odd-one-out':
      return config.subsequences;
    case 'clip-order':
      return factorial(config.clips);
  }
}

/** Accuracies a network reaches without learning anything, as shares in [0, 1]. */
export interface PretextBaseline {
  /** Guessing uniformly: 1 / classes. */
  chance: number;
  /** Always answering the most frequent label; equals `chance` when labels are uniform. */
  majority: number;
}

/**
 * Every sampler draws its label uniformly, except order verification, whose batches hold exactly
 * `negativeRatio` negatives, all of one class.
 */
export function labelBaseline(config: TaskConfig): PretextBaseline {
  const chance = 1 / classCount(config);
  if (config.task !== 'order-verification') return { chance, majority: chance };
  return { chance, majority: Math.max(chance, config.negativeRatio, 1 - config.negativeRatio) };
}
