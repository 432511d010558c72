/** Helpers for tests that compare a backend with the cpu reference (not a test file itself). */
import { expect } from 'vitest';
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
async function runOn(
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

/** Every value within `tolerance` × the largest magnitude of `expected`. */
export function expectClose(actual: Float32Array, expected: Float32Array, tolerance = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  let scale = 1e-6;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i] as number));
    worst = Math.max(worst, Math.abs((actual[i] as number) - (expected[i] as number)));
  }
  expect(worst / scale).toBeLessThanOrEqual(tolerance);
}

/** The same computation on `backend` and on cpu, output by output. */
export async function expectBackendMatchesCpu(
  backend: string,
  inputs: readonly HostTensor[],
  compute: (...tensors: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  tolerance = 1e-4,
): Promise<void> {
  const expected = await runOn('cpu', inputs, compute);
  const actual = await runOn(backend, inputs, compute);
  expect(actual.length).toBe(expected.length);
  actual.forEach((values, index) => expectClose(values, expected[index] as Float32Array, tolerance));
}

/** The same computation on wasm (with our kernels) and on cpu, output by output. */
export function expectWasmMatchesCpu(
  inputs: readonly HostTensor[],
  compute: (...tensors: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  tolerance = 1e-4,
): Promise<void> {
  return expectBackendMatchesCpu('wasm', inputs, compute, tolerance);
}
