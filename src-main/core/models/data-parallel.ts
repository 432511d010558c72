/**
 * Data-parallel training on CPU backends: the batch is cut into parts, one per replica (a copy of the
 * network in a thread of its own), each replica computes its part's gradients, and every replica
 * applies the same average, so the copies stay identical bit for bit. Plain web code: the replicas'
 * threads are in gradient-peers.ts.
 */
import { createRng } from '../tasks/rng.ts';
import type { CheckpointFiles } from './checkpoint.ts';
import type { PartGradients, StepResult } from './train-step.ts';
import type { PackedBatch } from './tuple-input.ts';

/** The replicas beside the run's own model, which trains on the first part. */
export interface GradientPeers {
  readonly count: number;
  /** Peer i's gradients of parts[i] with dropout seeded by seeds[i]; as many parts as peers at most. */
  gradients(parts: readonly PackedBatch[], seeds: readonly number[]): Promise<PartGradients[]>;
  /** Every peer applies `gradients` (the average), as the run's own model does. */
  apply(gradients: readonly Float32Array[]): void;
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

/**
 * The batch's gradient from its parts' (each the mean over its own tuples): their average weighted by
 * tuple count, summed in part order so every replica gets the same values; loss and accuracy alike.
 */
export function averageParts(parts: readonly PartGradients[], sizes: readonly number[]): PartGradients {
  if (parts.length === 0 || parts.length !== sizes.length) throw new RangeError(`${parts.length} parts with ${sizes.length} sizes`);
  const total = sizes.reduce((a, b) => a + b, 0);
  const weights = sizes.map((size) => size / total);
  const gradients = (parts[0] as PartGradients).gradients.map((first, index) => {
    const sum = new Float32Array(first.length);
    parts.forEach((part, p) => {
      const values = part.gradients[index];
      if (!values || values.length !== first.length) throw new RangeError(`part ${p} has no gradient ${index} of ${first.length} values`);
      const weight = weights[p] as number;
      for (let i = 0; i < sum.length; i++) sum[i] = (sum[i] as number) + weight * (values[i] as number);
    });
    return sum;
  });
  const mean = (pick: (result: StepResult) => number) => parts.reduce((sum, part, p) => sum + (weights[p] as number) * pick(part), 0);
  return { gradients, loss: mean((part) => part.loss), accuracy: mean((part) => part.accuracy) };
}

/** The dropout seed of part `part` > 0 of a step whose first part is seeded `stepSeed`. */
export function partSeed(stepSeed: number, part: number): number {
  return createRng(`${stepSeed}/part/${part}`).int(0, 2 ** 31 - 1);
}
