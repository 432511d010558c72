/**
 * Retrieval features from a frozen encoder (PAPERS.md): the last conv feature map, max-pooled over
 * space and flattened (VCOP's reference), per clip. A frame encoder sees each frame of the clip and
 * its frame features are averaged over the clip; a clip encoder sees the clip whole.
 */
import * as tf from '../compute/tf.ts';
import { EVALUATION } from '../models/blocks.ts';
import type { Encoder } from '../models/encoder.ts';

const isClipEncoder = (encoder: Encoder) => encoder.inputShape.length === 4;

/** Side of the square crop the encoder takes. */
export function inputSide(encoder: Encoder): number {
  return encoder.inputShape.at(-2) as number;
}

/** [clips, frames, side, side, 3] in [0, 1] → [clips, features]. */
export function clipFeatures(encoder: Encoder, clips: tf.Tensor5D): tf.Tensor2D {
  return tf.tidy(() => {
    const [count, frames, height, width] = clips.shape;
    if (isClipEncoder(encoder)) {
      const map = encoder.convFeatures(clips, EVALUATION);
      // [clips, t, h, w, c] → max over h, w → [clips, t·c].
      return tf.reshape(tf.max(map, [2, 3]), [count, -1]);
    }
    const map = encoder.convFeatures(tf.reshape(clips, [count * frames, height, width, 3]), EVALUATION);
    const perFrame = tf.max(map, [1, 2]);
    return tf.mean(tf.reshape(perFrame, [count, frames, -1]), 1);
  });
}

/** The clips' mean: the video's vector (VCOP averages the 10 clip features). */
export function videoFeature(clipVectors: tf.Tensor2D): tf.Tensor1D {
  return tf.mean(clipVectors, 0);
}
