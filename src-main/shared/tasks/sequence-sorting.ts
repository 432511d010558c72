/** OPN sequence sorting (PAPERS.md): which of 12 orders (forward = backward) are 4 frames in? */
import { orderClassCount, SHARED_HINTS, spacedFramesNeeded } from './common.ts';
import type { TaskDefinition } from './definition.ts';
import type { SequenceSortingConfig } from './sequence-sorting.schema.ts';

export interface SequenceSortingDetail {
  /** order[i] = time rank (0 = earliest) of the frame shown at position i. */
  order: number[];
}

export const sequenceSorting: TaskDefinition<SequenceSortingConfig> = {
  id: 'sequence-sorting',
  title: 'Sequence sorting',
  paper: 'OPN',
  reference: 'Lee et al. ICCV 2017',
  summary: 'Which of 12 orders (forward = backward) are 4 shuffled frames in?',
  element: 'frame',
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
  hints: {
    tupleFrames: SHARED_HINTS.tupleFrames,
    windowFrames: SHARED_HINTS.windowFrames,
    minGap: SHARED_HINTS.minGap,
    motionTopFraction: SHARED_HINTS.motionTopFraction,
    frameSize: SHARED_HINTS.frameSize,
    patchSize: 'Square motion-aware patch the network sees, in pixels of the decoded frame.',
    jitter: 'Each frame’s crop moves by up to ± this many pixels.',
    channelSplit: 'Each frame keeps one random RGB channel, copied to all three.',
    flip: 'Mirror the whole tuple horizontally with probability ½.',
  },
  choices: {},
  fixed: ['tupleFrames'],
  backbones: ['alexnet'],
  // Orders up to reversal.
  classCount: (config) => orderClassCount(config.tupleFrames),
  tupleShape: (config) => [config.tupleFrames, 1, config.patchSize, config.patchSize, 3],
  framesNeeded: (config) => spacedFramesNeeded(config.tupleFrames, config.minGap),
  relationTuple: (config) => ({ frames: config.tupleFrames, stride: config.minGap }),
};
