/**
 * An epoch of tuples over a library: which videos can host a tuple, how many cannot (for the UI),
 * and `count` tuples spread evenly over the usable videos.
 */
import { framesNeeded, type TaskConfig } from '../../../shared/tasks.ts';
import type { CellMotion } from '../motion.ts';
import type { Rng } from '../rng.ts';
import { tooShort } from './define.ts';
import { samplerFor } from './index.ts';
import type { SkipReasonCode, Tuple, VideoMeta, VideoSlot } from './types.ts';
import { chunks } from '../../util/chunks.ts';

export interface EpochOptions {
  /**
   * Tuples are drawn in consecutive batches of this size, so batch-level rules hold per training
   * batch (S&L: exactly round(ratio · batch) negatives). Default: the whole epoch is one batch.
   */
  batchSize?: number;
  /** Per-cell motion by video id, for OPN's motion-aware patch. */
  cellsById?: ReadonlyMap<number, CellMotion>;
}

export interface EpochReport {
  /** Videos that can host a tuple. */
  usableVideos: number;
  skippedVideos: number;
  skippedReasons: Record<SkipReasonCode, number>;
  skippedVideoIds: number[];
  /** Frames a video needs for this config, for messages like "12 videos shorter than 64 frames". */
  framesNeeded: number;
}

export interface Epoch<C extends TaskConfig> {
  /** `count` tuples, or none when no video is usable. */
  tuples: Tuple<C['task']>[];
  report: EpochReport;
}

/**
 * `count` tuples for `config`. Videos are visited in shuffled passes, so each usable video hosts
 * count / usable tuples (±1). Every random choice comes from a fork of `rng` named after its pass or
 * batch, so the same seed and inputs always give the same epoch, whatever else drew from `rng`.
 */
export function sampleEpoch<C extends TaskConfig>(
  videos: readonly VideoMeta[],
  motionById: ReadonlyMap<number, Float32Array>,
  rng: Rng,
  config: C,
  count: number,
  { batchSize = Math.max(count, 1), cellsById }: EpochOptions = {},
): Epoch<C> {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`count must be a whole number ≥ 0, got ${count}`);
  }
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be a whole number ≥ 1, got ${batchSize}`);
  }
  const sampler = samplerFor(config);
  const needed = framesNeeded(config);
  const skipped = videos.filter((video) => tooShort(video, needed));
  const usable = videos.filter((video) => !tooShort(video, needed));
  const report: EpochReport = {
    usableVideos: usable.length,
    skippedVideos: skipped.length,
    skippedReasons: { 'too-short': skipped.length },
    skippedVideoIds: skipped.map((video) => video.id),
    framesNeeded: needed,
  };
  if (usable.length === 0) return { tuples: [], report };

  const slots = visitOrder(usable, count, rng.fork('order')).map(
    (video): VideoSlot => ({
      video,
      motion: motionById.get(video.id) ?? null,
      cells: cellsById?.get(video.id) ?? null,
    }),
  );
  const tuples = chunks(slots, batchSize).flatMap((batch, b) =>
    sampler.sampleBatch(batch, rng.fork(`batch:${b}`), config),
  );
  return { tuples, report };
}

/** `count` videos: whole shuffled passes over `videos`, the last one cut short. */
function visitOrder(videos: readonly VideoMeta[], count: number, rng: Rng): VideoMeta[] {
  const passes = Math.ceil(count / videos.length);
  const shuffledPasses = Array.from({ length: passes }, (_, pass) => rng.fork(pass).shuffle(videos));
  return shuffledPasses.flat().slice(0, count);
}

