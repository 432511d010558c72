import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/backend.ts';
import { randomValues } from '../compute/kernel-cases.ts';
import type { HeapBackend } from '../compute/kernels/heap-slice.ts';
import { ADAM_UPDATE, adamUpdate, MOMENTUM_SGD_UPDATE, momentumSgdUpdate, simdUpdatesOn } from '../compute/kernels/optimizer-updates.ts';
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
    ['momentum SGD without weight decay', MOMENTUM_SGD_UPDATE, () => createMomentumSgd({ learningRate: 0.1, momentum: 0.9, weightDecay: 0 })],
    ['Adam', ADAM_UPDATE, () => createAdam({ learningRate: 0.01, weightDecay: 0.01 })],
    ['Adam without weight decay', ADAM_UPDATE, () => createAdam({ learningRate: 0.01, weightDecay: 0 })],
  ] as const)('%s: one fused kernel per weight on wasm, the same weights bit for bit as the elementwise update on cpu', async (_, kernel, create) => {
    const fused = await updatedWeights('wasm', create(), kernel);
    const composed = await updatedWeights('cpu', create(), kernel);
    expect(fused.kernels).toEqual(SHAPES.map(() => kernel));
    expect(composed.kernels).not.toContain(kernel);
    fused.weights.forEach((weights, index) => expect(Array.from(weights)).toEqual(Array.from(composed.weights[index] as Float32Array)));
  });

  it('loops with SIMD on the wasm heap, and gives the same bits in JS where that heap cannot be reached', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend() as unknown as HeapBackend & { disposeData(dataId: object): void };
    expect(simdUpdatesOn(backend)).toBe(true);
    // The same backend without its wasm module in reach: the kernels' JS loops do every element.
    const hidden: HeapBackend = { makeOutput: (shape, dtype) => backend.makeOutput(shape, dtype), typedArrayFromHeap: (tensor) => backend.typedArrayFromHeap(tensor) };
    expect(simdUpdatesOn(hidden)).toBe(false);
    const tensor = (name: string) => tf.tensor(randomValues(41, name), [41]);
    const sgdInputs = { weight: tensor('w'), velocity: tensor('v'), gradient: tensor('g') };
    const adamInputs = { weight: tensor('w'), first: tensor('m'), second: tf.abs(tensor('s')), gradient: tensor('g') };
    const sgdAttrs = { learningRate: 0.1, momentum: 0.9, weightDecay: 0.01 };
    const adamAttrs = { beta1: 0.9, beta2: 0.999, epsilon: 1e-8, stepSize: 0.01, secondCorrection: 0.3, weightDecay: 0.01 };
    const run = (update: typeof momentumSgdUpdate, on: HeapBackend, inputs: tf.NamedTensorMap, attrs: object) => {
      const outputs = update({ inputs, attrs: attrs as tf.NamedAttrMap, backend: on as never });
      const values = outputs.map((output) => Array.from(backend.typedArrayFromHeap(output)));
      outputs.forEach((output) => backend.disposeData(output.dataId));
      return values;
    };
    expect(run(momentumSgdUpdate, hidden, sgdInputs, sgdAttrs)).toEqual(run(momentumSgdUpdate, backend, sgdInputs, sgdAttrs));
    expect(run(adamUpdate, hidden, adamInputs, adamAttrs)).toEqual(run(adamUpdate, backend, adamInputs, adamAttrs));
    tf.dispose([...Object.values(sgdInputs), ...Object.values(adamInputs)]);
  });
});
