/** Checks shared by the tests of this folder (not a test file itself). */
import type { Crop, Size } from './crops.ts';
import type { SkipReason, Tuple, VideoMeta } from './samplers/types.ts';

/** Pearson's chi-square statistic of observed counts against equal expected counts. */
export function chiSquareUniform(counts: readonly number[]): number {
  const total = counts.reduce((sum, count) => sum + count, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
}

/**
 * A loose upper bound for a chi-square statistic with `degrees` degrees of freedom: mean + 6 standard
 * deviations (mean k, variance 2k). Uniform data exceeds it with probability below about 1e-5 for the
 * small k used here, so a fixed-seed test that passes once is not a lucky draw.
 */
export function chiSquareBound(degrees: number): number {
  return degrees + 6 * Math.sqrt(2 * degrees);
}

/** Counts of each integer value in [0, size). */
export function histogram(values: Iterable<number>, size: number): number[] {
  const counts = new Array<number>(size).fill(0);
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

/** True when the crop is a non-empty integer rectangle inside the frame. */
export function isInside(crop: Crop, frame: Size): boolean {
  return (
    [crop.x, crop.y, crop.w, crop.h].every(Number.isInteger) &&
    crop.w > 0 &&
    crop.h > 0 &&
    crop.x >= 0 &&
    crop.y >= 0 &&
    crop.x + crop.w <= frame.width &&
    crop.y + crop.h <= frame.height
  );
}

/** A decoded video of `frameCount` frames (id defaults to the frame count, for readable failures). */
export function videoOf(frameCount: number, width = 340, height = 256, id = frameCount): VideoMeta {
  return { id, frameCount, width, height, fps: 30 };
}

/** Seeds 1..count, the fixed seeds every property test runs over. */
export function seeds(count: number): number[] {
  return Array.from({ length: count }, (_, i) => i + 1);
}

/** Motion scores: `level` on frames [from, to), zero elsewhere. */
export function movingSegment(frameCount: number, from: number, to: number, level = 20): Float32Array {
  return Float32Array.from({ length: frameCount }, (_, i) => (i >= from && i < to ? level : 0));
}

export function isStrictlyIncreasing(values: readonly number[]): boolean {
  return values.every((value, i) => i === 0 || value > (values[i - 1] as number));
}

/** The frame indices of a tuple, element by element, in presentation order. */
export function framesOf(tuple: Tuple): number[][] {
  return tuple.elements.map((element) => element.frames.map((view) => view.frame));
}

/** Unwraps a sampler result that the test expects to be a tuple. */
export function expectTuple<T extends Tuple>(result: T | SkipReason): T {
  if ('skipped' in result) throw new Error(`expected a tuple, got a skip: ${JSON.stringify(result)}`);
  return result;
}
