/**
 * Data-parallel training on CPU backends: the batch is cut into parts, one per replica (a copy of the
 * network in a thread of its own), each replica computes its part's gradients, and every replica
 * applies the same average, so the copies stay identical bit for bit. Plain web code: the replicas'
 * threads are in gradient-peers.ts.
 */
import { createRng } from '../tasks/rng.ts';
import type { CheckpointFiles } from './checkpoint.ts';
import type { PartGradients, ReplicaUpdate, StepResult } from './train-step.ts';
import type { PackedBatch } from './tuple-input.ts';

/** The replicas beside the run's own model, which trains on the first part. */
export interface GradientPeers {
  readonly count: number;
  /** Peer i's gradients of parts[i] with dropout seeded by seeds[i]; as many parts as peers at most. */
  gradients(parts: readonly PackedBatch[], seeds: readonly number[]): Promise<PartGradients[]>;
  /** Every peer applies the average, as the run's own model does. */
  apply(average: ReplicaUpdate): void;
  /** Every peer loads the checkpoint the run's own model loads. */
  load(files: CheckpointFiles): Promise<void>;
  dispose(): void;
}

/** `batch` cut into at most `count` parts of consecutive tuples, sizes differing by one at most; each part owns its buffers. */
export function splitBatch(batch: PackedBatch, count: number): PackedBatch[] {
  const [tuples, ...tuple] = batch.shape;
  const perTuple = tuple.reduce((a, b) => a * b, 1);
  const parts = Math.max(1, Math.min(count, tuples));
  const result: PackedBatch[] = [];
  let start = 0;
  for (let part = 0; part < parts; part++) {
    const size = Math.floor(tuples / parts) + (part < tuples % parts ? 1 : 0);
    result.push({
      inputs: batch.inputs.slice(start * perTuple, (start + size) * perTuple),
      labels: batch.labels.slice(start, start + size),
      shape: [size, ...tuple] as PackedBatch['shape'],
    });
    start += size;
  }
  return result;
}

/** `lists[p][i]` for every part p, averaged with `weights` and summed in part order: every replica gets the same values. */
function weightedAverage(lists: readonly (readonly Float32Array[])[], weights: readonly number[], what: string): Float32Array[] {
  return (lists[0] as readonly Float32Array[]).map((first, index) => {
    const sum = new Float32Array(first.length);
    lists.forEach((list, p) => {
      const values = list[index];
      if (!values || values.length !== first.length) throw new RangeError(`part ${p} has no ${what} ${index} of ${first.length} values`);
      const weight = weights[p] as number;
      for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + weight * (values[i] as number);
    });
    return sum;
  });
}

/**
 * The batch's step from its parts' (each a mean over its own tuples): gradients, running statistics,
 * loss and accuracy averaged, weighted by tuple count. Averaging the running statistics makes them
 * follow the whole batch's, as one replica's would.
 */
export function averageParts(parts: readonly PartGradients[], sizes: readonly number[]): PartGradients {
  if (parts.length === 0 || parts.length !== sizes.length) throw new RangeError(`${parts.length} parts with ${sizes.length} sizes`);
  const total = sizes.reduce((a, b) => a + b, 0);
  const weights = sizes.map((size) => size / total);
  const mean = (pick: (result: StepResult) => number) => parts.reduce((sum, part, p) => sum + (weights[p] as number) * pick(part), 0);
  return {
    gradients: weightedAverage(parts.map((part) => part.gradients), weights, 'gradient'),
    statistics: weightedAverage(parts.map((part) => part.statistics), weights, 'statistic'),
    loss: mean((part) => part.loss),
    accuracy: mean((part) => part.accuracy),
  };
}

/** The dropout seed of part `part` > 0 of a step whose first part is seeded `stepSeed`. */
export function partSeed(stepSeed: number, part: number): number {
  return createRng(`${stepSeed}/part/${part}`).int(0, 2 ** 31 - 1);
}
