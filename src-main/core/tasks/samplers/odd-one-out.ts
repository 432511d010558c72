/**
 * O3N odd-one-out. A question holds N + 1 subsequences of one video, each `framesPerSubsequence`
 * frames `frameStride` apart from a high-motion stretch; N are shown in time order, the odd one in a
 * shuffled order that is never the correct one. The odd position is uniform; it is the label.
 */
import { spacedFramesNeeded, type OddOneOutConfig } from '../../../shared/tasks.ts';
import { randomCrop } from '../crops.ts';
import { factorial, permutationFromRank } from '../permutations.ts';
import type { Rng } from '../rng.ts';
import { defineSampler } from './define.ts';
import { asText } from './explain.ts';
import type { Tuple, TupleElement, VideoSlot } from './types.ts';
import { chooseWindowStart } from './windows.ts';

/** Frames one subsequence spans. */
function framesNeeded(config: OddOneOutConfig): number {
  return spacedFramesNeeded(config.framesPerSubsequence, config.frameStride);
}

/** A uniformly random order other than the identity (rank 0 in lexicographic order). */
function wrongOrder(length: number, rng: Rng): number[] {
  return permutationFromRank(length, rng.int(1, factorial(length)));
}

/**
 * The frames of one subsequence in time order. Each subsequence picks its own motion-aware start, so
 * a question covers several moving parts of the video (they may overlap).
 */
function subsequenceFrames(slot: VideoSlot, config: OddOneOutConfig, rng: Rng): number[] {
  const span = framesNeeded(config);
  const start = chooseWindowStart(slot.video.frameCount, slot.motion, span, config.motionTopFraction, rng);
  return Array.from({ length: config.framesPerSubsequence }, (_, i) => start + i * config.frameStride);
}

function build(slot: VideoSlot, rng: Rng, config: OddOneOutConfig): Tuple<'odd-one-out'> {
  const { video } = slot;
  const oddIndex = rng.int(0, config.subsequences);
  const oddOrder = wrongOrder(config.framesPerSubsequence, rng);
  const size = { width: config.cropSize, height: config.cropSize };
  const elements = Array.from({ length: config.subsequences }, (_, index): TupleElement => {
    const inOrder = subsequenceFrames(slot, config, rng);
    const shown = index === oddIndex ? oddOrder.map((rank) => inOrder[rank] as number) : inOrder;
    // One crop per subsequence: its frames stay aligned for the dynamic image / frame stack.
    const crop = randomCrop(size, video, rng);
    return { frames: shown.map((frame) => ({ frame, crop, flip: false, channel: null })) };
  });
  return {
    task: 'odd-one-out',
    videoId: video.id,
    elements,
    outputSize: size,
    label: oddIndex,
    classCount: config.subsequences,
    explanation:
      `Subsequence ${oddIndex + 1} of ${config.subsequences} is the odd one: its frames are shown ` +
      `in time order ${asText(oddOrder)}; the others are in order.`,
    detail: { oddIndex, oddOrder },
  };
}

export const oddOneOut = defineSampler<OddOneOutConfig>({ framesNeeded, build });
