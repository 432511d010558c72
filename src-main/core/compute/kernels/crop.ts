/**
 * tfjs pads a 'same' 3D convolution or pool negatively when the stride exceeds the window
 * (computeConv3DInfo does not clamp at 0, unlike 2D), and the cpu kernels then start reading that
 * many rows in. Reading past a negative pad is reading a cropped input, so the kernels here crop
 * first and pad by what is left.
 */
import * as tf from '../tf.ts';
import type { PadSides3D } from './padding.ts';

export interface Framing {
  /** Rows cut from each side of the input. */
  crop: PadSides3D;
  /** Zeros added to each side of the cropped input. */
  pad: PadSides3D;
}

const SIDES = ['front', 'back', 'top', 'bottom', 'left', 'right'] as const;

export function framing(padding: PadSides3D): Framing {
  const crop = {} as PadSides3D;
  const pad = {} as PadSides3D;
  for (const side of SIDES) {
    crop[side] = Math.max(0, -padding[side]);
    pad[side] = Math.max(0, padding[side]);
  }
  return { crop, pad };
}

export function croppedShape(shape: readonly number[], crop: PadSides3D): [number, number, number, number, number] {
  const [n = 1, depth = 1, height = 1, width = 1, channels = 1] = shape;
  return [n, depth - crop.front - crop.back, height - crop.top - crop.bottom, width - crop.left - crop.right, channels];
}

/** Cuts `crop` off a [n, d, h, w, c] tensor, on rank-3 and rank-4 views (fast on wasm). */
export function cropInput(x: tf.Tensor5D, crop: PadSides3D): tf.Tensor5D {
  if (SIDES.every((side) => crop[side] === 0)) return x;
  const [n, depth, height, width, channels] = x.shape;
  const [, keptDepth, keptHeight, keptWidth] = croppedShape(x.shape, crop);
  const frames = tf.slice(tf.reshape(x, [n, depth, height * width * channels]), [0, crop.front, 0], [n, keptDepth, -1]);
  const pixels = tf.reshape(frames, [n * keptDepth, height, width, channels]);
  const cropped = tf.slice(pixels, [0, crop.top, crop.left, 0], [-1, keptHeight, keptWidth, channels]);
  return tf.reshape(cropped, [n, keptDepth, keptHeight, keptWidth, channels]);
}

/** The gradient of cropInput: zeros where the input was cut. */
export function uncropGradient(dx: tf.Tensor5D, crop: PadSides3D): tf.Tensor5D {
  if (SIDES.every((side) => crop[side] === 0)) return dx;
  const [n, depth, height, width, channels] = dx.shape;
  const pixels = tf.pad(tf.reshape(dx, [n * depth, height, width, channels]), [[0, 0], [crop.top, crop.bottom], [crop.left, crop.right], [0, 0]]);
  const fullHeight = height + crop.top + crop.bottom;
  const fullWidth = width + crop.left + crop.right;
  const frames = tf.pad(tf.reshape(pixels, [n, depth, -1]), [[0, 0], [crop.front, crop.back], [0, 0]]);
  return tf.reshape(frames, [n, depth + crop.front + crop.back, fullHeight, fullWidth, channels]);
}
