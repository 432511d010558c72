/**
 * Functional layers: each builder creates its weights in a scope and returns the function that
 * applies them. Channels last throughout: [n, h, w, c] for 2D and [n, t, h, w, c] for 3D.
 */
import * as tf from '../compute/tf.ts';
import { heNormal, normal, ones, zeros, type Scope } from './params.ts';

export interface Mode {
  /** Batch statistics and dropout on; off for evaluation and feature extraction. */
  training: boolean;
  /** Seeds the dropout masks of this call; unset draws fresh ones. */
  seed?: number;
}

export type Layer = (x: tf.Tensor, mode: Mode) => tf.Tensor;

export const EVALUATION: Mode = { training: false };

export function sequence(...layers: Layer[]): Layer {
  return (x, mode) => layers.reduce((y, layer) => layer(y, mode), x);
}

export const relu: Layer = (x) => tf.relu(x);

/** Maps RGB in [0, 1] to [-1, 1]. */
export const centrePixels: Layer = (x) => tf.sub(tf.mul(x, 2), 1);

const product = (values: readonly number[]) => values.reduce((a, b) => a * b, 1);

export interface ConvOptions {
  inChannels: number;
  filters: number;
  /** [h, w] for 2D, [t, h, w] for 3D. */
  kernel: number[];
  strides: number[];
  padding: 'same' | 'valid';
}

/** A convolution without bias: every one is followed by BatchNorm, whose shift makes a bias moot. */
export function conv(scope: Scope, options: ConvOptions): Layer {
  const { inChannels, filters, kernel, strides, padding } = options;
  const weights = scope.variable('kernel', [...kernel, inChannels, filters], heNormal(product(kernel) * inChannels));
  if (kernel.length === 2) {
    return (x) => tf.conv2d(x as tf.Tensor4D, weights as tf.Tensor4D, strides as [number, number], padding);
  }
  return (x) => tf.conv3d(x as tf.Tensor5D, weights as tf.Tensor5D, strides as [number, number, number], padding);
}

/** Weight of the newest batch in the running statistics, and the variance floor (PyTorch's). */
const BATCH_NORM_MOMENTUM = 0.1;
const BATCH_NORM_EPSILON = 1e-5;

/**
 * BatchNorm over the last axis, with running statistics for evaluation, on a [positions, channels]
 * view (no broadcasting over rank 5, which wasm does slowly). Training normalises with the batch's
 * statistics and has its gradient written out (below): autodiff through the statistics took ~60
 * small kernels per layer, most of a tiny network's step.
 */
export function batchNorm(scope: Scope, channels: number): Layer {
  const gamma = scope.variable('gamma', [channels], ones);
  const beta = scope.variable('beta', [channels], zeros);
  const runningMean = scope.variable('running_mean', [channels], zeros, false);
  const runningVariance = scope.variable('running_variance', [channels], ones, false);
  const blend = (running: tf.Variable, batch: tf.Tensor) =>
    running.assign(tf.add(tf.mul(running, 1 - BATCH_NORM_MOMENTUM), tf.mul(batch, BATCH_NORM_MOMENTUM)));
  const normalise = (rows: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor, mean: tf.Tensor, inverseDeviation: tf.Tensor) => {
    const scale = tf.mul(gamma, inverseDeviation);
    return tf.add(tf.mul(rows, scale), tf.sub(beta, tf.mul(mean, scale)));
  };
  const inverse = (variance: tf.Tensor) => tf.rsqrt(tf.add(variance, BATCH_NORM_EPSILON));
  const normaliseBatch = (rows: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D, save: tf.GradSaveFunc) => {
    const count = rows.shape[0];
    const { mean, variance } = tf.moments(rows, 0);
    // The batch is normalised with the biased variance; the running variance is unbiased, as in PyTorch.
    tf.tidy(() => {
      blend(runningMean, mean);
      blend(runningVariance, tf.mul(variance, count / Math.max(1, count - 1)));
    });
    const inverseDeviation = inverse(variance);
    save([rows, mean, inverseDeviation]);
    return {
      value: normalise(rows, g, b, mean, inverseDeviation),
      // With x̂ = (x − μ)·σ⁻¹, sums over positions: dx = γ·σ⁻¹/N · (N·dy − Σdy − x̂·Σ(dy·x̂)), dγ = Σ(dy·x̂), dβ = Σdy.
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [x, mu, inv] = saved as [tf.Tensor2D, tf.Tensor1D, tf.Tensor1D];
        const xHat = tf.mul(tf.sub(x, mu), inv);
        const dBeta = tf.sum(dy, 0);
        const dGamma = tf.sum(tf.mul(dy, xHat), 0);
        const perRow = tf.sub(tf.sub(tf.mul(dy, count), dBeta), tf.mul(xHat, dGamma));
        return [tf.mul(perRow, tf.mul(g, tf.mul(inv, 1 / count))), dGamma, dBeta];
      },
    };
  };
  // customGrad passes its inputs and the save function as one rest list.
  const withBatchStatistics = tf.customGrad(normaliseBatch as unknown as Parameters<typeof tf.customGrad>[0]);
  const apply = (rows: tf.Tensor2D, mode: Mode) =>
    mode.training ? (withBatchStatistics(rows, gamma, beta) as tf.Tensor2D) : normalise(rows, gamma, beta, runningMean, inverse(runningVariance));
  return (x, mode) => tf.reshape(apply(tf.reshape(x, [-1, channels]), mode), x.shape);
}

export interface DenseOptions {
  relu?: boolean;
}

// Caffe's classifier init: near-zero logits, so training starts at the loss of chance.
const CLASSIFIER_STD = 0.01;

/** A fully connected layer on the last axis of [n, features]; without ReLU it is a classifier. */
export function dense(scope: Scope, inFeatures: number, units: number, options: DenseOptions = {}): Layer {
  const init = options.relu ? heNormal(inFeatures) : normal(CLASSIFIER_STD);
  const kernel = scope.variable('kernel', [inFeatures, units], init);
  const bias = scope.variable('bias', [units], zeros);
  return (x) => {
    const y = tf.add(tf.matMul(x as tf.Tensor2D, kernel as tf.Tensor2D), bias);
    return options.relu ? tf.relu(y) : y;
  };
}

/** Inverted dropout while training; the identity otherwise. */
export function dropout(scope: Scope, rate: number): Layer {
  const salt = scope.salt('dropout');
  return (x, mode) => {
    if (!mode.training || rate === 0) return x;
    return tf.dropout(x, rate, undefined, mode.seed === undefined ? undefined : mode.seed + salt);
  };
}

export function maxPool2d(size: number, stride: number, padding: 'same' | 'valid' = 'valid'): Layer {
  return (x) => tf.maxPool(x as tf.Tensor4D, size, stride, padding);
}

/** Ceil-mode pooling ('same'), so short clips keep one frame instead of vanishing. */
export function maxPool3d(size: [number, number, number], strides: [number, number, number]): Layer {
  return (x) => tf.maxPool3d(x as tf.Tensor5D, size, strides, 'same');
}

/** [n, ..., c] → [n, c]: the mean over every axis between batch and channels (on a rank-3 view). */
export const globalAveragePool: Layer = (x) => tf.mean(tf.reshape(x, [x.shape[0] as number, -1, x.shape.at(-1) as number]), 1);

export const flatten: Layer = (x) => tf.reshape(x, [x.shape[0] as number, -1]);
