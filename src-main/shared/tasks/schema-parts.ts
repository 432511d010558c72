/**
 * The zod pieces the task option schemas (*.schema.ts) build from: number rules with readable
 * messages, the decoded frame size, spaced windows and the cross-field checks they share.
 */
import { z } from 'zod';
import { spacedFramesNeeded } from './common.ts';

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
  .strict();

/** Share of the most moving windows that tuples are drawn from (1 = any window that moves). */
export const motionTopFraction = z
  .number()
  .gt(0, 'motionTopFraction must be above 0')
  .max(1, 'motionTopFraction must be at most 1');

/** Sorted frames are picked at random inside a window, at least `minGap` frames apart. */
export const spacedWindow = {
  windowFrames: wholeNumber('windowFrames', 2, 1000),
  minGap: wholeNumber('minGap', 1, 250),
  motionTopFraction,
};

type Spaced = { windowFrames: number; minGap: number };
type Framed = { frameSize: { width: number; height: number } };
/** A cross-field check and its issue, spread into `.refine()`. */
type Rule<C> = [check: (config: C) => boolean, issue: { error: string; path: string[] }];

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
