/** O3N odd-one-out (PAPERS.md): which of N + 1 subsequences has its frames out of order? */
import { SHARED_HINTS, spacedFramesNeeded } from './common.ts';
import type { TaskDefinition } from './definition.ts';
import type { OddOneOutConfig } from './odd-one-out.schema.ts';

/** O3N fusion of the subsequence features before the classifier. */
export const ODD_ONE_OUT_FUSIONS = ['concat', 'sum-of-differences'] as const;
export type OddOneOutFusion = (typeof ODD_ONE_OUT_FUSIONS)[number];

export interface OddOneOutDetail {
  oddIndex: number;
  /** oddOrder[i] = time rank of the frame shown at position i of the odd subsequence. */
  oddOrder: number[];
}

export const oddOneOut: TaskDefinition<OddOneOutConfig> = {
  id: 'odd-one-out',
  title: 'Odd-one-out',
  paper: 'O3N',
  reference: 'Fernando et al. CVPR 2017',
  summary: 'Which of N+1 subsequences is the one whose frames are out of order?',
  element: 'subsequence',
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
  hints: {
    subsequences: 'N + 1 subsequences per question; also the number of classes.',
    framesPerSubsequence: 'Frames in each subsequence.',
    frameStride: 'Frames between consecutive frames of a subsequence.',
    motionTopFraction: SHARED_HINTS.motionTopFraction,
    fusion: 'How subsequence features are combined before the classifier.',
    frameSize: SHARED_HINTS.frameSize,
    cropSize: SHARED_HINTS.cropSize,
  },
  choices: { fusion: ODD_ONE_OUT_FUSIONS },
  fixed: [],
  backbones: ['alexnet'],
  // Which subsequence is odd.
  classCount: (config) => config.subsequences,
  tupleShape: (config) => [config.subsequences, config.framesPerSubsequence, config.cropSize, config.cropSize, 3],
  // Each subsequence spans this much; subsequences may overlap.
  framesNeeded: (config) => spacedFramesNeeded(config.framesPerSubsequence, config.frameStride),
  // The network sees each subsequence as its dynamic image (core/models/task-models.ts).
  dynamicImage: (config) => ({ frames: config.framesPerSubsequence, stride: config.frameStride }),
};
