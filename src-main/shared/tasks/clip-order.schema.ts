/** VCOP's options, validated (the record is clip-order.ts). */
import { z } from 'zod';
import { CLIP_ORDER_MODES } from './clip-order.ts';
import { fitsFrame, frameSize, oneOf, pixels, wholeNumber } from './schema-parts.ts';

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

export type ClipOrderConfig = z.infer<typeof clipOrderConfigSchema>;
