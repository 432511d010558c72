/** Shuffle & Learn's options, validated (the record is order-verification.ts). */
import { z } from 'zod';
import { CANDIDATES, ORDER_VERIFICATION_HEADS } from './order-verification.ts';
import { fitsFrame, fitsSpacing, frameSize, oneOf, pixels, spacedWindow } from './schema-parts.ts';

export const orderVerificationConfigSchema = z
  .object({
    task: z.literal('order-verification'),
    /** a < b < c < d < e, in time order, from one high-motion window. */
    candidateFrames: z.literal(CANDIDATES),
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
  .refine(...fitsSpacing(CANDIDATES))
  .refine(...fitsFrame('cropSize'));

export type OrderVerificationConfig = z.infer<typeof orderVerificationConfigSchema>;
