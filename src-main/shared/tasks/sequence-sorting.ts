/** OPN sequence sorting (PAPERS.md): which of 12 orders (forward = backward) are 4 frames in? */
import { z } from 'zod';
import { defineTask } from './definition.ts';
import { fitsFrame, fitsSpacing, frameSize, orderClassCount, pixels, spacedFramesNeeded, spacedWindow, wholeNumber } from './options.ts';

export const sequenceSortingConfigSchema = z
  .object({
    task: z.literal('sequence-sorting'),
    /** 4 frames: 24 orders, 12 classes (an order and its reverse share one). */
    tupleFrames: z.literal(4).describe('Frames the network sees per tuple (fixed by the paper).'),
    ...spacedWindow,
    frameSize,
    /** One location per tuple. */
    patchSize: pixels('patchSize').describe('Square motion-aware patch the network sees, in pixels of the decoded frame.'),
    /** On each axis, independently per frame. */
    jitter: wholeNumber('jitter', 0, 64).describe('Each frame’s crop moves by up to ± this many pixels.'),
    channelSplit: z.boolean().describe('Each frame keeps one random RGB channel, copied to all three.'),
    flip: z.boolean().describe('Mirror the whole tuple horizontally with probability ½.'),
  })
  .strict()
  .refine(...fitsSpacing(4))
  .refine(...fitsFrame('patchSize'));

export type SequenceSortingConfig = z.infer<typeof sequenceSortingConfigSchema>;

export interface SequenceSortingDetail {
  /** order[i] = time rank (0 = earliest) of the frame shown at position i. */
  order: number[];
}

export const sequenceSorting = defineTask({
  id: 'sequence-sorting',
  title: 'Sequence sorting',
  paper: 'OPN',
  reference: 'Lee et al. ICCV 2017',
  summary: 'Which of 12 orders (forward = backward) are 4 shuffled frames in?',
  element: 'frame',
  schema: sequenceSortingConfigSchema,
  presets: {
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
  backbones: ['alexnet'],
  // Orders up to reversal.
  classCount: (config) => orderClassCount(config.tupleFrames),
  tupleShape: (config) => [config.tupleFrames, 1, config.patchSize, config.patchSize, 3],
  framesNeeded: (config) => spacedFramesNeeded(config.tupleFrames, config.minGap),
});
