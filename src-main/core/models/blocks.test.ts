import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/backend.ts';
import { randomValues } from '../compute/kernel-cases.ts';
import { expectClose } from '../compute/test-support.ts';
import * as tf from '../compute/tf.ts';
import { batchNorm } from './blocks.ts';
import { createScope, type Param } from './params.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

const random = (shape: number[], seed: string, scale = 1, offset = 0) =>
  tf.add(tf.mul(tf.tensor(randomValues(tf.util.sizeFromShape(shape), seed), shape), scale), offset);

/** The textbook batch normalisation over every axis but the last, left to autodiff. */
function textbook(x: tf.Tensor, gamma: tf.Tensor, beta: tf.Tensor): tf.Tensor {
  const axes = x.shape.slice(0, -1).map((_, axis) => axis);
  const { mean, variance } = tf.moments(x, axes);
  return tf.add(tf.mul(tf.div(tf.sub(x, mean), tf.sqrt(tf.add(variance, 1e-5))), gamma), beta);
}

describe('batchNorm', () => {
  it.each([
    ['2D feature maps', [3, 4, 5, 6]],
    ['3D feature maps', [2, 3, 4, 4, 5]],
  ])('%s: training output and the gradients of x, γ and β match autodiff of the textbook formula', (_, shape) => {
    const params: Param[] = [];
    const channels = shape.at(-1) as number;
    const layer = batchNorm(createScope(7, params, `bn-${shape.length}`), channels);
    const [gamma, beta] = params.map((param) => param.variable) as [tf.Variable, tf.Variable];
    gamma.assign(random([channels], 'gamma', 0.5, 1));
    beta.assign(random([channels], 'beta'));
    const x = tf.variable(random(shape, 'x', 3, 2), true, `bn-x-${shape.length}`);
    // A weighting of the outputs, so that the gradients are not the trivial ones of a plain sum.
    const weighting = random(shape, 'weighting');
    const lossOf = (y: tf.Tensor) => tf.sum(tf.mul(y, weighting)) as tf.Scalar;
    const ours = tf.variableGrads(() => lossOf(layer(x, { training: true })), [x, gamma, beta]);
    const reference = tf.variableGrads(() => lossOf(textbook(x, gamma, beta)), [x, gamma, beta]);
    expectClose(ours.value.dataSync() as Float32Array, reference.value.dataSync() as Float32Array);
    for (const variable of [x, gamma, beta]) {
      expectClose(ours.grads[variable.name]?.dataSync() as Float32Array, reference.grads[variable.name]?.dataSync() as Float32Array);
    }
    tf.dispose([x, weighting, ours.value, reference.value, ...Object.values(ours.grads), ...Object.values(reference.grads)]);
    params.forEach((param) => param.variable.dispose());
  });

  it("moves the running statistics as PyTorch does (momentum 0.1, unbiased variance) and evaluates with them", () => {
    const params: Param[] = [];
    const layer = batchNorm(createScope(7, params, 'bn-running'), 2);
    const x = tf.tensor2d([[1, 10], [3, 10], [5, 16]]);
    layer(x, { training: true }).dispose();
    const [runningMean, runningVariance] = params.slice(2).map((param) => Array.from(param.variable.dataSync()));
    // Batch means 3 and 12, unbiased variances 4 and 12.
    expect(runningMean?.map((value) => +value.toFixed(6))).toEqual([0.3, 1.2]);
    expect(runningVariance?.map((value) => +value.toFixed(6))).toEqual([1.3, 2.1]);
    const evaluated = layer(tf.tensor2d([[0.3, 1.2]]), { training: false });
    expectClose(evaluated.dataSync() as Float32Array, new Float32Array([0, 0]));
    tf.dispose([x, evaluated]);
    params.forEach((param) => param.variable.dispose());
  });
});
