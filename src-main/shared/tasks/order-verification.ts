/** Shuffle & Learn order verification (PAPERS.md): is a 3-frame tuple in the right order? */
import { SHARED_HINTS, spacedFramesNeeded } from './common.ts';
import type { TaskDefinition } from './definition.ts';
import type { OrderVerificationConfig } from './order-verification.schema.ts';

/**
 * S&L classifier over the concatenated fc7 features: the paper's single linear layer, or one hidden
 * ReLU layer first. A linear layer scores each frame separately and adds the scores, which cannot
 * express "the middle frame lies between the other two" (betweenness is not a sum of per-frame
 * terms); it learns only from per-frame cues of real footage. Measured on generated growing boxes:
 * linear stays at the 0.75 majority class after 800 tiny steps, the hidden layer reaches 0.94.
 */
export const ORDER_VERIFICATION_HEADS = ['linear', 'hidden-layer'] as const;
export type OrderVerificationHead = (typeof ORDER_VERIFICATION_HEADS)[number];

/** Candidates a < b < c < d < e drawn from the window. */
export const CANDIDATES = 5;

export type OrderVerificationKind = 'positive' | 'negative-before' | 'negative-after';

export interface OrderVerificationDetail {
  /** positive (b, c, d), negative-before (b, a, d) or negative-after (b, e, d). */
  kind: OrderVerificationKind;
  /** Frames a, b, c, d, e in time order. */
  candidates: number[];
}

export const orderVerification: TaskDefinition<OrderVerificationConfig> = {
  id: 'order-verification',
  title: 'Order verification',
  paper: 'Shuffle & Learn',
  reference: 'Misra et al. ECCV 2016',
  summary: 'Is a 3-frame tuple, taken from 5 high-motion frames, in the right order?',
  element: 'frame',
  presets: {
    paper: {
      task: 'order-verification',
      candidateFrames: 5,
      tupleFrames: 3,
      // Our choice: 90-frame windows, frames ≥ 15 apart: |b − d| ≤ 60, |a − b| and |d − e| ≥ 15.
      windowFrames: 90,
      minGap: 15,
      motionTopFraction: 0.3,
      negativeRatio: 0.75,
      // Our choice: UCF's 4:3 frames at 256 px high, cropped to the paper's 227×227 input.
      frameSize: { width: 340, height: 256 },
      cropSize: 227,
      head: 'linear',
    },
    tiny: {
      task: 'order-verification',
      candidateFrames: 5,
      tupleFrames: 3,
      windowFrames: 30,
      minGap: 5,
      motionTopFraction: 0.3,
      negativeRatio: 0.75,
      frameSize: { width: 64, height: 48 },
      cropSize: 40,
      // Not the paper's linear layer: see ORDER_VERIFICATION_HEADS.
      head: 'hidden-layer',
    },
  },
  hints: {
    candidateFrames: 'Frames a < b < c < d < e drawn from the window (fixed by the paper).',
    tupleFrames: SHARED_HINTS.tupleFrames,
    windowFrames: SHARED_HINTS.windowFrames,
    minGap: SHARED_HINTS.minGap,
    motionTopFraction: SHARED_HINTS.motionTopFraction,
    negativeRatio: 'Probability that a tuple is a wrong order.',
    frameSize: SHARED_HINTS.frameSize,
    cropSize: SHARED_HINTS.cropSize,
    head: 'The paper’s linear layer over the three frames’ features, or a hidden layer first (can compare frames).',
  },
  choices: { head: ORDER_VERIFICATION_HEADS },
  fixed: ['candidateFrames', 'tupleFrames'],
  backbones: ['alexnet'],
  // Right or wrong order.
  classCount: () => 2,
  // Batches hold exactly `negativeRatio` negatives, all of one class.
  majority: (config) => Math.max(config.negativeRatio, 1 - config.negativeRatio),
  tupleShape: (config) => [config.tupleFrames, 1, config.cropSize, config.cropSize, 3],
  framesNeeded: (config) => spacedFramesNeeded(CANDIDATES, config.minGap),
  relationTuple: (config) => ({ frames: config.tupleFrames, stride: config.minGap }),
};
