/**
 * Synthetic tuples for the models' tests (not a test file itself): every "video" brightens or darkens
 * steadily over a textured, noisy background, so a tuple's label follows from the temporal order of
 * its frames alone. Laid out like a pipeline batch.
 */
import { classCount, tupleShape, type TaskConfig } from '../../shared/tasks.ts';
import type { TrainConfig } from '../../shared/training.ts';
import type { Batch } from '../frames/pipeline.ts';
import { orderClassOf, permutationFromRank, permutationRank, factorial } from '../tasks/permutations.ts';
import { createRng, type Rng } from '../tasks/rng.ts';
import type { PackedBatch } from './tuple-input.ts';

/** One tuple: the time (brightness level) of every frame, [element][frame], and its label. */
interface Timeline {
  levels: number[][];
  label: number;
}

/** Brightness at time t of a video that changes by `step` per time unit from `start`, up or down. */
function brightness(rng: Rng, step: number): (t: number) => number {
  const start = 0.05 + 0.15 * rng.next();
  const rising = rng.chance(0.5);
  return (t) => (rising ? start + step * t : 1 - start - step * t);
}

/** A random order of 0…n−1 other than the identity. */
function wrongOrder(n: number, rng: Rng): number[] {
  return permutationFromRank(n, rng.int(1, factorial(n)));
}

/** S&L, balanced: (b, c, d) is right; (b, a, d) and (b, e, d) are wrong. */
function orderVerification(rng: Rng): Timeline {
  const level = brightness(rng, 0.18);
  const positive = rng.chance(0.5);
  const middle = positive ? 2 : rng.pick([0, 4]);
  return { levels: [[level(1)], [level(middle)], [level(3)]], label: positive ? 1 : 0 };
}

/** OPN: four frames in a random order; the class merges an order with its reverse. */
function sequenceSorting(rng: Rng): Timeline {
  const level = brightness(rng, 0.25);
  const order = permutationFromRank(4, rng.int(0, 24));
  return { levels: order.map((rank) => [level(rank)]), label: orderClassOf(order) };
}

/** O3N: N + 1 subsequences from one video, one of them with its frames shuffled. */
function oddOneOut(rng: Rng, subsequences: number, frames: number): Timeline {
  const level = brightness(rng, 0.8 / (frames + subsequences));
  const odd = rng.int(0, subsequences);
  const levels = Array.from({ length: subsequences }, (_, index) => {
    const times = Array.from({ length: frames }, (_, f) => index + f);
    const shown = index === odd ? wrongOrder(frames, rng).map((rank) => times[rank] as number) : times;
    return shown.map(level);
  });
  return { levels, label: odd };
}

/** VCOP: clips in time order, then shuffled; the class is the shuffle's rank. */
function clipOrder(rng: Rng, clips: number, frames: number): Timeline {
  const level = brightness(rng, 0.9 / (clips * (frames + 1)));
  const order = permutationFromRank(clips, rng.int(0, factorial(clips)));
  const levels = order.map((rank) => Array.from({ length: frames }, (_, f) => level(rank * (frames + 1) + f)));
  return { levels, label: permutationRank(order) };
}

function timeline(config: TaskConfig, rng: Rng): Timeline {
  switch (config.task) {
    case 'order-verification':
      return orderVerification(rng);
    case 'sequence-sorting':
      return sequenceSorting(rng);
    case 'odd-one-out':
      return oddOneOut(rng, config.subsequences, config.framesPerSubsequence);
    case 'clip-order':
      return clipOrder(rng, config.clips, config.clipLength);
  }
}

/** Writes one frame: 70 % brightness, 30 % the tuple's stripes, plus noise; clamped to [0, 1]. */
function writeFrame(target: Float32Array, offset: number, size: number, level: number, stripes: (x: number, y: number) => number, rng: Rng): void {
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const value = 0.7 * level + 0.3 * stripes(x, y);
      for (let c = 0; c < 3; c++) {
        const noisy = value + 0.1 * (rng.next() - 0.5);
        target[offset + (y * size + x) * 3 + c] = Math.min(1, Math.max(0, noisy));
      }
    }
  }
}

/** A batch of `count` synthetic tuples for `config`, in the pipeline's layout. */
export function syntheticBatch(config: TaskConfig, count: number, rng: Rng): PackedBatch {
  const [elements, frames, size] = tupleShape(config);
  const frameSize = size * size * 3;
  const inputs = new Float32Array(count * elements * frames * frameSize);
  const labels = new Int32Array(count);
  for (let tuple = 0; tuple < count; tuple++) {
    const { levels, label } = timeline(config, rng);
    const angle = rng.next() * Math.PI;
    const frequency = 0.2 + 0.4 * rng.next();
    const stripes = (x: number, y: number) => 0.5 + 0.5 * Math.sin(frequency * (x * Math.cos(angle) + y * Math.sin(angle)));
    levels.forEach((elementLevels, element) =>
      elementLevels.forEach((level, frame) => {
        const offset = ((tuple * elements + element) * frames + frame) * frameSize;
        writeFrame(inputs, offset, size, level, stripes, rng);
      }),
    );
    labels[tuple] = label;
  }
  return { inputs, labels, shape: [count, ...tupleShape(config)] };
}

/** The run's `index`th synthetic batch (batchSize tuples), seeded by its index, as the pipeline gives it. */
export function pipelineBatch(config: TrainConfig, index: number): Batch {
  const packed = syntheticBatch(config.task, config.batchSize, createRng(`batch/${index}`));
  return { ...packed, index, classCount: classCount(config.task), tuples: [] };
}
