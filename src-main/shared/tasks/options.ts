/**
 * The pieces the task records build their option schemas and counts from: number rules with readable
 * messages, the decoded frame size, spaced windows and the cross-field checks they share.
 *
 * Units: every length in frames counts frames of the decoded grid the frame source provides; the
 * `paper` values assume ~30 fps footage, as in UCF101/HMDB51. Every `frameSize` is the size the frame
 * source decodes (resizes) frames to; crops are square, in pixels of that grid, and are what the
 * network sees.
 *
 * `.describe()` texts are the option's one-line help in the UI's forms (the registry's OPTION_HINTS).
 */
import { z } from 'zod';

export const wholeNumber = (name: string, min: number, max: number) =>
  z
    .number()
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

export const pixels = (name: string) => wholeNumber(name, 8, 1024);

export const oneOf = <const V extends readonly [string, ...string[]]>(name: string, values: V) =>
  z.enum(values, { error: `${name} must be one of: ${values.join(', ')}` });

export const frameSize = z
  .object({ width: pixels('frameSize.width'), height: pixels('frameSize.height') })
  .strict()
  .describe('Size frames are decoded (resized) to; crops are cut from this grid.');

/** A square crop, the same rule and help for every task that has one. */
export const cropSize = pixels('cropSize').describe('Square crop the network sees, in pixels of the decoded frame.');

export const motionTopFraction = z
  .number()
  .gt(0, 'motionTopFraction must be above 0')
  .max(1, 'motionTopFraction must be at most 1')
  .describe('Share of the most moving windows tuples are drawn from (1 = any that moves).');

/** Sorted frames are picked at random inside a window, at least `minGap` frames apart. */
export const spacedWindow = {
  windowFrames: wholeNumber('windowFrames', 2, 1000).describe(
    'Length of the high-motion window the frames are drawn from, in frames.',
  ),
  minGap: wholeNumber('minGap', 1, 250).describe('Fewest frames between two sampled frames.'),
  motionTopFraction,
};

type Spaced = { windowFrames: number; minGap: number };
type Framed = { frameSize: { width: number; height: number } };
/** A cross-field check and its issue, spread into `.refine()`. */
type Rule<C> = [check: (config: C) => boolean, issue: { error: string; path: string[] }];

/** Fewest frames that hold `count` frames at least minGap apart. */
export function spacedFramesNeeded(count: number, minGap: number): number {
  return (count - 1) * minGap + 1;
}

/** The frames of a spaced window must fit in it. */
export const fitsSpacing = (count: number): Rule<Spaced> => [
  (config) => config.windowFrames >= spacedFramesNeeded(count, config.minGap),
  {
    error: `windowFrames must be at least ${count - 1} × minGap + 1, so ${count} frames minGap apart fit`,
    path: ['windowFrames'],
  },
];

/** A square crop must fit inside the decoded frame. */
export const fitsFrame = <K extends string>(key: K): Rule<Framed & Record<K, number>> => [
  (config) => config[key] <= config.frameSize.width && config[key] <= config.frameSize.height,
  { error: `${key} must fit inside frameSize`, path: [key] },
];

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
