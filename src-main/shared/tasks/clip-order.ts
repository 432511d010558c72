/** VCOP clip order prediction (PAPERS.md): in which of clips! orders are the shuffled clips? */
import { z } from 'zod';
import { defineTask } from './definition.ts';
import { cropSize, factorial, fitsFrame, frameSize, oneOf, wholeNumber } from './options.ts';

/** VCOP crops: random for training, centred for evaluation. */
export const CLIP_ORDER_MODES = ['train', 'eval'] as const;
export type ClipOrderMode = (typeof CLIP_ORDER_MODES)[number];

export const clipOrderConfigSchema = z
  .object({
    task: z.literal('clip-order'),
    clips: wholeNumber('clips', 2, 5).describe('Clips per tuple; clips! orders, one class each.'),
    clipLength: wholeNumber('clipLength', 1, 64).describe('Frames per clip.'),
    /** From the end of one clip to the start of the next. */
    interval: wholeNumber('interval', 0, 128).describe('Frames skipped between one clip and the next.'),
    frameSize,
    /** One crop per clip, shared by its frames. */
    cropSize,
    mode: oneOf('mode', CLIP_ORDER_MODES).describe('Random crops (train) or centred crops (eval).'),
  })
  .strict()
  .refine(...fitsFrame('cropSize'));

export type ClipOrderConfig = z.infer<typeof clipOrderConfigSchema>;

export interface ClipOrderDetail {
  /** order[i] = time rank of the clip shown at position i; the label is this order's rank. */
  order: number[];
}

export const clipOrder = defineTask({
  id: 'clip-order',
  title: 'Clip order prediction',
  paper: 'VCOP',
  reference: 'Xu et al. CVPR 2019',
  summary: 'In which of 6 orders are 3 shuffled 16-frame clips?',
  element: 'clip',
  schema: clipOrderConfigSchema,
  presets: {
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
  // 3D encoders see clips.
  backbones: ['c3d', 'r3d', 'r2plus1d'],
  // Every order is a class.
  classCount: (config) => factorial(config.clips),
  tupleShape: (config) => [config.clips, config.clipLength, config.cropSize, config.cropSize, 3],
  // The tuple's span: clips · clipLength + (clips − 1) · interval (64 for the paper preset).
  framesNeeded: (config) => config.clips * config.clipLength + (config.clips - 1) * config.interval,
});
