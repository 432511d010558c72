/**
 * A 3D convolution as a sum over the kernel's depth of 2D convolutions on depth slices, with both
 * gradients built the same way. Output frame t of tap kd reads input frame kd + stride·t, so each tap
 * is one batched conv2d over [n·outDepth, h, w, c]. Depth is handled on rank-3 views ([n, depth,
 * h·w·c]): wasm is slow at slicing rank ≥ 5 tensors. NDHWC, dilation 1.
 */
import * as tf from '../tf.ts';
import { cropInput, croppedShape, framing, uncropGradient, type Framing } from './crop.ts';
import { explicitPadding, type ExplicitPadding } from './padding.ts';
import { everyNthRow } from './strided-rows.ts';

export interface Conv3DGeometry {
  strides: [number, number, number] | number;
  pad: 'valid' | 'same';
}

type Shape5D = [number, number, number, number, number];

/** The convolution's sizes, for the input after cropping any negative padding. */
interface Plan extends Framing {
  info: tf.backend_util.Conv3DInfo;
  /** The cropped input's shape. */
  inner: Shape5D;
}

function plan(inputShape: readonly number[], filterShape: readonly number[], geometry: Conv3DGeometry): Plan {
  const info = tf.backend_util.computeConv3DInfo(inputShape as Shape5D, filterShape as Shape5D, geometry.strides, 1, geometry.pad);
  const frame = framing(info.padInfo);
  return { info, ...frame, inner: croppedShape(inputShape, frame.crop) };
}

function spatialStrides({ info }: Plan): [number, number] {
  return [info.strideHeight, info.strideWidth];
}

/** The cropped input with its depth padding, as [n, paddedDepth, h·w·c]. */
function depthPadded(x: tf.Tensor5D, p: Plan): tf.Tensor3D {
  const [n, depth, height, width, channels] = p.inner;
  const flat = tf.reshape<tf.Rank.R3>(cropInput(x, p.crop), [n, depth, height * width * channels]);
  const { front, back } = p.pad;
  return front === 0 && back === 0 ? flat : tf.pad(flat, [[0, 0], [front, back], [0, 0]]);
}

/** The input frames that filter tap `kd` meets, folded into the batch: [n·outDepth, h, w, c]. */
function depthTap(padded: tf.Tensor3D, p: Plan, kd: number): tf.Tensor4D {
  const [n] = padded.shape;
  const { strideDepth, outDepth } = p.info;
  const frames = everyNthRow(padded, kd, outDepth, strideDepth);
  const [, , height, width, channels] = p.inner;
  return tf.reshape(frames, [n * outDepth, height, width, channels]);
}

/** Filter tap `kd` as a 2D filter [kh, kw, cin, cout]. */
function filterTap(filter: tf.Tensor5D, kd: number): tf.Tensor4D {
  const [depth, height, width, inChannels, outChannels] = filter.shape;
  const rows = tf.reshape(filter, [depth, height * width * inChannels * outChannels]);
  return tf.reshape(tf.slice(rows, [kd, 0], [1, -1]), [height, width, inChannels, outChannels]);
}

function taps(p: Plan): number[] {
  return Array.from({ length: p.info.filterDepth }, (_, kd) => kd);
}

/** Σ over the filter taps of `term(kd)`, each tap's intermediates freed as soon as it is added. */
function sumOverTaps(p: Plan, term: (kd: number) => tf.Tensor): tf.Tensor {
  let total: tf.Tensor | null = null;
  for (const kd of taps(p)) {
    const previous: tf.Tensor | null = total;
    total = tf.tidy(() => (previous ? tf.add(previous, term(kd)) : term(kd)));
    previous?.dispose();
  }
  return total as tf.Tensor;
}

/**
 * A t×1×1 filter at spatial stride 1 (R(2+1)D's temporal convolutions): the frame's pixels can be laid
 * along one axis, making it a t×1 conv2d over [n, depth, h·w, c], one kernel instead of t slices,
 * convolutions and sums (1.7× faster forward, measured on wasm at R(2+1)D's first layer).
 */
function isTemporal({ info, pad }: Plan): boolean {
  return info.filterHeight === 1 && info.filterWidth === 1 && info.strideHeight === 1 && info.strideWidth === 1 && pad.top + pad.bottom + pad.left + pad.right === 0;
}

/** The cropped input as [n, depth, h·w, c]. */
function pixelRows(x: tf.Tensor5D, p: Plan): tf.Tensor4D {
  const [n, depth, height, width, channels] = p.inner;
  return tf.reshape(cropInput(x, p.crop), [n, depth, height * width, channels]);
}

/** The temporal convolution's conv2d geometry: depth as height, pixels as width. */
function temporalGeometry({ info, pad }: Plan) {
  return { strides: [info.strideDepth, 1] as [number, number], pad: [[0, 0], [pad.front, pad.back], [0, 0], [0, 0]] as ExplicitPadding };
}

function temporalFilter(filter: tf.Tensor5D): tf.Tensor4D {
  const [depth, , , inChannels, outChannels] = filter.shape;
  return tf.reshape(filter, [depth, 1, inChannels, outChannels]);
}

export function conv3dBySlices(x: tf.Tensor5D, filter: tf.Tensor5D, geometry: Conv3DGeometry): tf.Tensor5D {
  return tf.tidy(() => {
    const p = plan(x.shape, filter.shape, geometry);
    if (isTemporal(p)) {
      const { strides, pad } = temporalGeometry(p);
      return tf.reshape(tf.conv2d(pixelRows(x, p), temporalFilter(filter), strides, pad), p.info.outShape);
    }
    const padded = depthPadded(x, p);
    const output = sumOverTaps(p, (kd) => tf.conv2d(depthTap(padded, p, kd), filterTap(filter, kd), spatialStrides(p), explicitPadding(p.pad)));
    return tf.reshape(output, p.info.outShape);
  });
}

/** A conv2d's filter gradient through the Conv2DBackpropFilter kernel, so wasm runs the registered one. */
function conv2dFilterGradientKernel(x: tf.Tensor4D, dy: tf.Tensor4D, strides: [number, number], pad: ExplicitPadding, filterShape: number[]): tf.Tensor4D {
  const attrs = { strides, pad, dataFormat: 'NHWC', filterShape };
  return tf.engine().runKernel('Conv2DBackpropFilter', { x, dy }, attrs as unknown as tf.NamedAttrMap) as tf.Tensor4D;
}

/** dL/d(filter tap kd). */
function tapFilterGradient(padded: tf.Tensor3D, dyFrames: tf.Tensor4D, p: Plan, kd: number, filterShape: readonly number[]): tf.Tensor4D {
  const [, height, width, inChannels, outChannels] = filterShape;
  return tf.tidy(() => conv2dFilterGradientKernel(depthTap(padded, p, kd), dyFrames, spatialStrides(p), explicitPadding(p.pad), [height, width, inChannels, outChannels] as number[]));
}

export function conv3dFilterGradient(
  x: tf.Tensor5D,
  dy: tf.Tensor5D,
  filterShape: readonly [number, number, number, number, number],
  geometry: Conv3DGeometry,
): tf.Tensor5D {
  return tf.tidy(() => {
    const p = plan(x.shape, filterShape, geometry);
    if (isTemporal(p)) {
      const [depth, , , inChannels, outChannels] = filterShape;
      const { info } = p;
      const dyRows = tf.reshape<tf.Rank.R4>(dy, [info.batchSize, info.outDepth, info.outHeight * info.outWidth, outChannels]);
      const { strides, pad } = temporalGeometry(p);
      return tf.reshape(conv2dFilterGradientKernel(pixelRows(x, p), dyRows, strides, pad, [depth, 1, inChannels, outChannels]), [...filterShape]);
    }
    const padded = depthPadded(x, p);
    const dyFrames = tf.reshape<tf.Rank.R4>(dy, [-1, p.info.outHeight, p.info.outWidth, p.info.outChannels]);
    return tf.stack(taps(p).map((kd) => tapFilterGradient(padded, dyFrames, p, kd, filterShape))) as tf.Tensor5D;
  });
}

/**
 * Rows t of `frames` ([n, outDepth, pixels]) moved to depth kd + stride·t of a zero tensor
 * [n, paddedDepth, pixels].
 */
function placeDepthRows(frames: tf.Tensor3D, kd: number, stride: number, paddedDepth: number): tf.Tensor3D {
  const [n, outDepth, pixels] = frames.shape;
  const spread =
    stride === 1
      ? frames
      : tf.reshape<tf.Rank.R3>(tf.pad(tf.reshape(frames, [n, outDepth, 1, pixels]), [[0, 0], [0, 0], [0, stride - 1], [0, 0]]), [n, outDepth * stride, pixels]);
  const length = kd + outDepth * stride;
  const shifted = tf.pad(spread, [[0, 0], [kd, Math.max(0, paddedDepth - length)], [0, 0]]);
  return length > paddedDepth ? tf.slice(shifted, [0, 0, 0], [n, paddedDepth, pixels]) : shifted;
}

export function conv3dInputGradient(
  dy: tf.Tensor5D,
  filter: tf.Tensor5D,
  inputShape: readonly [number, number, number, number, number],
  geometry: Conv3DGeometry,
): tf.Tensor5D {
  return tf.tidy(() => {
    const p = plan(inputShape, filter.shape, geometry);
    if (isTemporal(p) && p.info.strideDepth === 1) {
      // Strided, conv2d's input gradient multiplies inserted zeros: the taps below are faster then.
      const { info } = p;
      const [n, depth, height, width, channels] = p.inner;
      const dyRows = tf.reshape<tf.Rank.R4>(dy, [n, info.outDepth, info.outHeight * info.outWidth, info.outChannels]);
      const { strides, pad } = temporalGeometry(p);
      const rows = tf.conv2dTranspose(dyRows, temporalFilter(filter), [n, depth, height * width, channels], strides, pad);
      return uncropGradient(tf.reshape(rows, p.inner), p.crop);
    }
    const { outDepth, outHeight, outWidth, outChannels, strideDepth } = p.info;
    const [n, depth, height, width, channels] = p.inner;
    const { front, back } = p.pad;
    const paddedDepth = depth + front + back;
    const pixels = height * width * channels;
    const dyFrames = tf.reshape<tf.Rank.R4>(dy, [-1, outHeight, outWidth, outChannels]);
    const frameShape: [number, number, number, number] = [n * outDepth, height, width, channels];
    const placed = sumOverTaps(p, (kd) => {
      const frames = tf.conv2dTranspose(dyFrames, filterTap(filter, kd), frameShape, spatialStrides(p), explicitPadding(p.pad));
      return placeDepthRows(tf.reshape(frames, [n, outDepth, pixels]), kd, strideDepth, paddedDepth);
    });
    const inner = tf.reshape<tf.Rank.R5>(tf.slice(placed, [0, front, 0], [n, depth, pixels]), p.inner);
    return uncropGradient(inner, p.crop);
  });
}
