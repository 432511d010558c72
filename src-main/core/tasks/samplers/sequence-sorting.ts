/**
 * OPN sequence sorting. Four frames from a high-motion window are shown in one of the 24 orders; an
 * order and its reverse share a label, so there are 12 classes. Spatially: one motion-aware patch for
 * the tuple, then per-frame jitter, one flip for the whole tuple and per-frame channel splitting.
 */
import { classCount, type SequenceSortingConfig } from '../../../shared/tasks.ts';
import { jitterCrop, randomCrop, type Crop, type Size } from '../crops.ts';
import { gridOverFrames, motionAwarePatch, type CellMotion } from '../motion.ts';
import { factorial, orderClassOf, permutationFromRank } from '../permutations.ts';
import type { Rng } from '../rng.ts';
import { defineSampler } from './define.ts';
import { asText } from './explain.ts';
import type { ChannelIndex, Tuple, VideoSlot } from './types.ts';
import { spacedFrames } from './windows.ts';

const FRAMES = 4;

/**
 * The patch location: centred on the tuple's motion when per-cell motion is known (averaged over the
 * differences between its first and last frame), otherwise at random.
 */
function choosePatch(slot: VideoSlot, sortedFrames: number[], size: Size, rng: Rng): Crop {
  const { video, cells } = slot;
  if (!cells) return randomCrop(size, video, rng);
  assertCellsMatch(cells, video.frameCount);
  const first = sortedFrames[0] as number;
  const last = sortedFrames[sortedFrames.length - 1] as number;
  return motionAwarePatch(gridOverFrames(cells, first + 1, last + 1), video, size);
}

function assertCellsMatch(cells: CellMotion, frameCount: number): void {
  if (cells.frameCount !== frameCount) {
    throw new RangeError(`cell motion of ${cells.frameCount} frames does not match ${frameCount} frames`);
  }
}

function build(slot: VideoSlot, rng: Rng, config: SequenceSortingConfig): Tuple<'sequence-sorting'> {
  const { video, motion } = slot;
  const sortedFrames = spacedFrames(video.frameCount, motion, FRAMES, config, rng);
  const order = permutationFromRank(FRAMES, rng.int(0, factorial(FRAMES)));
  const size = { width: config.patchSize, height: config.patchSize };
  const patch = choosePatch(slot, sortedFrames, size, rng);
  const flip = config.flip && rng.chance(0.5);
  const label = orderClassOf(order);
  return {
    task: 'sequence-sorting',
    videoId: video.id,
    elements: order.map((rank) => ({
      frames: [
        {
          frame: sortedFrames[rank] as number,
          crop: jitterCrop(patch, config.jitter, video, rng),
          flip,
          channel: config.channelSplit ? (rng.int(0, 3) as ChannelIndex) : null,
        },
      ],
    })),
    outputSize: size,
    label,
    classCount: classCount(config),
    explanation: explain(order, label, classCount(config)),
    detail: { order },
  };
}

function explain(order: number[], label: number, classes: number): string {
  return (
    `Frames shown in time order ${asText(order)} (1 = earliest); class ${label} of ` +
    `${classes}, shared with its reverse ${asText(order.slice().reverse())}.`
  );
}

export const sequenceSorting = defineSampler<SequenceSortingConfig>({ build });
