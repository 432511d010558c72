/** The parts every sampler shares: the length guard and the plain batch. */
import { framesNeeded, type TaskConfig } from '../../../shared/tasks.ts';
import type { Rng } from '../rng.ts';
import type { SkipReason, TaskSampler, Tuple, VideoMeta, VideoSlot } from './types.ts';

interface SamplerParts<C extends TaskConfig> {
  /** Builds a tuple from a slot known to be long enough. */
  build(slot: VideoSlot, rng: Rng, config: C): Tuple<C['task']>;
  /** Overrides the default batch of independent tuples. */
  sampleBatch?(slots: readonly VideoSlot[], rng: Rng, config: C): Tuple<C['task']>[];
}

export function defineSampler<C extends TaskConfig>(parts: SamplerParts<C>): TaskSampler<C> {
  const independentBatch = (slots: readonly VideoSlot[], rng: Rng, config: C) =>
    slots.map((slot, i) => parts.build(slot, rng.fork(i), config));
  return {
    sample: (video, motion, rng, config, cells = null) =>
      tooShort(video, framesNeeded(config)) ?? parts.build({ video, motion, cells }, rng, config),
    sampleBatch: parts.sampleBatch ?? independentBatch,
  };
}

/** The skip for a video with fewer than `needed` frames, or null when it is long enough. */
export function tooShort(video: VideoMeta, needed: number): SkipReason | null {
  if (video.frameCount >= needed) return null;
  return { skipped: true, reason: 'too-short', needed, have: video.frameCount };
}

export function isSkipped(result: Tuple | SkipReason): result is SkipReason {
  return 'skipped' in result;
}
