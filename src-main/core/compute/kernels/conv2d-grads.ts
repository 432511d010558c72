/**
 * The gradients of a 2D convolution written as forward convolutions, so that a backend with a fast
 * Conv2D (wasm: XNNPACK) trains at the speed it infers. Pure tensor functions, NHWC, dilation 1 (tfjs
 * computes no conv gradients for dilated convolutions anyway).
 */
import * as tf from '../tf.ts';
import { explicitPadding, pair, type Pad2D, type PadSides2D } from './padding.ts';

export interface Conv2DGeometry {
  strides: [number, number] | number;
  pad: Pad2D;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

/** The padding a convolution of `inputShape` with `filterShape` uses, side by side. */
function conv2dPadding(
  inputShape: readonly number[],
  filterShape: readonly number[],
  geometry: Conv2DGeometry,
): PadSides2D {
  const info = tf.backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    geometry.strides,
    1,
    geometry.pad,
    geometry.dimRoundingMode,
  );
  const { top, bottom, left, right } = info.padInfo;
  return { top, bottom, left, right };
}

/** A 1×1 filter at stride 1 without padding: every output pixel is its input pixel times the filter. */
function isPointwise(filterShape: readonly number[], geometry: Conv2DGeometry, sides: PadSides2D): boolean {
  const [filterHeight, filterWidth] = filterShape;
  return filterHeight === 1 && filterWidth === 1 && pair(geometry.strides).every((stride) => stride === 1) && Object.values(sides).every((side) => side === 0);
}

/**
 * dL/dfilter: the filter gradient is a correlation of the input with dy. Swapping the roles of batch
 * and channels makes it one forward convolution: input [Cin, H, W, N] with "filter" dy [oh, ow, N, Cout]
 * dilated by the stride, giving [Cin, kh, kw, Cout] (cropped when the padding leaves a remainder).
 */
export function conv2dFilterGradient(
  x: tf.Tensor4D,
  dy: tf.Tensor4D,
  filterShape: readonly [number, number, number, number],
  geometry: Conv2DGeometry,
): tf.Tensor4D {
  return tf.tidy(() => {
    const [filterHeight, filterWidth, inChannels, outChannels] = filterShape;
    const sides = conv2dPadding(x.shape, filterShape, geometry);
    if (isPointwise(filterShape, geometry, sides)) {
      // A 1×1 filter's gradient is xᵀ·dy over every pixel: a product, 3–5× faster than the correlation.
      const pixels = x.size / inChannels;
      return tf.reshape(tf.matMul(tf.reshape(x, [pixels, inChannels]), tf.reshape(dy, [pixels, outChannels]), true, false), [...filterShape]);
    }
    const channelsAsBatch = tf.transpose(x, [3, 1, 2, 0]);
    const dyAsFilter = tf.transpose(dy, [1, 2, 0, 3]);
    const correlation = tf.conv2d(channelsAsBatch, dyAsFilter, 1, explicitPadding(sides), 'NHWC', geometry.strides);
    const cropped = tf.slice(correlation, [0, 0, 0, 0], [inChannels, filterHeight, filterWidth, outChannels]);
    return tf.transpose(cropped, [1, 2, 0, 3]);
  });
}

/** Padding on each side the "full" correlation needs to give back the input size. */
function fullPadding(filterShape: readonly number[], sides: PadSides2D): PadSides2D {
  const [filterHeight = 1, filterWidth = 1] = filterShape;
  return {
    top: filterHeight - 1 - sides.top,
    bottom: filterHeight - 1 - sides.bottom,
    left: filterWidth - 1 - sides.left,
    right: filterWidth - 1 - sides.right,
  };
}

/**
 * Whether conv2dInputGradientStride1 applies: stride 1 and no side padded by a filter size or more
 * (true of 'same' and 'valid'). Strided convolutions keep the backend's own kernel: as a forward
 * convolution they would multiply mostly inserted zeros.
 */
export function fitsStride1InputGradient(
  inputShape: readonly number[],
  filterShape: readonly number[],
  geometry: Conv2DGeometry,
): boolean {
  if (pair(geometry.strides).some((stride) => stride !== 1)) return false;
  const full = fullPadding(filterShape, conv2dPadding(inputShape, filterShape, geometry));
  return Object.values(full).every((side) => side >= 0);
}

/**
 * dL/dx for a stride-1 convolution: the "full" correlation of dy with the filter rotated by 180° and
 * its in/out channels swapped.
 */
export function conv2dInputGradientStride1(
  dy: tf.Tensor4D,
  filter: tf.Tensor4D,
  inputShape: readonly [number, number, number, number],
  geometry: Conv2DGeometry,
): tf.Tensor4D {
  if (!fitsStride1InputGradient(inputShape, filter.shape, geometry)) {
    throw new RangeError('conv2dInputGradientStride1 needs stride 1 and padding smaller than the filter');
  }
  return tf.tidy(() => {
    const sides = conv2dPadding(inputShape, filter.shape, geometry);
    const rotated = tf.transpose(tf.reverse(filter, [0, 1]), [0, 1, 3, 2]);
    return tf.conv2d(dy, rotated, 1, explicitPadding(fullPadding(filter.shape, sides)));
  });
}
