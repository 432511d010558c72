/** What every backbone gives the task heads and the retrieval feature extractor. */
import type * as tf from '../compute/tf.ts';
import type { Mode } from './blocks.ts';

export interface Encoder {
  /** One element: [h, w, 3] for a frame encoder, [t, h, w, 3] for a clip encoder. */
  inputShape: number[];
  featureSize: number;
  /** [n, ...inputShape] RGB in [0, 1] → [n, featureSize]. */
  apply(x: tf.Tensor, mode: Mode): tf.Tensor2D;
  /**
   * The last convolutional feature map, [n, h', w', c] or [n, t', h', w', c], for retrieval
   * variants such as VCOP's spatially max-pooled conv5.
   */
  convFeatures(x: tf.Tensor, mode: Mode): tf.Tensor;
}

/** Channel count `base` scaled by the width multiplier, never below 1. */
export function scaledWidth(base: number, width: number): number {
  return Math.max(1, Math.round(base * width));
}
