/**
 * tfjs's WebGPU backend on a device created here rather than by tfjs, for three reasons measured on
 * tfjs-backend-webgpu 4.22 (dawn.node + Mesa lavapipe):
 * - tfjs asks for the default limits, 8 storage buffers per shader stage, and its AddN packs every
 *   input into one shader: the weight-decay sum over a model's 41 weights was refused, and every later
 *   use of that pipeline silently did nothing. The device gets the adapter's real limits, and AddN is
 *   split into sums that fit them (Concat already splits itself).
 * - WebGPU reports errors asynchronously and never throws, so a run "completed" on invalid kernels.
 *   Every kernel runs inside its own error scopes (an error names the kernel) and all other commands
 *   inside an outer set of scopes; `checkWebGpu()` after each step throws the first error.
 * - dawn.node prints uncaptured errors on stdout (breaking `--json`); captured ones it does not.
 * Plain web code (no Node): it takes an adapter from dawn.node or from a browser's navigator.gpu.
 */
import { WebGPUBackend } from '@tensorflow/tfjs-backend-webgpu';
import * as tf from './tf.ts';
import type { ErrorFilter, GpuAdapterLike, GpuDeviceLike } from './webgpu-adapter.ts';

export const WEBGPU = 'webgpu';

/** Limits tfjs's kernels are sized by; the device asks for the adapter's value of each. */
const REQUESTED_LIMITS = [
  'maxStorageBuffersPerShaderStage',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
  'maxComputeInvocationsPerWorkgroup',
];

const SCOPES: readonly ErrorFilter[] = ['validation', 'out-of-memory', 'internal'];

/** Collects the device's errors and says which kernel (or which later command) caused each. */
class GpuErrorGuard {
  /** One entry per closed scope set, in the order the device reports them: the error or null. */
  private outcomes: Promise<string | null>[] = [];

  constructor(private readonly device: GpuDeviceLike) {
    this.pushScopes();
    device.addEventListener('uncapturederror', (event) => this.outcomes.push(Promise.resolve(`a command: ${event.error.message}`)));
    void device.lost.then((info) => this.outcomes.push(Promise.resolve(`the device, which was lost (${info.reason}): ${info.message}`)));
  }

  private pushScopes(): void {
    for (const filter of SCOPES) this.device.pushErrorScope(filter);
  }

  private popScopes(culprit: string): void {
    const popped = SCOPES.map(() => this.device.popErrorScope());
    this.outcomes.push(
      Promise.all(popped).then(
        (errors) => {
          const error = errors.find((found) => found !== null);
          return error ? `${culprit}: ${error.message}` : null;
        },
        (error: unknown) => `${culprit}: ${error instanceof Error ? error.message : String(error)}`,
      ),
    );
  }

  kernel<T>(name: string, run: () => T): T {
    this.pushScopes();
    try {
      return run();
    } catch (error) {
      // tfjs refuses some shapes before WebGPU sees them (a dispatch over the device's limits).
      throw new Error(`WebGPU cannot run the ${name} kernel: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    } finally {
      this.popScopes(`the ${name} kernel`);
    }
  }

  /** Throws the first error since the last check; commands outside kernels are checked too. */
  async check(): Promise<void> {
    this.popScopes('a queued command (submitting or reading kernels)');
    this.pushScopes();
    const outcomes = this.outcomes;
    this.outcomes = [];
    const errors = (await Promise.all(outcomes)).filter((error): error is string => error !== null);
    if (errors.length === 0) return;
    const later = errors.length > 1 ? ` (and ${errors.length - 1} later error${errors.length > 2 ? 's' : ''})` : '';
    throw new Error(`WebGPU rejected ${errors[0]}${later}`);
  }
}

let guard: GpuErrorGuard | null = null;

/**
 * Throws the first WebGPU error since the last call, naming the kernel; does nothing when the webgpu
 * backend is not in use. Call after every step: WebGPU never throws where the error happens.
 */
export async function checkWebGpu(): Promise<void> {
  if (guard && tf.getBackend() === WEBGPU) await guard.check();
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

/**
 * AddN of more inputs than one shader can bind (one storage buffer is the output): sums of chunks
 * that fit, then the sum of those.
 */
function addNWithinLimits(original: tf.KernelFunc): tf.KernelFunc {
  const addN = (args: KernelArgs): tf.TensorInfo => {
    const inputs = args.inputs as unknown as tf.TensorInfo[];
    const backend = args.backend as WebGPUBackend;
    const most = backend.device.limits.maxStorageBuffersPerShaderStage - 1;
    if (inputs.length <= most) return original(args) as tf.TensorInfo;
    const partials: tf.TensorInfo[] = [];
    for (let first = 0; first < inputs.length; first += most) {
      partials.push(original({ ...args, inputs: inputs.slice(first, first + most) as unknown as tf.NamedTensorInfoMap }) as tf.TensorInfo);
    }
    const total = addN({ ...args, inputs: partials as unknown as tf.NamedTensorInfoMap });
    for (const partial of partials) backend.disposeData(partial.dataId);
    return total;
  };
  return addN;
}

/**
 * Mean or Sum over leading axes of more rows than one dispatch dimension holds — BatchNorm's statistics
 * and their gradients on a paper-size clip batch (24 clips × 16 × 112 × 112 positions per channel).
 * tfjs transposes the rows inward first, in a dispatch over maxComputeWorkgroupsPerDimension (measured
 * on an H200: paper VCOP failed from batch 2). The same reduction as one matrix product, w·1ᵀX (w = 1/rows
 * for a mean, 1 for a sum), dispatches over its output.
 */
function reductionWithinLimits(weightOf: (rows: number) => number) {
  return (original: tf.KernelFunc): tf.KernelFunc =>
    (args: KernelArgs): tf.TensorInfo => {
      const x = args.inputs['x'] as tf.TensorInfo;
      const backend = args.backend as WebGPUBackend;
      const { axis, keepDims } = args.attrs as unknown as { axis: number | number[]; keepDims: boolean };
      const axes = [...tf.util.parseAxisParam(axis, x.shape)].sort((a, b) => a - b);
      const rows = axes.reduce((product, index) => product * (x.shape[index] as number), 1);
      const leading = axes.length < x.shape.length && axes.every((index, position) => index === position);
      if (!leading || rows <= backend.device.limits.maxComputeWorkgroupsPerDimension || x.dtype !== 'float32') {
        return original(args) as tf.TensorInfo;
      }
      const kernel = (name: string) => (tf.getKernel(name, WEBGPU) as tf.KernelConfig).kernelFunc;
      const columns = tf.util.sizeFromShape(x.shape) / rows;
      const weights = kernel('Fill')({ inputs: {}, attrs: { shape: [1, 1, rows], value: weightOf(rows), dtype: 'float32' }, backend }) as tf.TensorInfo;
      const matrix = kernel('Reshape')({ inputs: { x }, attrs: { shape: [1, rows, columns] }, backend }) as tf.TensorInfo;
      const product = kernel('BatchMatMul')({ inputs: { a: weights, b: matrix }, attrs: { transposeA: false, transposeB: false }, backend }) as tf.TensorInfo;
      const kept = x.shape.slice(axes.length);
      const shape = keepDims ? [...axes.map(() => 1), ...kept] : kept;
      const reduced = kernel('Reshape')({ inputs: { x: product }, attrs: { shape }, backend }) as tf.TensorInfo;
      for (const temporary of [weights, matrix, product]) backend.disposeData(temporary.dataId);
      return reduced;
    };
}

const SPLIT_KERNELS: Readonly<Record<string, (original: tf.KernelFunc) => tf.KernelFunc>> = {
  AddN: addNWithinLimits,
  Mean: reductionWithinLimits((rows) => 1 / rows),
  Sum: reductionWithinLimits(() => 1),
};

let kernelsWrapped = false;

/** Every webgpu kernel runs inside the guard's scopes; AddN, Mean and Sum are reshaped to fit the device. Once. */
function wrapKernels(): void {
  if (kernelsWrapped) return;
  kernelsWrapped = true;
  for (const config of tf.getKernelsForBackend(WEBGPU)) {
    const name = config.kernelName;
    const run = SPLIT_KERNELS[name]?.(config.kernelFunc) ?? config.kernelFunc;
    tf.unregisterKernel(name, WEBGPU);
    tf.registerKernel({ ...config, kernelFunc: (args) => (guard ? guard.kernel(name, () => run(args)) : run(args)) });
  }
}

let registered = false;

/**
 * Registers tfjs's 'webgpu' backend on a device with `adapter`'s limits and the error guard. Call
 * before `tf.setBackend('webgpu')`; once per process (later calls keep the first adapter: replacing
 * the backend would drop its tensors).
 */
export function registerWebGpuBackend(adapter: GpuAdapterLike): void {
  if (registered) return;
  registered = true;
  wrapKernels();
  // tfjs registers its own factory on import where navigator.gpu exists (browsers).
  if (tf.findBackendFactory(WEBGPU)) tf.removeBackend(WEBGPU);
  tf.registerBackend(WEBGPU, async () => {
    const requiredLimits: Record<string, number> = {};
    for (const name of REQUESTED_LIMITS) {
      const value = adapter.limits[name];
      if (typeof value === 'number') requiredLimits[name] = value;
    }
    const device = await adapter.requestDevice({ requiredLimits });
    guard = new GpuErrorGuard(device);
    return new WebGPUBackend(device as unknown as ConstructorParameters<typeof WebGPUBackend>[0], adapter.info as never);
  });
}
