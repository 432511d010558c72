/** OPN's options, validated (the record is sequence-sorting.ts). */
import { z } from 'zod';
import { fitsFrame, fitsSpacing, frameSize, pixels, spacedWindow, wholeNumber } from './schema-parts.ts';

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

export type SequenceSortingConfig = z.infer<typeof sequenceSortingConfigSchema>;
