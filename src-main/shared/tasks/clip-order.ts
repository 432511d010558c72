/** VCOP clip order prediction (PAPERS.md): in which of clips! orders are the shuffled clips? */
import type { ClipOrderConfig } from './clip-order.schema.ts';
import { factorial, SHARED_HINTS } from './common.ts';
import type { TaskDefinition } from './definition.ts';

/** VCOP crops: random for training, centred for evaluation. */
export const CLIP_ORDER_MODES = ['train', 'eval'] as const;
export type ClipOrderMode = (typeof CLIP_ORDER_MODES)[number];

export interface ClipOrderDetail {
  /** order[i] = time rank of the clip shown at position i; the label is this order's rank. */
  order: number[];
}

export const clipOrder: TaskDefinition<ClipOrderConfig> = {
  id: 'clip-order',
  title: 'Clip order prediction',
  paper: 'VCOP',
  reference: 'Xu et al. CVPR 2019',
  summary: 'In which of 6 orders are 3 shuffled 16-frame clips?',
  element: 'clip',
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
  hints: {
    clips: 'Clips per tuple; clips! orders, one class each.',
    clipLength: 'Frames per clip.',
    interval: 'Frames skipped between one clip and the next.',
    frameSize: SHARED_HINTS.frameSize,
    cropSize: SHARED_HINTS.cropSize,
    mode: 'Random crops (train) or centred crops (eval).',
  },
  choices: { mode: CLIP_ORDER_MODES },
  fixed: [],
  // 3D encoders see clips.
  backbones: ['c3d', 'r3d', 'r2plus1d'],
  // Every order is a class.
  classCount: (config) => factorial(config.clips),
  tupleShape: (config) => [config.clips, config.clipLength, config.cropSize, config.cropSize, 3],
  // The tuple's span: clips · clipLength + (clips − 1) · interval (64 for the paper preset).
  framesNeeded: (config) => config.clips * config.clipLength + (config.clips - 1) * config.interval,
};
