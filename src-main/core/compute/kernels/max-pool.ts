/**
 * Max pooling's gradients as one loop over the windows in wasm's heap, and 3D max pooling as a spatial
 * 2D pool followed by a pool over depth (a max over a box is a max of maxes). The wasm backend's own
 * MaxPoolGrad, MaxPool3D and MaxPool3DGrad give wrong values whenever the windows do not tile the
 * input exactly; these give the cpu backend's (first maximum of a window, in scan order).
 */
import * as tf from '../tf.ts';
import { cropInput, framing, type Framing } from './crop.ts';
import type { HeapBackend } from './heap-slice.ts';
import { explicitPadding, type ExplicitPadding, type Pad2D, type PadSides3D } from './padding.ts';

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

/** A pool's windows over a [n, depth, height, width, channels] input (2D pools: depth 1). */
interface PoolWindows {
  inShape: [number, number, number, number, number];
  outShape: [number, number, number];
  filter: [number, number, number];
  strides: [number, number, number];
  /** Where window 0 starts on each axis (minus the padding; negative 'same' pads start inside). */
  start: [number, number, number];
}

function windows2d(info: Conv2DInfo): PoolWindows {
  return {
    inShape: [info.batchSize, 1, info.inHeight, info.inWidth, info.inChannels],
    outShape: [1, info.outHeight, info.outWidth],
    filter: [1, info.filterHeight, info.filterWidth],
    strides: [1, info.strideHeight, info.strideWidth],
    start: [0, -info.padInfo.top, -info.padInfo.left],
  };
}

function windows3d(info: Conv3DInfo): PoolWindows {
  return {
    inShape: [info.batchSize, info.inDepth, info.inHeight, info.inWidth, info.inChannels],
    outShape: [info.outDepth, info.outHeight, info.outWidth],
    filter: [info.filterDepth, info.filterHeight, info.filterWidth],
    strides: [info.strideDepth, info.strideHeight, info.strideWidth],
    start: [-info.padInfo.front, -info.padInfo.top, -info.padInfo.left],
  };
}

/**
 * Adds each window's dy to the first input of the window (scan order: depth, row, column) that holds
 * its maximum, per channel; padding never wins. `dx` starts at zero.
 */
function routeToFirstMaxima(x: Float32Array, dy: Float32Array, dx: Float32Array, pool: PoolWindows): void {
  const [n, depth, height, width, channels] = pool.inShape;
  const [outDepth, outHeight, outWidth] = pool.outShape;
  const best = new Float32Array(channels);
  const at = new Int32Array(channels);
  let out = 0;
  for (let b = 0; b < n; b++) {
    for (let od = 0; od < outDepth; od++) {
      for (let oh = 0; oh < outHeight; oh++) {
        for (let ow = 0; ow < outWidth; ow++, out += channels) {
          at.fill(-1);
          for (let fd = 0; fd < pool.filter[0]; fd++) {
            const d = od * pool.strides[0] + pool.start[0] + fd;
            if (d < 0 || d >= depth) continue;
            for (let fh = 0; fh < pool.filter[1]; fh++) {
              const h = oh * pool.strides[1] + pool.start[1] + fh;
              if (h < 0 || h >= height) continue;
              for (let fw = 0; fw < pool.filter[2]; fw++) {
                const w = ow * pool.strides[2] + pool.start[2] + fw;
                if (w < 0 || w >= width) continue;
                const base = (((b * depth + d) * height + h) * width + w) * channels;
                for (let c = 0; c < channels; c++) {
                  const value = x[base + c] as number;
                  if (at[c] === -1 || value > (best[c] as number)) {
                    best[c] = value;
                    at[c] = base + c;
                  }
                }
              }
            }
          }
          for (let c = 0; c < channels; c++) {
            const winner = at[c] as number;
            if (winner !== -1) dx[winner] = (dx[winner] as number) + (dy[out + c] as number);
          }
        }
      }
    }
  }
}

/** dL/dx of a max pool, computed in wasm's heap in one pass over the windows. */
function poolGradientInHeap(dy: tf.TensorInfo, x: tf.TensorInfo, pool: PoolWindows, backend: HeapBackend): tf.TensorInfo {
  // The output first: allocating may grow the heap, which detaches views taken before.
  const out = backend.makeOutput([...x.shape], 'float32');
  const dx = backend.typedArrayFromHeap(out) as Float32Array;
  dx.fill(0);
  routeToFirstMaxima(backend.typedArrayFromHeap(x) as Float32Array, backend.typedArrayFromHeap(dy) as Float32Array, dx, pool);
  return out;
}

/**
 * dL/dx of 2D max pooling: each dy goes to the first input of its window that equals the window's
 * maximum, as the cpu backend routes it. One loop over the windows in the heap: the same gradient
 * composed of elementwise ops and strided views took ~200 small kernels per pool.
 */
export function maxPoolGradient(dy: tf.TensorInfo, x: tf.TensorInfo, geometry: Pool2DGeometry, backend: HeapBackend): tf.TensorInfo {
  return poolGradientInHeap(dy, x, windows2d(pool2dInfo(x.shape, geometry)), backend);
}

function pool3dInfo(shape: readonly number[], geometry: Pool3DGeometry): Conv3DInfo {
  const { filterSize, strides, pad, dimRoundingMode } = geometry;
  return tf.backend_util.computePool3DInfo(shape as [number, number, number, number, number], filterSize, strides, 1, pad, dimRoundingMode);
}

/** The pool's sizes, with any negative 'same' padding turned into a crop of the input. */
function pool3dPlan(shape: readonly number[], geometry: Pool3DGeometry): { info: Conv3DInfo } & Framing {
  const info = pool3dInfo(shape, geometry);
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

export function maxPool3dSeparable(x: tf.Tensor5D, geometry: Pool3DGeometry): tf.Tensor5D {
  return tf.tidy(() => {
    const { info, crop, pad } = pool3dPlan(x.shape, geometry);
    const cropped = cropInput(x, crop);
    const [n, depth, height, width, channels] = cropped.shape;
    const frames = tf.reshape<tf.Rank.R4>(cropped, [n * depth, height, width, channels]);
    const spatial = pool2d(frames, spatialGeometry(info, pad));
    const spatialByDepth = tf.reshape<tf.Rank.R4>(spatial, [n, depth, info.outHeight * info.outWidth, channels]);
    return tf.reshape(pool2d(spatialByDepth, depthGeometry(info, pad)), info.outShape);
  });
}

/** dL/dx of 3D max pooling, routed as maxPoolGradient routes it (first maximum in depth, row, column order). */
export function maxPool3dGradient(dy: tf.TensorInfo, x: tf.TensorInfo, geometry: Pool3DGeometry, backend: HeapBackend): tf.TensorInfo {
  return poolGradientInHeap(dy, x, windows3d(pool3dInfo(x.shape, geometry)), backend);
}
