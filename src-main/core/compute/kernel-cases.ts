/**
 * Kernel cases every backend must compute like the cpu backend, forward and backward, sized like the
 * models' layers but small, and how to run and compare them (not a test file itself; no test runner
 * either, so that a browser page runs them too).
 */
import { createRng } from '../tasks/rng.ts';
import * as tf from './tf.ts';

/** Normal-ish random values (sum of uniforms), reproducible from `seed`. */
export function randomValues(size: number, seed: number | string): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: size }, () => rng.next() + rng.next() + rng.next() - 1.5);
}

export interface HostTensor {
  shape: number[];
  values: Float32Array;
}

export function randomHostTensor(shape: number[], seed: number | string): HostTensor {
  return { shape, values: randomValues(shape.reduce((a, b) => a * b, 1), seed) };
}

/** Runs `compute` on `backend` with fresh tensors of `inputs`; returns every output's values. */
export async function runOn(
  backend: string,
  inputs: readonly HostTensor[],
  compute: (...tensors: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
): Promise<Float32Array[]> {
  await tf.setBackend(backend);
  const outputs = tf.tidy(() => {
    const result = compute(...inputs.map((input) => tf.tensor(input.values, input.shape)));
    return Array.isArray(result) ? result : [result];
  });
  // Read asynchronously: WebGPU cannot read synchronously in Node.
  const values = await Promise.all(outputs.map((output) => output.data()));
  tf.dispose(outputs);
  return values as Float32Array[];
}

/** The largest difference from `expected`, relative to its largest magnitude (Infinity for another length). */
export function relativeError(actual: Float32Array, expected: Float32Array): number {
  if (actual.length !== expected.length) return Infinity;
  let scale = 1e-6;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i] as number));
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
  }
  return worst / scale;
}

/** The op's output and the gradients of a random weighting of it with respect to every input. */
export function valueAndGradients(op: (...inputs: tf.Tensor[]) => tf.Tensor) {
  return (...inputs: tf.Tensor[]) => {
    const output = op(...inputs);
    const weights = tf.tensor(randomValues(output.size, 'weights'), output.shape);
    const gradients = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(op(...xs), weights)))(inputs);
    return [output, ...gradients];
  };
}

export type Pad2D = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
export const conv2dCases: [string, number[], number[], [number, number], Pad2D][] = [
  ['3×3 stride 1 same', [2, 9, 9, 3], [3, 3, 3, 4], [1, 1], 'same'],
  ['5×5 stride 2 same, odd sizes', [2, 11, 10, 2], [5, 5, 2, 3], [2, 2], 'same'],
  ['11×11 stride 4 valid (AlexNet conv1)', [2, 23, 23, 3], [11, 11, 3, 4], [4, 4], 'valid'],
  ['3×2 strides 2,1 valid', [2, 8, 7, 4], [3, 2, 4, 5], [2, 1], 'valid'],
  ['numeric padding 1', [2, 6, 6, 3], [3, 3, 3, 2], [1, 1], 1],
  ['3×3 stride 2 same, even sizes (R3D and R(2+1)D downsampling)', [2, 8, 8, 3], [3, 3, 3, 4], [2, 2], 'same'],
  ['2×3 stride 3 valid, rows left over', [1, 10, 11, 2], [2, 3, 2, 3], [3, 3], 'valid'],
  ['4×4 stride 2, numeric padding 1', [2, 7, 7, 2], [4, 4, 2, 3], [2, 2], 1],
  ['1×1 stride 1 (pointwise)', [2, 5, 4, 6], [1, 1, 6, 3], [1, 1], 'same'],
  ['1×1 stride 2', [2, 5, 4, 6], [1, 1, 6, 3], [2, 2], 'valid'],
  ['padding wider than the filter', [1, 5, 5, 2], [2, 2, 2, 3], [1, 1], [[0, 0], [2, 1], [0, 2], [0, 0]]],
];
export const conv3dCases: [string, number[], number[], [number, number, number], 'valid' | 'same'][] = [
  ['3×3×3 stride 1 same', [2, 4, 6, 6, 3], [3, 3, 3, 3, 4], [1, 1, 1], 'same'],
  ['3×3×3 stride 2 same, odd sizes', [2, 5, 7, 6, 2], [3, 3, 3, 2, 3], [2, 2, 2], 'same'],
  ['3×1×1 temporal strides 2,1,1 same (R(2+1)D downsampling)', [2, 4, 3, 4, 3], [3, 1, 1, 3, 4], [2, 1, 1], 'same'],
  ['3×1×1 temporal same (R(2+1)D)', [2, 5, 3, 3, 4], [3, 1, 1, 4, 3], [1, 1, 1], 'same'],
  ['3×1×1 temporal valid', [2, 5, 4, 4, 3], [3, 1, 1, 3, 4], [1, 1, 1], 'valid'],
  ['1×3×3 spatial strides 1,2,2', [2, 4, 8, 8, 3], [1, 3, 3, 3, 4], [1, 2, 2], 'same'],
  ['3×7×7 strides 1,2,2 same (R3D conv1)', [1, 3, 9, 9, 3], [3, 7, 7, 3, 2], [1, 2, 2], 'same'],
  ['2×2×2 stride 2 valid', [1, 6, 5, 5, 2], [2, 2, 2, 2, 2], [2, 2, 2], 'valid'],
  ['1×1×1 stride 2 same (tfjs pads it negatively)', [2, 4, 6, 5, 3], [1, 1, 1, 3, 4], [2, 2, 2], 'same'],
  ['1×3×3 stride 2 same, depth stride over kernel', [1, 5, 7, 7, 2], [1, 3, 3, 2, 3], [2, 2, 2], 'same'],
];
/** [a shape, b shape, transposeA, transposeB]: every form a dense layer and its gradients use, batched too. */
export const matMulCases: [string, number[], number[], boolean, boolean][] = [
  ['plain', [5, 7], [7, 3], false, false],
  ['transposeA, the operand moved', [6, 9], [6, 4], true, false],
  ['transposeA, the product moved (a weight gradient)', [3, 20], [3, 2], true, false],
  ['transposeB, the operand moved', [3, 4], [11, 4], false, true],
  ['transposeB, the product moved (an input gradient)', [2, 8], [16, 8], false, true],
  ['both transposed', [7, 5], [3, 7], true, true],
  ['batched, transposeA', [2, 6, 5], [2, 6, 3], true, false],
  ['batched, transposeB, the product moved', [2, 2, 6], [2, 9, 6], false, true],
];
export const maxPoolCases: [string, number[], [number, number], [number, number], Pad2D][] = [
  ['2×2 stride 2 valid, odd size', [2, 9, 9, 3], [2, 2], [2, 2], 'valid'],
  ['3×3 stride 2 same', [2, 9, 9, 3], [3, 3], [2, 2], 'same'],
  ['3×3 stride 2 valid (AlexNet)', [2, 13, 13, 2], [3, 3], [2, 2], 'valid'],
  ['2×2 stride 1 same', [1, 6, 7, 2], [2, 2], [1, 1], 'same'],
  ['3×1 strides 2,1', [2, 9, 6, 2], [3, 1], [2, 1], 'same'],
  ['2×2 stride 3 (gaps between windows)', [1, 10, 10, 2], [2, 2], [3, 3], 'valid'],
];
export const maxPool3dCases: [string, number[], [number, number, number], [number, number, number], 'valid' | 'same'][] = [
  ['1×2×2 (C3D pool1)', [2, 4, 6, 6, 3], [1, 2, 2], [1, 2, 2], 'valid'],
  ['2×2×2 same, odd sizes (C3D)', [2, 3, 7, 7, 2], [2, 2, 2], [2, 2, 2], 'same'],
  ['2×3×3 stride 2 same', [1, 5, 9, 9, 2], [2, 3, 3], [2, 2, 2], 'same'],
  ['3×3×3 stride 1 valid', [1, 4, 5, 5, 2], [3, 3, 3], [1, 1, 1], 'valid'],
  ['1×2×2 stride 2 same, depth stride over window', [1, 5, 6, 6, 2], [1, 2, 2], [2, 2, 2], 'same'],
];
