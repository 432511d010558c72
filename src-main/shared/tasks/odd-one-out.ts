/** O3N odd-one-out (PAPERS.md): which of N + 1 subsequences has its frames out of order? */
import { z } from 'zod';
import { defineTask } from './definition.ts';
import { cropSize, fitsFrame, frameSize, motionTopFraction, oneOf, spacedFramesNeeded, wholeNumber } from './options.ts';

/** O3N fusion of the subsequence features before the classifier. */
export const ODD_ONE_OUT_FUSIONS = ['concat', 'sum-of-differences'] as const;
export type OddOneOutFusion = (typeof ODD_ONE_OUT_FUSIONS)[number];

export const oddOneOutConfigSchema = z
  .object({
    task: z.literal('odd-one-out'),
    /** N + 1: N in order, one shuffled. */
    subsequences: wholeNumber('subsequences', 3, 10).describe('N + 1 subsequences per question; also the number of classes.'),
    framesPerSubsequence: wholeNumber('framesPerSubsequence', 2, 16).describe('Frames in each subsequence.'),
    frameStride: wholeNumber('frameStride', 1, 60).describe('Frames between consecutive frames of a subsequence.'),
    motionTopFraction,
    fusion: oneOf('fusion', ODD_ONE_OUT_FUSIONS).describe('How subsequence features are combined before the classifier.'),
    frameSize,
    /** One random crop per subsequence, shared by its frames. */
    cropSize,
  })
  .strict()
  .refine(...fitsFrame('cropSize'));

export type OddOneOutConfig = z.infer<typeof oddOneOutConfigSchema>;

export interface OddOneOutDetail {
  oddIndex: number;
  /** oddOrder[i] = time rank of the frame shown at position i of the odd subsequence. */
  oddOrder: number[];
}

export const oddOneOut = defineTask({
  id: 'odd-one-out',
  title: 'Odd-one-out',
  paper: 'O3N',
  reference: 'Fernando et al. CVPR 2017',
  summary: 'Which of N+1 subsequences is the one whose frames are out of order?',
  element: 'subsequence',
  schema: oddOneOutConfigSchema,
  presets: {
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
  backbones: ['alexnet'],
  // Which subsequence is odd.
  classCount: (config) => config.subsequences,
  tupleShape: (config) => [config.subsequences, config.framesPerSubsequence, config.cropSize, config.cropSize, 3],
  // Each subsequence spans this much; subsequences may overlap.
  framesNeeded: (config) => spacedFramesNeeded(config.framesPerSubsequence, config.frameStride),
});
