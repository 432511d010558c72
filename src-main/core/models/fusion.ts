/**
 * How the tasks combine the elements of a tuple: pairwise concatenation (OPN, VCOP), O3N's sum of
 * differences, and the dynamic image O3N summarises a subsequence with. Pure tensor functions.
 */
import * as tf from '../compute/tf.ts';

/** Every pair (i, j), i < j, in the order pair features are laid out: (0,1), (0,2), …, (1,2), … */
export function elementPairs(count: number): [number, number][] {
  const pairs: [number, number][] = [];
  for (let i = 0; i < count; i++) for (let j = i + 1; j < count; j++) pairs.push([i, j]);
  return pairs;
}

/** [b, elements, f] → [b, pairs, 2f]: the two features of each pair side by side. */
export function pairFeatures(features: tf.Tensor3D): tf.Tensor3D {
  const elements = tf.unstack(features, 1);
  const pairs = elementPairs(elements.length).map(([i, j]) => tf.concat([elements[i] as tf.Tensor2D, elements[j] as tf.Tensor2D], 1));
  return tf.stack(pairs, 1) as tf.Tensor3D;
}

/**
 * 2k − n + 1 for k = 0…n−1. Element k is the later one in k pairs and the earlier one in n − 1 − k,
 * so Σ_{i<j} (x_j − x_i) = Σ_k (2k − n + 1)·x_k: the sum of differences, and, up to scale,
 * approximate rank pooling.
 */
export function orderWeights(count: number): number[] {
  return Array.from({ length: count }, (_, k) => 2 * k - count + 1);
}

/** Σ over axis 1 of `weights[k]` × element k: [n, k, ...rest] → [n, ...rest], on a rank-3 view. */
function weightedSum(x: tf.Tensor, weights: number[]): tf.Tensor {
  const [n = 1, count = 1, ...rest] = x.shape;
  const rows = tf.reshape(x, [n, count, -1]);
  const summed = tf.sum(tf.mul(rows, tf.tensor(weights, [1, count, 1])), 1);
  return tf.reshape(summed, [n, ...rest]);
}

/** O3N's sum of differences over all pairs: [b, elements, f] → [b, f]. */
export function sumOfDifferences(features: tf.Tensor3D): tf.Tensor2D {
  return weightedSum(features, orderWeights(features.shape[1])) as tf.Tensor2D;
}

/**
 * A dynamic image (approximate rank pooling, Bilen et al. 2016): frames [n, t, h, w, 3] in [0, 1] →
 * one image [n, h, w, 3] in [0, 1] that changes with the frames' order, unlike their mean. Scaled so
 * the extremes stay in range: a static clip gives mid-grey.
 */
export function dynamicImage(frames: tf.Tensor5D): tf.Tensor4D {
  return tf.tidy(() => {
    const count = frames.shape[1];
    const weights = orderWeights(count);
    const reach = weights.reduce((sum, weight) => sum + Math.abs(weight), 0) / 2;
    if (reach === 0) return tf.squeeze(frames, [1]) as tf.Tensor4D;
    const pooled = weightedSum(frames, weights.map((weight) => weight / reach / 2));
    return tf.add(pooled, 0.5) as tf.Tensor4D;
  });
}
