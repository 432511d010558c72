/** Helpers for tests that compare a backend with the cpu reference (not a test file itself). */
import { expect } from 'vitest';
import { relativeError, runOn, type HostTensor } from './kernel-cases.ts';
import type * as tf from './tf.ts';

export { randomHostTensor, randomValues, type HostTensor } from './kernel-cases.ts';

/** Every value within `tolerance` × the largest magnitude of `expected`. */
export function expectClose(actual: Float32Array, expected: Float32Array, tolerance = 1e-4): void {
  expect(actual.length).toBe(expected.length);
  expect(relativeError(actual, expected)).toBeLessThanOrEqual(tolerance);
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
