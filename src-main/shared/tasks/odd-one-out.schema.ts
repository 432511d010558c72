/** O3N's options, validated (the record is odd-one-out.ts). */
import { z } from 'zod';
import { ODD_ONE_OUT_FUSIONS } from './odd-one-out.ts';
import { fitsFrame, frameSize, motionTopFraction, oneOf, pixels, wholeNumber } from './schema-parts.ts';

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

export type OddOneOutConfig = z.infer<typeof oddOneOutConfigSchema>;
