import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/backend.ts';
import { randomValues } from '../compute/kernel-cases.ts';
import { ADAM_UPDATE, MOMENTUM_SGD_UPDATE } from '../compute/kernels/optimizer-updates.ts';
import * as tf from '../compute/tf.ts';
import { createAdam } from './adam.ts';
import type { Optimizer } from './optimizer.ts';
import type { Param } from './params.ts';
import { createMomentumSgd } from './sgd.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

afterAll(async () => {
  await tf.setBackend('wasm');
});

const SHAPES = [[3, 3, 2, 4], [4], [37]];
const STEPS = 3;

/** Weights after STEPS updates from seeded weights and gradients on `backend`, with the names of the kernels the last update ran. */
async function updatedWeights(backend: string, optimizer: Optimizer, run: string): Promise<{ weights: Float32Array[]; kernels: string[] }> {
  await tf.setBackend(backend);
  const params: Param[] = SHAPES.map((shape, index) => ({
    name: `w${index}`,
    variable: tf.variable(tf.tensor(randomValues(tf.util.sizeFromShape(shape), `weight ${index}`), shape), true, `${run}/${backend}/w${index}`),
    trainable: true,
  }));
  let kernels: string[] = [];
  for (let step = 0; step < STEPS; step++) {
    const gradients: tf.NamedTensorMap = {};
    params.forEach((param, index) => {
      gradients[param.variable.name] = tf.tensor(randomValues(param.variable.size, `gradient ${step} ${index}`), param.variable.shape);
    });
    const profile = await tf.profile(() => optimizer.update(params, gradients));
    kernels = profile.kernels.map((kernel) => kernel.name);
    tf.dispose(Object.values(gradients));
  }
  const weights = params.map((param) => param.variable.dataSync() as Float32Array);
  optimizer.dispose();
  params.forEach((param) => param.variable.dispose());
  return { weights, kernels };
}

describe('optimiser updates', () => {
  it.each([
    ['momentum SGD', MOMENTUM_SGD_UPDATE, () => createMomentumSgd({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.01 })],
    ['Adam', ADAM_UPDATE, () => createAdam({ learningRate: 0.01, weightDecay: 0.01 })],
    ['Adam without weight decay', ADAM_UPDATE, () => createAdam({ learningRate: 0.01, weightDecay: 0 })],
  ] as const)('%s: one fused kernel per weight on wasm, the same weights bit for bit as the elementwise update on cpu', async (_, kernel, create) => {
    const fused = await updatedWeights('wasm', create(), kernel);
    const composed = await updatedWeights('cpu', create(), kernel);
    expect(fused.kernels).toEqual(SHAPES.map(() => kernel));
    expect(composed.kernels).not.toContain(kernel);
    fused.weights.forEach((weights, index) => expect(Array.from(weights)).toEqual(Array.from(composed.weights[index] as Float32Array)));
  });
});
