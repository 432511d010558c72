/**
 * Retrieval features from a frozen encoder, per clip, from its last conv feature map (PAPERS.md):
 * - 'global-max' (the compact protocol): max over space, flattened over time; a frame encoder's frame
 *   features are averaged over the clip. An encoder trained on dynamic images (O3N) sees the clip as
 *   its own input: the dynamic images of the subsequences that fit the clip, features averaged. A
 *   frame encoder whose head compares ordered frames (S&L, OPN) gives the head's view (before its
 *   classifier) of every ordered tuple in the clip, averaged (`tupleClipFeatures`).
 * - 'reference-grid' (vcop-reference): VCOP's local grid. A clip encoder's map goes through
 *   MaxPool3d(kernel (1,2,2), stride (1,2,2)); a frame encoder's trunk already ends in conv5's 3/2 max
 *   pool, as retrieve_frames.py pools it. Flattened channels first (PyTorch's C·T·H·W order), so an
 *   export lines up with the reference's vectors.
 */
import * as tf from '../compute/tf.ts';
import { EVALUATION } from '../models/blocks.ts';
import type { Encoder } from '../models/encoder.ts';
import { dynamicImage } from '../models/fusion.ts';
import type { Layer } from '../models/blocks.ts';
import { spacedFramesNeeded, type SubsequenceSpacing } from '../../shared/tasks.ts';
import type { ExtractionPlan } from './feature-protocol.ts';

/** How a clip becomes the encoder's input and its output a vector. */
export type ClipEncoding = Pick<ExtractionPlan, 'pooling' | 'subsequence'>;

const COMPACT: ClipEncoding = { pooling: 'global-max', subsequence: null };

/**
 * The subsequences of a `clipFrames`-frame clip, side by side from its first frame, as frame offsets;
 * at least one (frames past the clip's end repeat its last, as a short video's clips do).
 */
export function clipSubsequences(clipFrames: number, spacing: SubsequenceSpacing): number[][] {
  const span = spacedFramesNeeded(spacing.frames, spacing.stride);
  const count = Math.max(1, Math.floor(clipFrames / span));
  return Array.from({ length: count }, (_, k) =>
    Array.from({ length: spacing.frames }, (_, i) => Math.min(k * span + i * spacing.stride, clipFrames - 1)),
  );
}

const isClipEncoder = (encoder: Encoder) => encoder.inputShape.length === 4;

/** Side of the square crop the encoder takes. */
export function inputSide(encoder: Encoder): number {
  return encoder.inputShape.at(-2) as number;
}

/** [n, …, c] → [n, c·…]: channels first, then the rest in order, as PyTorch's view(n, -1) of NC… */
function flattenChannelsFirst(map: tf.Tensor): tf.Tensor2D {
  const rank = map.shape.length;
  const order = [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
  return tf.reshape(tf.transpose(map, order), [map.shape[0] as number, -1]);
}

/** A frame encoder's images of each clip: its frames, or its subsequences' dynamic images → [clips·images, h, w, 3]. */
function clipImages(clips: tf.Tensor5D, subsequence: SubsequenceSpacing | null): { images: tf.Tensor4D; perClip: number } {
  const [count, frames, height, width] = clips.shape;
  if (!subsequence) return { images: tf.reshape(clips, [count * frames, height, width, 3]), perClip: frames };
  const groups = clipSubsequences(frames, subsequence);
  const picked = tf.gather(clips, groups.flat(), 1);
  const images = dynamicImage(tf.reshape(picked, [count * groups.length, subsequence.frames, height, width, 3]) as tf.Tensor5D);
  return { images, perClip: groups.length };
}

/**
 * Every ordered tuple of a `clipFrames`-frame clip, frames `stride` apart, one from each start frame,
 * as frame offsets; at least one (frames past the clip's end repeat its last).
 */
export function clipTuples(clipFrames: number, spacing: SubsequenceSpacing): number[][] {
  const starts = Math.max(1, clipFrames - spacedFramesNeeded(spacing.frames, spacing.stride) + 1);
  return Array.from({ length: starts }, (_, start) =>
    Array.from({ length: spacing.frames }, (_, i) => Math.min(start + i * spacing.stride, clipFrames - 1)),
  );
}

/**
 * [clips, frames, side, side, 3] in [0, 1] → the head's view (`relate`) of each clip's ordered tuples,
 * averaged: [clips, features]. Each frame goes through the encoder once; its features join every tuple it is in.
 */
export function tupleClipFeatures(encoder: Encoder, relate: Layer, clips: tf.Tensor5D, spacing: SubsequenceSpacing): tf.Tensor2D {
  return tf.tidy(() => {
    const [count, frames, height, width, channels] = clips.shape;
    const tuples = clipTuples(frames, spacing);
    const perFrame = tf.reshape(encoder.apply(tf.reshape(clips, [count * frames, height, width, channels]), EVALUATION), [count, frames, -1]);
    const picked = tf.reshape(tf.gather(perFrame, tuples.flat(), 1), [count * tuples.length, spacing.frames, -1]);
    return tf.mean(tf.reshape(relate(picked, EVALUATION), [count, tuples.length, -1]), 1);
  });
}

/** [clips, frames, side, side, 3] in [0, 1] → [clips, features]. */
export function clipFeatures(encoder: Encoder, clips: tf.Tensor5D, encoding: ClipEncoding = COMPACT): tf.Tensor2D {
  return tf.tidy(() => {
    const count = clips.shape[0];
    if (isClipEncoder(encoder)) {
      const map = encoder.convFeatures(clips, EVALUATION) as tf.Tensor5D;
      // [clips, t, h, w, c] → max over h, w → [clips, t·c].
      if (encoding.pooling === 'global-max') return tf.reshape(tf.max(map, [2, 3]), [count, -1]);
      return flattenChannelsFirst(tf.maxPool3d(map, [1, 2, 2], [1, 2, 2], 'valid'));
    }
    const { images, perClip } = clipImages(clips, encoding.subsequence);
    const map = encoder.convFeatures(images, EVALUATION);
    const perImage = encoding.pooling === 'global-max' ? tf.max(map, [1, 2]) : flattenChannelsFirst(map);
    return tf.mean(tf.reshape(perImage, [count, perClip, -1]), 1);
  });
}

/** The clips' mean: the video's vector (VCOP averages the 10 clip features). */
export function videoFeature(clipVectors: tf.Tensor2D): tf.Tensor1D {
  return tf.mean(clipVectors, 0);
}
