/**
 * O3N odd-one-out. A question holds N + 1 subsequences of one video, each `framesPerSubsequence`
 * frames `frameStride` apart from a high-motion stretch; N are shown in time order, the odd one in a
 * shuffled order that is never the correct one. The odd position is uniform; it is the label.
 */
import { classCount, framesNeeded, type OddOneOutConfig } from '../../../shared/tasks.ts';
import { randomCrop } from '../crops.ts';
import { factorial, permutationFromRank } from '../permutations.ts';
import type { Rng } from '../rng.ts';
import { defineSampler } from './define.ts';
import { asText } from './explain.ts';
import type { Tuple, TupleElement, VideoSlot } from './types.ts';
import { chooseWindowStart } from './windows.ts';

/** A uniformly random order other than the identity (rank 0 in lexicographic order). */
function wrongOrder(length: number, rng: Rng): number[] {
  return permutationFromRank(length, rng.int(1, factorial(length)));
}

/** Draws for a start not taken yet before a repeat is accepted (a short video may have too few). */
const DISTINCT_START_TRIES = 10;

/**
 * The start of each subsequence. Each picks its own motion-aware start, so a question covers several
 * moving parts of the video (they may overlap), but never the same frames twice where the video has
 * room: two identical subsequences would make the question unanswerable.
 */
function subsequenceStarts(slot: VideoSlot, config: OddOneOutConfig, rng: Rng): number[] {
  // What the task needs of a video is one subsequence's span.
  const span = framesNeeded(config);
  const starts: number[] = [];
  for (let index = 0; index < config.subsequences; index++) {
    let start = chooseWindowStart(slot.video.frameCount, slot.motion, span, config.motionTopFraction, rng);
    for (let tries = 1; tries < DISTINCT_START_TRIES && starts.includes(start); tries++) {
      start = chooseWindowStart(slot.video.frameCount, slot.motion, span, config.motionTopFraction, rng);
    }
    starts.push(start);
  }
  return starts;
}

/** "", or a sentence naming the subsequences that show the same frames as an earlier one (said, not hidden). */
function repeatsNote(starts: readonly number[]): string {
  const repeated = starts.flatMap((start, index) => (starts.indexOf(start) < index ? [index + 1] : []));
  if (repeated.length === 0) return '';
  const which = repeated.length === 1 ? `Subsequence ${repeated[0]} repeats` : `Subsequences ${repeated.join(', ')} repeat`;
  return ` ${which} the frames of an earlier one: the video is too short (or moves in too few places) for distinct subsequences.`;
}

function build(slot: VideoSlot, rng: Rng, config: OddOneOutConfig): Tuple<'odd-one-out'> {
  const { video } = slot;
  const oddIndex = rng.int(0, config.subsequences);
  const oddOrder = wrongOrder(config.framesPerSubsequence, rng);
  const size = { width: config.cropSize, height: config.cropSize };
  const starts = subsequenceStarts(slot, config, rng);
  const elements = starts.map((start, index): TupleElement => {
    const inOrder = Array.from({ length: config.framesPerSubsequence }, (_, i) => start + i * config.frameStride);
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
    classCount: classCount(config),
    explanation:
      `Subsequence ${oddIndex + 1} of ${config.subsequences} is the odd one: its frames are shown ` +
      `in time order ${asText(oddOrder)}; the others are in order.${repeatsNote(starts)}`,
    detail: { oddIndex, oddOrder },
  };
}

export const oddOneOut = defineSampler<OddOneOutConfig>({ build });
