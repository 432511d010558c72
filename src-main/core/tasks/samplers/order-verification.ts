/**
 * Shuffle & Learn order verification. Five frames a < b < c < d < e come from one high-motion
 * window; the network sees (b, c, d) — correct, label 1 — or (b, a, d) / (b, e, d) — wrong, label 0.
 * First and last frames are the same either way, so only the middle frame tells them apart.
 */
import { classCount, type OrderVerificationConfig } from '../../../shared/tasks.ts';
import { randomCrop } from '../crops.ts';
import type { Rng } from '../rng.ts';
import { defineSampler } from './define.ts';
import type { OrderVerificationKind, Tuple, VideoSlot } from './types.ts';
import { spacedFrames } from './windows.ts';

const CANDIDATES = 5;
const CORRECT = 1;
const WRONG = 0;

/** Which candidates (indices into a..e) each kind shows, and how to say it. */
const KINDS: Record<OrderVerificationKind, { shows: [number, number, number]; letters: string }> = {
  positive: { shows: [1, 2, 3], letters: '(b, c, d)' },
  'negative-before': { shows: [1, 0, 3], letters: '(b, a, d)' },
  'negative-after': { shows: [1, 4, 3], letters: '(b, e, d)' },
};

/** One of the two negatives, evenly. */
function drawNegative(rng: Rng): OrderVerificationKind {
  return rng.chance(0.5) ? 'negative-before' : 'negative-after';
}

/** A negative with probability `negativeRatio`: the ratio holds on average, per sample. */
function drawKind(rng: Rng, negativeRatio: number): OrderVerificationKind {
  return rng.chance(negativeRatio) ? drawNegative(rng) : 'positive';
}

/**
 * Kinds for one batch with exactly round(negativeRatio · size) negatives, shuffled: the paper sets
 * the 75 % ratio per batch.
 */
export function batchKinds(size: number, negativeRatio: number, rng: Rng): OrderVerificationKind[] {
  const negatives = Math.round(negativeRatio * size);
  const kinds = Array.from({ length: size }, (_, i): OrderVerificationKind =>
    i < negatives ? drawNegative(rng) : 'positive',
  );
  return rng.shuffle(kinds);
}

function buildTuple(
  { video, motion }: VideoSlot,
  rng: Rng,
  config: OrderVerificationConfig,
  kind: OrderVerificationKind,
): Tuple<'order-verification'> {
  const candidates = spacedFrames(video.frameCount, motion, CANDIDATES, config, rng);
  const size = { width: config.cropSize, height: config.cropSize };
  // One crop for the whole tuple: the frames stay aligned, so only their content differs.
  const crop = randomCrop(size, video, rng);
  const { shows, letters } = KINDS[kind];
  const frames = shows.map((candidate) => candidates[candidate] as number);
  return {
    task: 'order-verification',
    videoId: video.id,
    elements: frames.map((frame) => ({ frames: [{ frame, crop, flip: false, channel: null }] })),
    outputSize: size,
    label: kind === 'positive' ? CORRECT : WRONG,
    classCount: classCount(config),
    explanation: explain(kind, letters, frames),
    detail: { kind, candidates },
  };
}

function explain(kind: OrderVerificationKind, letters: string, frames: number[]): string {
  const [first, middle, last] = frames;
  const shown = `frames ${frames.join(', ')}`;
  switch (kind) {
    case 'positive':
      return `Correct order ${letters}: ${shown}.`;
    case 'negative-before':
      return `Wrong order ${letters}: the middle frame ${middle} comes before the first, ${first}.`;
    case 'negative-after':
      return `Wrong order ${letters}: the middle frame ${middle} comes after the last, ${last}.`;
  }
}

export const orderVerification = defineSampler<OrderVerificationConfig>({
  build: (slot, rng, config) => buildTuple(slot, rng, config, drawKind(rng, config.negativeRatio)),
  sampleBatch: (slots, rng, config) => {
    const kinds = batchKinds(slots.length, config.negativeRatio, rng.fork('kinds'));
    return slots.map((slot, i) =>
      buildTuple(slot, rng.fork(i), config, kinds[i] as OrderVerificationKind),
    );
  },
});
