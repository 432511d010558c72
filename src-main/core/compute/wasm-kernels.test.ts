import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './backend.ts';
import { expectClose, expectWasmMatchesCpu, randomHostTensor, randomValues, type HostTensor } from './test-support.ts';
import { conv2dInputGradient } from './kernels/conv2d-grads.ts';
import * as tf from './tf.ts';
import { WASM_TRAINING_KERNELS } from './wasm-kernels.ts';
import { conv2dCases, conv3dCases, matMulCases, maxPool3dCases, maxPoolCases, runOn, valueAndGradients } from './kernel-cases.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

const host = (shape: number[], seed: string): HostTensor => randomHostTensor(shape, seed);

describe('wasm training kernels', () => {
  it('replace the listed kernels on wasm', () => {
    for (const name of WASM_TRAINING_KERNELS) expect(tf.getKernel(name, 'wasm'), name).toBeDefined();
  });

  it.each(conv2dCases)('conv2d %s: value and both gradients match cpu', async (_, xShape, filterShape, strides, pad) => {
    await expectWasmMatchesCpu(
      [host(xShape, 'x'), host(filterShape, 'filter')],
      valueAndGradients((x, filter) => tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, strides, pad)),
    );
  });

  it.each(conv2dCases)('conv2d %s: the input gradient by phases matches cpu (wasm hands small strided ones to its own)', async (_, xShape, filterShape, strides, pad) => {
    const [batch, height, width, channels] = xShape as [number, number, number, number];
    const geometry = { strides, pad };
    const info = tf.backend_util.computeConv2DInfo([batch, height, width, channels], filterShape as [number, number, number, number], strides, 1, pad);
    const inputs = [host([batch, info.outHeight, info.outWidth, info.outChannels], 'dy'), host(filterShape, 'filter')];
    const expected = await runOn('cpu', inputs, (dy, filter) => tf.conv2dTranspose(dy as tf.Tensor4D, filter as tf.Tensor4D, [batch, height, width, channels], strides, pad));
    const actual = await runOn('wasm', inputs, (dy, filter) => conv2dInputGradient(dy as tf.Tensor4D, filter as tf.Tensor4D, [batch, height, width, channels], geometry));
    expectClose(actual[0] as Float32Array, expected[0] as Float32Array);
  });

  it.each(conv3dCases)('conv3d %s: value and both gradients match cpu', async (_, xShape, filterShape, strides, pad) => {
    await expectWasmMatchesCpu(
      [host(xShape, 'x'), host(filterShape, 'filter')],
      valueAndGradients((x, filter) => tf.conv3d(x as tf.Tensor5D, filter as tf.Tensor5D, strides, pad)),
    );
  });

  it.each(matMulCases)('matMul %s: value and both gradients match cpu', async (_, aShape, bShape, transposeA, transposeB) => {
    await expectWasmMatchesCpu(
      [host(aShape, 'a'), host(bShape, 'b')],
      valueAndGradients((a, b) => tf.matMul(a, b, transposeA, transposeB)),
    );
  });

  it.each(maxPoolCases)('maxPool %s: value and gradient match cpu', async (_, xShape, size, strides, pad) => {
    await expectWasmMatchesCpu([host(xShape, 'x')], valueAndGradients((x) => tf.maxPool(x as tf.Tensor4D, size, strides, pad)));
  });

  it('maxPool routes a tied window to its first maximum, as cpu does', async () => {
    const ties = { shape: [2, 7, 7, 2], values: randomValues(196, 'ties').map((value) => Math.round(value * 2)) };
    await expectWasmMatchesCpu([ties], valueAndGradients((x) => tf.maxPool(x as tf.Tensor4D, 3, 2, 'same')));
  });

  it.each(maxPool3dCases)('maxPool3d %s: value and gradient match cpu', async (_, xShape, size, strides, pad) => {
    await expectWasmMatchesCpu([host(xShape, 'x')], valueAndGradients((x) => tf.maxPool3d(x as tf.Tensor5D, size, strides, pad)));
  });

  it.each([
    ['rows of a rank-3 tensor (a depth tap)', [3, 10, 7], [0, 1, 0], [3, 8, 7]],
    ['a box inside every axis', [4, 5, 6, 3], [1, 2, 1, 1], [2, 3, 4, 2]],
    ['whole trailing axes merged into one run', [2, 3, 4, 5, 2], [1, 1, 0, 0, 0], [1, 2, 4, 5, 2]],
    ['the last elements of a vector', [11], [4], [7]],
    ['everything', [2, 3], [0, 0], [2, 3]],
    ['a rank-6 box', [2, 2, 3, 2, 3, 2], [1, 0, 1, 1, 0, 1], [1, 2, 2, 1, 3, 1]],
    ['nothing', [3, 4], [1, 2], [0, 2]],
  ] as const)('slice: %s matches cpu, float and int, and its gradient too', async (_, shape, begin, size) => {
    await expectWasmMatchesCpu([host([...shape], 'x')], valueAndGradients((x) => tf.slice(x, [...begin], [...size])));
    const ints = async (backend: string) => {
      await tf.setBackend(backend);
      return tf.tidy(() => {
        const x = tf.tensor(Array.from({ length: shape.reduce((a, b) => a * b, 1) }, (_, i) => i * 7 - 3), [...shape], 'int32');
        return Array.from(tf.slice(x, [...begin], [...size]).dataSync());
      });
    };
    expect(await ints('wasm')).toEqual(await ints('cpu'));
    await tf.setBackend('wasm');
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
