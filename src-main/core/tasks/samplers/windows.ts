/** Where in time a tuple goes: motion-aware window starts and spaced frame picks. */
import { highMotionWindowStarts } from '../motion.ts';
import type { Rng } from '../rng.ts';

/**
 * Start of a window of `length` frames: among the most moving windows (motion-aware, see
 * highMotionWindowStarts) when scores are given, uniform over all starts otherwise. The video must
 * have at least `length` frames, and the scores must cover exactly its frames.
 */
export function chooseWindowStart(
  frameCount: number,
  motion: Float32Array | null,
  length: number,
  topFraction: number,
  rng: Rng,
): number {
  if (!motion) return rng.int(0, frameCount - length + 1);
  if (motion.length !== frameCount) {
    throw new RangeError(`${motion.length} motion scores do not match a video of ${frameCount} frames`);
  }
  const starts = highMotionWindowStarts(motion, length, { topFraction });
  return starts[rng.int(0, starts.length)] as number;
}

/** How S&L and OPN place their frames in time (the config's spaced-window fields). */
export interface SpacedWindow {
  windowFrames: number;
  minGap: number;
  motionTopFraction: number;
}

/**
 * `count` sorted frames at least minGap apart inside one motion-aware window. A video shorter than
 * the window shrinks it (down to spacedFramesNeeded) rather than being skipped.
 */
export function spacedFrames(
  frameCount: number,
  motion: Float32Array | null,
  count: number,
  { windowFrames, minGap, motionTopFraction }: SpacedWindow,
  rng: Rng,
): number[] {
  const window = Math.min(windowFrames, frameCount);
  const start = chooseWindowStart(frameCount, motion, window, motionTopFraction, rng);
  return spacedOffsets(count, window, minGap, rng).map((offset) => start + offset);
}

/**
 * `count` sorted offsets in [0, span), consecutive ones at least `minGap` apart, uniform over all such
 * sets: choose `count` distinct values from the span with the mandatory gaps removed, then put the
 * gaps back. Needs span ≥ (count − 1) · minGap + 1.
 */
export function spacedOffsets(count: number, span: number, minGap: number, rng: Rng): number[] {
  const compressed = span - (count - 1) * (minGap - 1);
  if (compressed < count) {
    throw new RangeError(`${count} frames ${minGap} apart do not fit in ${span} frames`);
  }
  return distinctSorted(count, compressed, rng).map((value, i) => value + i * (minGap - 1));
}

/** `count` distinct integers of [0, n), ascending, uniformly (Floyd's algorithm: O(count) draws). */
function distinctSorted(count: number, n: number, rng: Rng): number[] {
  const chosen = new Set<number>();
  for (let j = n - count; j < n; j++) {
    const candidate = rng.int(0, j + 1);
    chosen.add(chosen.has(candidate) ? j : candidate);
  }
  return [...chosen].sort((x, y) => x - y);
}
