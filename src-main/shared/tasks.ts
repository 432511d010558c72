/**
 * The four pretext tasks: ids, validated configs and the `paper` / `tiny` presets (see PAPERS.md).
 * Shared with the UI's task picker, so plain data and zod only.
 *
 * Units: every length in frames counts frames of the decoded grid the frame source provides; the
 * `paper` values assume ~30 fps footage, as in UCF101/HMDB51. Every `frameSize` is the size the frame
 * source decodes (resizes) frames to; crops are square, in pixels of that grid, and are what the
 * network sees.
 */
import { z } from 'zod';

export { SAMPLING_FPS } from './sampling.ts';

export const TASK_IDS = ['order-verification', 'sequence-sorting', 'odd-one-out', 'clip-order'] as const;
export type TaskId = (typeof TASK_IDS)[number];

export const PRESET_NAMES = ['paper', 'tiny'] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/**
 * S&L classifier over the concatenated fc7 features: the paper's single linear layer, or one hidden
 * ReLU layer first. A linear layer scores each frame separately and adds the scores, which cannot
 * express "the middle frame lies between the other two" (betweenness is not a sum of per-frame
 * terms); it learns only from per-frame cues of real footage. Measured on generated growing boxes:
 * linear stays at the 0.75 majority class after 800 tiny steps, the hidden layer reaches 0.94.
 */
export const ORDER_VERIFICATION_HEADS = ['linear', 'hidden-layer'] as const;
/** O3N fusion of the subsequence features before the classifier. */
export const ODD_ONE_OUT_FUSIONS = ['concat', 'sum-of-differences'] as const;
/** VCOP crops: random for training, centred for evaluation. */
export const CLIP_ORDER_MODES = ['train', 'eval'] as const;

const wholeNumber = (name: string, min: number, max: number) =>
  z
    .number()
    .int(`${name} must be a whole number`)
    .min(min, `${name} must be at least ${min}`)
    .max(max, `${name} must be at most ${max}`);

const pixels = (name: string) => wholeNumber(name, 8, 1024);

const oneOf = <const V extends readonly [string, ...string[]]>(name: string, values: V) =>
  z.enum(values, { error: `${name} must be one of: ${values.join(', ')}` });

const frameSize = z
  .object({ width: pixels('frameSize.width'), height: pixels('frameSize.height') })
  .strict();

/** Share of the most moving windows that tuples are drawn from (1 = any window that moves). */
const motionTopFraction = z
  .number()
  .gt(0, 'motionTopFraction must be above 0')
  .max(1, 'motionTopFraction must be at most 1');

/** Sorted frames are picked at random inside a window, at least `minGap` frames apart. */
const spacedWindow = {
  windowFrames: wholeNumber('windowFrames', 2, 1000),
  minGap: wholeNumber('minGap', 1, 250),
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
const fitsSpacing = (count: number): Rule<Spaced> => [
  (config) => config.windowFrames >= spacedFramesNeeded(count, config.minGap),
  {
    error: `windowFrames must be at least ${count - 1} × minGap + 1, so ${count} frames minGap apart fit`,
    path: ['windowFrames'],
  },
];

/** A square crop must fit inside the decoded frame. */
const fitsFrame = <K extends string>(key: K): Rule<Framed & Record<K, number>> => [
  (config) => config[key] <= config.frameSize.width && config[key] <= config.frameSize.height,
  { error: `${key} must fit inside frameSize`, path: [key] },
];

export const orderVerificationConfigSchema = z
  .object({
    task: z.literal('order-verification'),
    /** a < b < c < d < e, in time order, from one high-motion window. */
    candidateFrames: z.literal(5),
    /** Positive (b, c, d); negatives (b, a, d) and (b, e, d). */
    tupleFrames: z.literal(3),
    ...spacedWindow,
    /** Probability that a tuple is a negative; the batch helper makes it exact per batch. */
    negativeRatio: z
      .number()
      .min(0, 'negativeRatio must be at least 0')
      .max(1, 'negativeRatio must be at most 1'),
    frameSize,
    /** One random crop shared by the tuple's frames. */
    cropSize: pixels('cropSize'),
    head: oneOf('head', ORDER_VERIFICATION_HEADS),
  })
  .strict()
  .refine(...fitsSpacing(5))
  .refine(...fitsFrame('cropSize'));

export const sequenceSortingConfigSchema = z
  .object({
    task: z.literal('sequence-sorting'),
    /** 4 frames: 24 orders, 12 classes (an order and its reverse share one). */
    tupleFrames: z.literal(4),
    ...spacedWindow,
    frameSize,
    /** The motion-aware patch, one location per tuple. */
    patchSize: pixels('patchSize'),
    /** Each frame's crop moves independently by up to ±jitter px on each axis. */
    jitter: wholeNumber('jitter', 0, 64),
    /** Each frame shows one random RGB channel copied to all three. */
    channelSplit: z.boolean(),
    /** Mirror the whole tuple horizontally with probability ½. */
    flip: z.boolean(),
  })
  .strict()
  .refine(...fitsSpacing(4))
  .refine(...fitsFrame('patchSize'));

export const oddOneOutConfigSchema = z
  .object({
    task: z.literal('odd-one-out'),
    /** N + 1: N in order, one shuffled; also the number of classes. */
    subsequences: wholeNumber('subsequences', 3, 10),
    framesPerSubsequence: wholeNumber('framesPerSubsequence', 2, 16),
    /** Frames between consecutive frames of a subsequence. */
    frameStride: wholeNumber('frameStride', 1, 60),
    motionTopFraction,
    fusion: oneOf('fusion', ODD_ONE_OUT_FUSIONS),
    frameSize,
    /** One random crop per subsequence, shared by its frames. */
    cropSize: pixels('cropSize'),
  })
  .strict()
  .refine(...fitsFrame('cropSize'));

export const clipOrderConfigSchema = z
  .object({
    task: z.literal('clip-order'),
    /** Clips per tuple; clips! orders, one class each. */
    clips: wholeNumber('clips', 2, 5),
    clipLength: wholeNumber('clipLength', 1, 64),
    /** Frames skipped between the end of one clip and the start of the next. */
    interval: wholeNumber('interval', 0, 128),
    frameSize,
    /** One crop per clip, shared by its frames. */
    cropSize: pixels('cropSize'),
    mode: oneOf('mode', CLIP_ORDER_MODES),
  })
  .strict()
  .refine(...fitsFrame('cropSize'));

export const TASK_CONFIG_SCHEMAS = {
  'order-verification': orderVerificationConfigSchema,
  'sequence-sorting': sequenceSortingConfigSchema,
  'odd-one-out': oddOneOutConfigSchema,
  'clip-order': clipOrderConfigSchema,
} as const;

/** Any task's config, told apart by `task`. */
export const taskConfigSchema = z.discriminatedUnion('task', [
  orderVerificationConfigSchema,
  sequenceSortingConfigSchema,
  oddOneOutConfigSchema,
  clipOrderConfigSchema,
]);

export type OrderVerificationConfig = z.infer<typeof orderVerificationConfigSchema>;
export type SequenceSortingConfig = z.infer<typeof sequenceSortingConfigSchema>;
export type OddOneOutConfig = z.infer<typeof oddOneOutConfigSchema>;
export type ClipOrderConfig = z.infer<typeof clipOrderConfigSchema>;
export type OddOneOutFusion = (typeof ODD_ONE_OUT_FUSIONS)[number];
export type OrderVerificationHead = (typeof ORDER_VERIFICATION_HEADS)[number];
export type ClipOrderMode = (typeof CLIP_ORDER_MODES)[number];
export type TaskConfigs = { [T in TaskId]: z.infer<(typeof TASK_CONFIG_SCHEMAS)[T]> };
export type TaskConfig = TaskConfigs[TaskId];

/**
 * `paper` follows PAPERS.md; values it leaves open are our choices, noted inline. `tiny` keeps every
 * mechanism with few frames and 32–48 px crops, to train in minutes on a 2-core CPU.
 */
export const TASK_PRESETS: {
  readonly [T in TaskId]: { readonly [P in PresetName]: Readonly<TaskConfigs[T]> };
} = {
  'order-verification': {
    paper: {
      task: 'order-verification',
      candidateFrames: 5,
      tupleFrames: 3,
      // Our choice: 90-frame windows, frames ≥ 15 apart: |b − d| ≤ 60, |a − b| and |d − e| ≥ 15.
      windowFrames: 90,
      minGap: 15,
      motionTopFraction: 0.3,
      negativeRatio: 0.75,
      // Our choice: UCF's 4:3 frames at 256 px high, cropped to the paper's 227×227 input.
      frameSize: { width: 340, height: 256 },
      cropSize: 227,
      head: 'linear',
    },
    tiny: {
      task: 'order-verification',
      candidateFrames: 5,
      tupleFrames: 3,
      windowFrames: 30,
      minGap: 5,
      motionTopFraction: 0.3,
      negativeRatio: 0.75,
      frameSize: { width: 64, height: 48 },
      cropSize: 40,
      // Not the paper's linear layer: see ORDER_VERIFICATION_HEADS.
      head: 'hidden-layer',
    },
  },
  'sequence-sorting': {
    paper: {
      task: 'sequence-sorting',
      tupleFrames: 4,
      // Our choice: 4 frames ≥ 5 apart inside 1.5 s.
      windowFrames: 45,
      minGap: 5,
      motionTopFraction: 0.3,
      // Our choice: the same 171×128 grid as VCOP, so an 80 px patch covers a body-sized region.
      frameSize: { width: 171, height: 128 },
      patchSize: 80,
      jitter: 5,
      channelSplit: true,
      flip: true,
    },
    tiny: {
      task: 'sequence-sorting',
      tupleFrames: 4,
      windowFrames: 16,
      minGap: 3,
      motionTopFraction: 0.3,
      frameSize: { width: 64, height: 48 },
      patchSize: 32,
      jitter: 2,
      channelSplit: true,
      flip: true,
    },
  },
  'odd-one-out': {
    paper: {
      task: 'odd-one-out',
      subsequences: 6,
      // Our choice: 6 frames 3 apart (≈ 0.5 s) summarise each subsequence.
      framesPerSubsequence: 6,
      frameStride: 3,
      motionTopFraction: 0.3,
      fusion: 'sum-of-differences',
      frameSize: { width: 340, height: 256 },
      cropSize: 227,
    },
    tiny: {
      task: 'odd-one-out',
      subsequences: 4,
      framesPerSubsequence: 3,
      frameStride: 2,
      motionTopFraction: 0.3,
      fusion: 'sum-of-differences',
      frameSize: { width: 64, height: 48 },
      cropSize: 40,
    },
  },
  'clip-order': {
    paper: {
      task: 'clip-order',
      clips: 3,
      clipLength: 16,
      interval: 8,
      frameSize: { width: 171, height: 128 },
      cropSize: 112,
      mode: 'train',
    },
    tiny: {
      task: 'clip-order',
      clips: 3,
      clipLength: 4,
      interval: 2,
      frameSize: { width: 64, height: 48 },
      cropSize: 40,
      mode: 'train',
    },
  },
};

export type OrderVerificationKind = 'positive' | 'negative-before' | 'negative-after';

/** Structured truth per task, for the preview UI and for checks. */
export interface TupleDetails {
  'order-verification': {
    /** positive (b, c, d), negative-before (b, a, d) or negative-after (b, e, d). */
    kind: OrderVerificationKind;
    /** Frames a, b, c, d, e in time order. */
    candidates: number[];
  };
  'sequence-sorting': {
    /** order[i] = time rank (0 = earliest) of the frame shown at position i. */
    order: number[];
  };
  'odd-one-out': {
    oddIndex: number;
    /** oddOrder[i] = time rank of the frame shown at position i of the odd subsequence. */
    oddOrder: number[];
  };
  'clip-order': {
    /** order[i] = time rank of the clip shown at position i; the label is this order's rank. */
    order: number[];
  };
}
