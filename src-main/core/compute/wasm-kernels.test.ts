import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.ts';
import { expectWasmMatchesCpu, randomHostTensor, randomValues, type HostTensor } from './test-support.ts';
import * as tf from './tf.ts';
import { WASM_TRAINING_KERNELS } from './wasm-kernels.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

/** The op's output and the gradients of a random weighting of it with respect to every input. */
function valueAndGradients(op: (...inputs: tf.Tensor[]) => tf.Tensor) {
  return (...inputs: tf.Tensor[]) => {
    const output = op(...inputs);
    const weights = tf.tensor(randomValues(output.size, 'weights'), output.shape);
    const gradients = tf.grads((...xs: tf.Tensor[]) => tf.sum(tf.mul(op(...xs), weights)))(inputs);
    return [output, ...gradients];
  };
}

const host = (shape: number[], seed: string): HostTensor => randomHostTensor(shape, seed);

describe('wasm training kernels', () => {
  it('replace the listed kernels on wasm', () => {
    for (const name of WASM_TRAINING_KERNELS) expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
  });

  type Pad2D = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;
  const conv2dCases: [string, number[], number[], [number, number], Pad2D][] = [
    ['3×3 stride 1 same', [2, 9, 9, 3], [3, 3, 3, 4], [1, 1], 'same'],
    ['5×5 stride 2 same, odd sizes', [2, 11, 10, 2], [5, 5, 2, 3], [2, 2], 'same'],
    ['11×11 stride 4 valid (AlexNet conv1)', [2, 23, 23, 3], [11, 11, 3, 4], [4, 4], 'valid'],
    ['3×2 strides 2,1 valid', [2, 8, 7, 4], [3, 2, 4, 5], [2, 1], 'valid'],
    ['numeric padding 1', [2, 6, 6, 3], [3, 3, 3, 2], [1, 1], 1],
    ['padding wider than the filter', [1, 5, 5, 2], [2, 2, 2, 3], [1, 1], [[0, 0], [2, 1], [0, 2], [0, 0]]],
  ];
  it.each(conv2dCases)('conv2d %s: value and both gradients match cpu', async (_, xShape, filterShape, strides, pad) => {
    await expectWasmMatchesCpu(
      [host(xShape, 'x'), host(filterShape, 'filter')],
      valueAndGradients((x, filter) => tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, strides, pad)),
    );
  });

  const conv3dCases: [string, number[], number[], [number, number, number], 'valid' | 'same'][] = [
    ['3×3×3 stride 1 same', [2, 4, 6, 6, 3], [3, 3, 3, 3, 4], [1, 1, 1], 'same'],
    ['3×3×3 stride 2 same, odd sizes', [2, 5, 7, 6, 2], [3, 3, 3, 2, 3], [2, 2, 2], 'same'],
    ['3×1×1 temporal valid (R(2+1)D)', [2, 5, 4, 4, 3], [3, 1, 1, 3, 4], [1, 1, 1], 'valid'],
    ['1×3×3 spatial strides 1,2,2', [2, 4, 8, 8, 3], [1, 3, 3, 3, 4], [1, 2, 2], 'same'],
    ['3×7×7 strides 1,2,2 same (R3D conv1)', [1, 3, 9, 9, 3], [3, 7, 7, 3, 2], [1, 2, 2], 'same'],
    ['2×2×2 stride 2 valid', [1, 6, 5, 5, 2], [2, 2, 2, 2, 2], [2, 2, 2], 'valid'],
    ['1×1×1 stride 2 same (tfjs pads it negatively)', [2, 4, 6, 5, 3], [1, 1, 1, 3, 4], [2, 2, 2], 'same'],
    ['1×3×3 stride 2 same, depth stride over kernel', [1, 5, 7, 7, 2], [1, 3, 3, 2, 3], [2, 2, 2], 'same'],
  ];
  it.each(conv3dCases)('conv3d %s: value and both gradients match cpu', async (_, xShape, filterShape, strides, pad) => {
    await expectWasmMatchesCpu(
      [host(xShape, 'x'), host(filterShape, 'filter')],
      valueAndGradients((x, filter) => tf.conv3d(x as tf.Tensor5D, filter as tf.Tensor5D, strides, pad)),
    );
  });

  const maxPoolCases: [string, number[], [number, number], [number, number], Pad2D][] = [
    ['2×2 stride 2 valid, odd size', [2, 9, 9, 3], [2, 2], [2, 2], 'valid'],
    ['3×3 stride 2 same', [2, 9, 9, 3], [3, 3], [2, 2], 'same'],
    ['3×3 stride 2 valid (AlexNet)', [2, 13, 13, 2], [3, 3], [2, 2], 'valid'],
    ['2×2 stride 1 same', [1, 6, 7, 2], [2, 2], [1, 1], 'same'],
    ['3×1 strides 2,1', [2, 9, 6, 2], [3, 1], [2, 1], 'same'],
    ['2×2 stride 3 (gaps between windows)', [1, 10, 10, 2], [2, 2], [3, 3], 'valid'],
  ];
  it.each(maxPoolCases)('maxPool %s: value and gradient match cpu', async (_, xShape, size, strides, pad) => {
    await expectWasmMatchesCpu([host(xShape, 'x')], valueAndGradients((x) => tf.maxPool(x as tf.Tensor4D, size, strides, pad)));
  });

  it('maxPool routes a tied window to its first maximum, as cpu does', async () => {
    const ties = { shape: [2, 7, 7, 2], values: randomValues(196, 'ties').map((value) => Math.round(value * 2)) };
    await expectWasmMatchesCpu([ties], valueAndGradients((x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 'same')));
  });

  const maxPool3dCases: [string, number[], [number, number, number], [number, number, number], 'valid' | 'same'][] = [
    ['1×2×2 (C3D pool1)', [2, 4, 6, 6, 3], [1, 2, 2], [1, 2, 2], 'valid'],
    ['2×2×2 same, odd sizes (C3D)', [2, 3, 7, 7, 2], [2, 2, 2], [2, 2, 2], 'same'],
    ['2×3×3 stride 2 same', [1, 5, 9, 9, 2], [2, 3, 3], [2, 2, 2], 'same'],
    ['3×3×3 stride 1 valid', [1, 4, 5, 5, 2], [3, 3, 3], [1, 1, 1], 'valid'],
    ['1×2×2 stride 2 same, depth stride over window', [1, 5, 6, 6, 2], [1, 2, 2], [2, 2, 2], 'same'],
  ];
  it.each(maxPool3dCases)('maxPool3d %s: value and gradient match cpu', async (_, xShape, size, strides, pad) => {
    await expectWasmMatchesCpu([host(xShape, 'x')], valueAndGradients((x) => tf.maxPool3d(x as tf.Tensor5D, size, strides, pad)));
  });

  it('leave no tensors behind', async () => {
    await tf.setBackend('wasm');
    const x = tf.tensor(randomValues(2 * 4 * 6 * 6 * 3, 'x'), [2, 4, 6, 6, 3]) as tf.Tensor5D;
    const filter = tf.tensor(randomValues(3 * 3 * 3 * 3 * 4, 'f'), [3, 3, 3, 3, 4]) as tf.Tensor5D;
    const before = tf.memory().numTensors;
    const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.maxPool3d(tf.conv3d(a as tf.Tensor5D, b as tf.Tensor5D, 1, 'same'), 2, 2, 'same'));
    tf.dispose(tf.grads(loss)([x, filter]));
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([x, filter]);
  });
});
