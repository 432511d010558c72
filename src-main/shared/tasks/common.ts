/**
 * Counts and option help the task records share. Plain arithmetic and text, no zod: the UI reads the
 * records (the schemas live in the *.schema.ts files, which only the main side loads).
 *
 * Units: every length in frames counts frames of the decoded grid the frame source provides; the
 * `paper` values assume ~30 fps footage, as in UCF101/HMDB51. Every `frameSize` is the size the frame
 * source decodes (resizes) frames to; crops are square, in pixels of that grid, and are what the
 * network sees.
 */

/** Fewest frames that hold `count` frames at least minGap apart. */
export function spacedFramesNeeded(count: number, minGap: number): number {
  return (count - 1) * minGap + 1;
}

/** n!: the orders of n items. */
export function factorial(n: number): number {
  let result = 1;
  for (let k = 2; k <= n; k++) result *= k;
  return result;
}

/** Orders of n items with an order and its reverse merged (OPN's classes): n!/2, 1 for a single item. */
export function orderClassCount(n: number): number {
  return n < 2 ? 1 : factorial(n) / 2;
}

/** The one-line help of the option keys several tasks share. */
export const SHARED_HINTS = {
  frameSize: 'Size frames are decoded (resized) to; crops are cut from this grid.',
  cropSize: 'Square crop the network sees, in pixels of the decoded frame.',
  windowFrames: 'Length of the high-motion window the frames are drawn from, in frames.',
  minGap: 'Fewest frames between two sampled frames.',
  motionTopFraction: 'Share of the most moving windows tuples are drawn from (1 = any that moves).',
  tupleFrames: 'Frames the network sees per tuple (fixed by the paper).',
} as const;
