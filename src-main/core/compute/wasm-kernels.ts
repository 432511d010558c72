/**
 * Kernels registered on the wasm backend so that our models train on it, fast and right. Measured on
 * tfjs-backend-wasm 4.22.0 against the cpu backend:
 * - Conv2DBackpropFilter is missing (2D training fails): one forward Conv2D over transposed inputs.
 * - Conv2DBackpropInput is right but slow (~5× a forward conv at stride 1, 4–5× our phases at stride 2):
 *   forward Conv2Ds with the rotated filter, one per phase of the stride (small strided ones keep it).
 * - Conv3D is a naive loop, ~30× slower than the sum over kernel depth of Conv2Ds used instead.
 * - Conv3DBackpropInputV2 is wrong for every shape tried, Conv3DBackpropFilterV2 for strides > 1.
 * - MaxPoolGrad, MaxPool3D and MaxPool3DGrad are wrong unless the windows tile the input exactly.
 * - Slice copies its whole input out of the heap before taking its part (kernels/heap-slice.ts).
 * - BatchMatMul with transposeA or transposeB is 10–20× slower than without (kernels/mat-mul.ts).
 * Two kernels of its own: an SGD and an Adam update of one weight, each one loop in the heap
 * (kernels/optimizer-updates.ts).
 * The cpu backend keeps its own kernels: it is the reference the tests compare against.
 */
import '@tensorflow/tfjs-backend-wasm';
import { conv2dFilterGradient, conv2dInputGradient } from './kernels/conv2d-grads.ts';
import { conv3dBySlices, conv3dFilterGradient, conv3dInputGradient } from './kernels/conv3d.ts';
import { matMulByTransposes } from './kernels/mat-mul.ts';
import { heapSlice, type HeapBackend } from './kernels/heap-slice.ts';
import { ADAM_UPDATE, adamUpdate, MOMENTUM_SGD_UPDATE, momentumSgdUpdate } from './kernels/optimizer-updates.ts';
import { maxPool3dGradient, maxPool3dSeparable, maxPoolGradient } from './kernels/max-pool.ts';
import { pair, triple } from './kernels/padding.ts';
import * as tf from './tf.ts';

const BACKEND = 'wasm';

type KernelArgs = Parameters<tf.KernelFunc>[0];
/** A replacement kernel; `original` is wasm's own, for the cases handed back to it. */
type Replacement = (args: KernelArgs, original: tf.KernelFunc | undefined) => tf.TensorInfo;

// The engine passes kernels the tensors an op was called with, typed as TensorInfo.
const input = <T extends tf.Tensor>(args: KernelArgs, name: string) => args.inputs[name] as T;
const attrsOf = <A>(args: KernelArgs) => args.attrs as unknown as A;

function assertChannelsLast(format: string | undefined): void {
  if (format !== undefined && format !== 'NHWC' && format !== 'NDHWC') {
    throw new Error(`the wasm training kernels support channels-last data only, not ${format}`);
  }
}

function unitDilations(dilations: number | readonly number[] | undefined): boolean {
  return dilations === undefined || triple(dilations).every((rate) => rate === 1);
}

const conv2dBackpropFilter: Replacement = (args) => {
  const attrs = attrsOf<tf.Conv2DBackpropFilterAttrs>(args);
  assertChannelsLast(attrs.dataFormat);
  return conv2dFilterGradient(input(args, 'x'), input(args, 'dy'), attrs.filterShape, attrs);
};

/**
 * Below this many multiply-adds a strided input gradient is faster in wasm's own loop than in the
 * phases' several small kernels (R3D tiny's 1×1 stride-2 shortcut: 1.4 ms against 4–5 ms; even at
 * about 3 M; R(2+1)D mid's first downsampling, 202 M: 227 ms against 40–60 ms).
 */
const PHASED_INPUT_GRADIENT_MIN_MULTIPLY_ADDS = 2 ** 22;

function multiplyAdds(dy: tf.Tensor4D, filter: tf.Tensor4D): number {
  const [height, width, inChannels] = filter.shape;
  return dy.size * height * width * inChannels;
}

const conv2dBackpropInput: Replacement = (args, original) => {
  const attrs = attrsOf<tf.Conv2DBackpropInputAttrs>(args);
  const dy = input<tf.Tensor4D>(args, 'dy');
  const filter = input<tf.Tensor4D>(args, 'filter');
  const strided = pair(attrs.strides).some((stride) => stride !== 1);
  if (attrs.dataFormat !== 'NHWC' || (strided && multiplyAdds(dy, filter) < PHASED_INPUT_GRADIENT_MIN_MULTIPLY_ADDS)) {
    return (original as tf.KernelFunc)(args) as tf.TensorInfo;
  }
  return conv2dInputGradient(dy, filter, attrs.inputShape, attrs);
};

const conv3d: Replacement = (args, original) => {
  const attrs = attrsOf<tf.Conv3DAttrs>(args);
  if (attrs.dataFormat !== 'NDHWC' || !unitDilations(attrs.dilations)) return (original as tf.KernelFunc)(args) as tf.TensorInfo;
  return conv3dBySlices(input(args, 'x'), input(args, 'filter'), attrs);
};

const conv3dBackpropFilter: Replacement = (args) => {
  const attrs = attrsOf<tf.Conv3DBackpropFilterV2Attrs>(args);
  return conv3dFilterGradient(input(args, 'x'), input(args, 'dy'), attrs.filterShape, attrs);
};

const conv3dBackpropInput: Replacement = (args) => {
  const attrs = attrsOf<tf.Conv3DBackpropInputV2Attrs>(args);
  return conv3dInputGradient(input(args, 'dy'), input(args, 'filter'), attrs.inputShape, attrs);
};

const maxPoolGrad: Replacement = (args) =>
  maxPoolGradient(input(args, 'dy'), input(args, 'input'), attrsOf<tf.MaxPoolGradAttrs>(args), args.backend as HeapBackend);

const maxPool3d: Replacement = (args) => {
  const attrs = attrsOf<tf.MaxPool3DAttrs>(args);
  assertChannelsLast(attrs.dataFormat);
  return maxPool3dSeparable(input(args, 'x'), attrs);
};

const maxPool3dGrad: Replacement = (args) =>
  maxPool3dGradient(input(args, 'dy'), input(args, 'input'), attrsOf<tf.MaxPool3DGradAttrs>(args), args.backend as HeapBackend);

const slice: Replacement = (args, original) => {
  const x = input<tf.Tensor>(args, 'x');
  if (x.dtype === 'string') return (original as tf.KernelFunc)(args) as tf.TensorInfo;
  const attrs = attrsOf<tf.SliceAttrs>(args);
  const [begin, size] = tf.slice_util.parseSliceParams(x, attrs.begin, attrs.size) as [number[], number[]];
  return heapSlice(x, begin, size, args.backend as HeapBackend);
};

const batchMatMul: Replacement = (args, original) => {
  const { transposeA, transposeB } = attrsOf<tf.BatchMatMulAttrs>(args);
  // The plain product is wasm's own (the transposed forms below end up here too).
  if (!transposeA && !transposeB) return (original as tf.KernelFunc)(args) as tf.TensorInfo;
  return matMulByTransposes(input(args, 'a'), input(args, 'b'), transposeA, transposeB);
};

const REPLACEMENTS = {
  BatchMatMul: batchMatMul,
  Conv2DBackpropFilter: conv2dBackpropFilter,
  Conv2DBackpropInput: conv2dBackpropInput,
  Conv3D: conv3d,
  Conv3DBackpropFilterV2: conv3dBackpropFilter,
  Conv3DBackpropInputV2: conv3dBackpropInput,
  MaxPoolGrad: maxPoolGrad,
  MaxPool3D: maxPool3d,
  MaxPool3DGrad: maxPool3dGrad,
  Slice: slice,
} satisfies Record<string, Replacement>;

/** Kernels wasm lacks: fused optimiser updates (models/optimizer.ts `fusedUpdate` falls back to elementwise ops elsewhere). */
const ADDITIONS: Record<string, (args: KernelArgs) => tf.TensorInfo[]> = {
  [MOMENTUM_SGD_UPDATE]: momentumSgdUpdate,
  [ADAM_UPDATE]: adamUpdate,
};

/** The kernel names this module replaces on wasm. */
export const WASM_TRAINING_KERNELS = Object.keys(REPLACEMENTS) as (keyof typeof REPLACEMENTS)[];

let registered = false;

/**
 * Registers the replacements on wasm (once; later calls do nothing). Call before the wasm backend is
 * initialised or after: a wrapped kernel keeps the original's setup function either way.
 */
export function registerWasmTrainingKernels(): void {
  if (registered) return;
  registered = true;
  for (const name of WASM_TRAINING_KERNELS) {
    const original = tf.getKernel(name, BACKEND);
    if (original) tf.unregisterKernel(name, BACKEND);
    const replacement: Replacement = REPLACEMENTS[name];
    tf.registerKernel({
      kernelName: name,
      backendName: BACKEND,
      ...(original?.setupFunc ? { setupFunc: original.setupFunc } : {}),
      kernelFunc: (args) => replacement(args, original?.kernelFunc),
    });
  }
  for (const [name, kernelFunc] of Object.entries(ADDITIONS)) tf.registerKernel({ kernelName: name, backendName: BACKEND, kernelFunc });
}
