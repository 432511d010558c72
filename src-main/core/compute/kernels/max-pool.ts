/**
 * Max pooling's gradient from elementwise ops and strided views, and 3D max pooling as a spatial 2D
 * pool followed by a pool over depth (a max over a box is a max of maxes). The wasm backend's own
 * MaxPoolGrad, MaxPool3D and MaxPool3DGrad give wrong values whenever the windows do not tile the
 * input exactly; these give the cpu backend's (first maximum of a window, in scan order).
 */
import * as tf from '../tf.ts';
import { cropInput, framing, uncropGradient, type Framing } from './crop.ts';
import { explicitPadding, type ExplicitPadding, type Pad2D, type PadSides3D } from './padding.ts';
import { strideGrid } from './strided-rows.ts';

export interface Pool2DGeometry {
  filterSize: [number, number] | number;
  strides: [number, number] | number;
  pad: Pad2D;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

export interface Pool3DGeometry {
  filterSize: [number, number, number] | number;
  strides: [number, number, number] | number;
  pad: 'valid' | 'same' | number;
  dimRoundingMode?: 'floor' | 'round' | 'ceil';
}

type Conv2DInfo = tf.backend_util.Conv2DInfo;
type Conv3DInfo = tf.backend_util.Conv3DInfo;

function pool2dInfo(shape: readonly number[], geometry: Pool2DGeometry): Conv2DInfo {
  const { filterSize, strides, pad, dimRoundingMode } = geometry;
  return tf.backend_util.computePool2DInfo(shape as [number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
}

/**
 * Stacks equally shaped [n, rows, cols, c] tensors so that part k fills every k-th row (axis 1) or
 * column (axis 2). Stays at rank ≤ 4, which wasm handles fast.
 */
function interleave(parts: tf.Tensor4D[], axis: 1 | 2): tf.Tensor4D {
  if (parts.length === 1) return parts[0] as tf.Tensor4D;
  const [n, rows, cols, channels] = (parts[0] as tf.Tensor4D).shape;
  if (axis === 1) {
    const stacked = tf.stack(parts.map((part) => tf.reshape(part, [n, rows, cols * channels])), 2);
    return tf.reshape(stacked, [n, rows * parts.length, cols, channels]);
  }
  const stacked = tf.stack(parts.map((part) => tf.reshape(part, [n * rows, cols, channels])), 2);
  return tf.reshape(stacked, [n, rows, cols * parts.length, channels]);
}

/** Pads with zeros or crops the end of rows and columns to [n, height, width, c]. */
function fitTo(t: tf.Tensor4D, height: number, width: number): tf.Tensor4D {
  const [n, rows, cols, channels] = t.shape;
  if (rows === height && cols === width) return t;
  const padded = tf.pad(t, [[0, 0], [0, Math.max(0, height - rows)], [0, Math.max(0, width - cols)], [0, 0]]);
  return tf.slice(padded, [0, 0, 0, 0], [n, height, width, channels]);
}

/** Sums `term` into `total`, freeing both operands: the gradient's grids are input-sized. */
function accumulate(total: tf.Tensor4D | null, term: tf.Tensor4D): tf.Tensor4D {
  if (!total) return term;
  const sum = tf.add<tf.Tensor4D>(total, term);
  tf.dispose([total, term]);
  return sum;
}

/**
 * dL/dx of max pooling: each dy goes to the first input of its window that equals the window's
 * maximum. Window offset (i, j) lands on input rows i + stride·r; offsets with the same remainder
 * modulo the stride fill the same sub-grid, so they are summed on small grids and interleaved once.
 * Each offset's temporaries are freed as soon as it is done, to keep the peak memory low.
 */
export function maxPoolGradient(dy: tf.Tensor4D, x: tf.Tensor4D, y: tf.Tensor4D, geometry: Pool2DGeometry): tf.Tensor4D {
  return tf.tidy(() => {
    const info = pool2dInfo(x.shape, geometry);
    const { filterHeight: kh, filterWidth: kw, strideHeight: sh, strideWidth: sw, outHeight, outWidth } = info;
    const { top, bottom, left, right } = info.padInfo;
    const [n, height, width, channels] = x.shape;
    // Padding never wins a window.
    const padded = top + bottom + left + right === 0 ? x : tf.pad(x, explicitPadding(info.padInfo), -Infinity);
    const spanH = Math.ceil(kh / sh) - 1;
    const spanW = Math.ceil(kw / sw) - 1;
    const grids: (tf.Tensor4D | null)[][] = Array.from({ length: sh }, () => Array.from({ length: sw }, () => null));
    let taken: tf.Tensor4D = tf.zerosLike(y);
    for (let i = 0; i < kh; i++) {
      for (let j = 0; j < kw; j++) {
        const [stillFree, routed] = tf.tidy(() => {
          const window = strideGrid(padded, i, j, outHeight, outWidth, [sh, sw]);
          const wins = tf.mul(tf.cast(tf.equal(window, y), 'float32'), tf.sub(1, taken));
          const [qi, qj] = [Math.floor(i / sh), Math.floor(j / sw)];
          const shifted = tf.pad(tf.mul(wins, dy) as tf.Tensor4D, [[0, 0], [qi, spanH - qi], [qj, spanW - qj], [0, 0]]);
          return [tf.add<tf.Tensor4D>(taken, wins), shifted];
        });
        taken.dispose();
        taken = stillFree as tf.Tensor4D;
        const row = grids[i % sh] as (tf.Tensor4D | null)[];
        row[j % sw] = accumulate(row[j % sw] ?? null, routed as tf.Tensor4D);
      }
    }
    const empty = tf.zeros([n, outHeight + spanH, outWidth + spanW, channels]) as tf.Tensor4D;
    const rows = grids.map((row) => interleave(row.map((grid) => grid ?? empty), 2));
    const full = fitTo(interleave(rows, 1), height + top + bottom, width + left + right);
    return full.shape[1] === height && full.shape[2] === width ? full : tf.slice(full, [0, top, left, 0], [n, height, width, channels]);
  });
}

/** The pool's sizes, with any negative 'same' padding turned into a crop of the input. */
function pool3dPlan(shape: readonly number[], geometry: Pool3DGeometry): { info: Conv3DInfo } & Framing {
  const { filterSize, strides, pad, dimRoundingMode } = geometry;
  const shape5D = shape as [number, number, number, number, number];
  const info = tf.backend_util.computePool3DInfo(shape5D, filterSize, strides, 1, pad, dimRoundingMode);
  return { info, ...framing(info.padInfo) };
}

function spatialGeometry(info: Conv3DInfo, pad: PadSides3D): Pool2DGeometry {
  return { filterSize: [info.filterHeight, info.filterWidth], strides: [info.strideHeight, info.strideWidth], pad: explicitPadding(pad) };
}

/** Pooling over depth of a [n, depth, pixels, c] view. */
function depthGeometry(info: Conv3DInfo, pad: PadSides3D): Pool2DGeometry {
  const explicit: ExplicitPadding = [[0, 0], [pad.front, pad.back], [0, 0], [0, 0]];
  return { filterSize: [info.filterDepth, 1], strides: [info.strideDepth, 1], pad: explicit };
}

function pool2d(x: tf.Tensor4D, geometry: Pool2DGeometry): tf.Tensor4D {
  return tf.maxPool(x, geometry.filterSize, geometry.strides, geometry.pad);
}

/** Both stages of the separable pool on the cropped input, with the views the gradient needs. */
function separableStages(x: tf.Tensor5D, info: Conv3DInfo, pad: PadSides3D) {
  const [n, depth, height, width, channels] = x.shape;
  const frames = tf.reshape<tf.Rank.R4>(x, [n * depth, height, width, channels]);
  const spatial = pool2d(frames, spatialGeometry(info, pad));
  const spatialByDepth = tf.reshape<tf.Rank.R4>(spatial, [n, depth, info.outHeight * info.outWidth, channels]);
  const pooled = pool2d(spatialByDepth, depthGeometry(info, pad));
  return { frames, spatial, spatialByDepth, pooled };
}

export function maxPool3dSeparable(x: tf.Tensor5D, geometry: Pool3DGeometry): tf.Tensor5D {
  return tf.tidy(() => {
    const { info, crop, pad } = pool3dPlan(x.shape, geometry);
    return tf.reshape(separableStages(cropInput(x, crop), info, pad).pooled, info.outShape);
  });
}

export function maxPool3dGradient(dy: tf.Tensor5D, x: tf.Tensor5D, geometry: Pool3DGeometry): tf.Tensor5D {
  return tf.tidy(() => {
    const { info, crop, pad } = pool3dPlan(x.shape, geometry);
    const cropped = cropInput(x, crop);
    const { frames, spatial, spatialByDepth, pooled } = separableStages(cropped, info, pad);
    const dSpatial = maxPoolGradient(tf.reshape(dy, pooled.shape), spatialByDepth, pooled, depthGeometry(info, pad));
    const dFrames = maxPoolGradient(tf.reshape(dSpatial, spatial.shape), frames, spatial, spatialGeometry(info, pad));
    return uncropGradient(tf.reshape(dFrames, cropped.shape), crop);
  });
}
