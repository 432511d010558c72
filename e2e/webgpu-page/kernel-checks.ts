/**
 * The WebGPU kernel checks in a browser page (bundled by e2e/webgpu-kernels.spec.ts): the kernel cases
 * of the Node tests on navigator.gpu, each compared with tfjs's cpu backend in the same page, through
 * the very device setup and error guard the app uses.
 */
import * as kernels from '../../src-main/core/compute/kernel-cases.ts';
import * as tf from '../../src-main/core/compute/tf.ts';
import { findAdapter, type GpuLike } from '../../src-main/core/compute/webgpu-adapter.ts';
import { checkWebGpu, registerWebGpuBackend } from '../../src-main/core/compute/webgpu-backend.ts';

export interface KernelCheck {
  name: string;
  /** Largest difference from cpu, relative to cpu's largest magnitude, over every output. */
  error: number;
  /** The WebGPU error the guard reported, if any. */
  failure?: string;
}

type Compute = (...tensors: tf.Tensor[]) => tf.Tensor | tf.Tensor[];

async function check(name: string, inputs: kernels.HostTensor[], compute: Compute): Promise<KernelCheck> {
  const expected = await kernels.runOn('cpu', inputs, compute);
  const actual = await kernels.runOn('webgpu', inputs, compute);
  try {
    await checkWebGpu();
  } catch (error) {
    return { name, error: Infinity, failure: error instanceof Error ? error.message : String(error) };
  }
  const errors = actual.map((values, index) => kernels.relativeError(values, expected[index] as Float32Array));
  return { name, error: Math.max(...errors) };
}

function cases(): [string, kernels.HostTensor[], Compute][] {
  const host = kernels.randomHostTensor;
  return [
    ...kernels.conv2dCases.map(([name, xShape, filterShape, strides, pad]): [string, kernels.HostTensor[], Compute] => [
      `conv2d ${name}`,
      [host(xShape, 'x'), host(filterShape, 'filter')],
      kernels.valueAndGradients((x, filter) => tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, strides, pad)),
    ]),
    ...kernels.conv3dCases.map(([name, xShape, filterShape, strides, pad]): [string, kernels.HostTensor[], Compute] => [
      `conv3d ${name}`,
      [host(xShape, 'x'), host(filterShape, 'filter')],
      kernels.valueAndGradients((x, filter) => tf.conv3d(x as tf.Tensor5D, filter as tf.Tensor5D, strides, pad)),
    ]),
    ...kernels.maxPoolCases.map(([name, xShape, size, strides, pad]): [string, kernels.HostTensor[], Compute] => [
      `maxPool ${name}`,
      [host(xShape, 'x')],
      kernels.valueAndGradients((x) => tf.maxPool(x as tf.Tensor4D, size, strides, pad)),
    ]),
    ...kernels.maxPool3dCases.map(([name, xShape, size, strides, pad]): [string, kernels.HostTensor[], Compute] => [
      `maxPool3d ${name}`,
      [host(xShape, 'x')],
      kernels.valueAndGradients((x) => tf.maxPool3d(x as tf.Tensor5D, size, strides, pad)),
    ]),
    [
      'addN, concat and stack of 41 tensors',
      Array.from({ length: 41 }, (_, index) => host([3, 5], `term ${index}`)),
      (...xs) => [tf.addN(xs), tf.concat(xs, 1), tf.stack(xs)],
    ],
  ];
}

/** Null adapter: this browser offers no WebGPU adapter. */
async function runKernelChecks(): Promise<{ adapter: unknown; limit: number; checks: KernelCheck[] } | { adapter: null }> {
  const gpu = (globalThis as { navigator?: { gpu?: GpuLike } }).navigator?.gpu;
  const found = gpu ? await findAdapter(gpu) : null;
  if (!found) return { adapter: null };
  registerWebGpuBackend(found.adapter);
  await tf.setBackend('webgpu');
  const checks: KernelCheck[] = [];
  for (const [name, inputs, compute] of cases()) checks.push(await check(name, inputs, compute));
  return { adapter: found.summary, limit: found.adapter.limits['maxStorageBuffersPerShaderStage'] ?? 0, checks };
}

Object.assign(globalThis, { runKernelChecks });
