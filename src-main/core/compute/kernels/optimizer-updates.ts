/**
 * One optimiser update of one weight as a single wasm kernel: a loop over the weight in the heap
 * instead of six (SGD) or twelve (Adam) elementwise kernels, each with tfjs's per-kernel cost — most
 * of a tiny network's update. Every operation is rounded to float32 as the elementwise kernels round
 * it (a double holds a float32 sum, product, quotient or square root exactly enough that rounding it
 * once more gives the float32 result), in the same order, so the weights come out bit for bit as the
 * composed update's (models/sgd.ts, models/adam.ts). The loop runs as WebAssembly SIMD on tfjs's heap
 * four floats at a time (f32x4 rounds every operation the same way), JS finishing the last few; where
 * tfjs's memory cannot be reached, JS does all of it.
 */
import type * as tf from '../tf.ts';
import type { HeapBackend } from './heap-slice.ts';
import { F32, I32, loopOverBytes, op, simdLoader, simdModuleBytes, V128, type SimdFunction } from './simd-module.ts';

export const MOMENTUM_SGD_UPDATE = 'PretextMomentumSgdUpdate';
export const ADAM_UPDATE = 'PretextAdamUpdate';

export interface MomentumSgdAttrs {
  learningRate: number;
  momentum: number;
  weightDecay: number;
}

export interface AdamAttrs {
  beta1: number;
  beta2: number;
  epsilon: number;
  /** lr / (1 − β1ᵗ). */
  stepSize: number;
  /** √(1 − β2ᵗ). */
  secondCorrection: number;
  weightDecay: number;
}

const f32 = Math.fround;

/** Pushes the address of the tensor whose byte offset is param `pointer`, at the loop's `offset`. */
const at = (pointer: number, offset: number) => [...op.localGet(pointer), ...op.localGet(offset), ...op.i32Add];
const splat = (param: number, local: number) => [...op.localGet(param), ...op.f32x4Splat, ...op.localSet(local)];

/** (weight, velocity, gradient, nextWeight, nextVelocity, bytes, learningRate, momentum, decay). */
function sgdFunction(decayed: boolean): SimdFunction {
  const [weight, velocity, gradient, nextWeight, nextVelocity, end, learningRate, momentum, decay] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const [offset, rate4, momentum4, decay4, w4, v4] = [9, 10, 11, 12, 13, 14];
  const body = [
    ...at(weight, offset), ...op.v128Load, ...op.localSet(w4),
    ...at(gradient, offset), ...op.v128Load,
    ...(decayed ? [...op.localGet(w4), ...op.localGet(decay4), ...op.f32x4Mul, ...op.f32x4Add] : []),
    ...at(velocity, offset), ...op.v128Load, ...op.localGet(momentum4), ...op.f32x4Mul, ...op.f32x4Add, ...op.localSet(v4),
    ...at(nextVelocity, offset), ...op.localGet(v4), ...op.v128Store,
    ...at(nextWeight, offset), ...op.localGet(w4), ...op.localGet(v4), ...op.localGet(rate4), ...op.f32x4Mul, ...op.f32x4Sub, ...op.v128Store,
  ];
  return {
    name: decayed ? 'sgdDecayed' : 'sgd',
    params: [I32, I32, I32, I32, I32, I32, F32, F32, F32],
    locals: [I32, V128, V128, V128, V128, V128],
    body: [...splat(learningRate, rate4), ...splat(momentum, momentum4), ...splat(decay, decay4), ...loopOverBytes(offset, end, body)],
  };
}

/** (weight, first, second, gradient, nextWeight, nextFirst, nextSecond, bytes, β1, 1−β1, β2, 1−β2, ε, stepSize, correction, decay). */
function adamFunction(decayed: boolean): SimdFunction {
  const [weight, first, second, gradient, nextWeight, nextFirst, nextSecond, end] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [offset, beta1, keep1, beta2, keep2, epsilon, stepSize, correction, decay, w4, g4, m4, v4] = [16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28];
  const get = op.localGet;
  const body = [
    ...at(weight, offset), ...op.v128Load, ...op.localSet(w4),
    ...at(gradient, offset), ...op.v128Load,
    ...(decayed ? [...get(w4), ...get(decay), ...op.f32x4Mul, ...op.f32x4Add] : []),
    ...op.localSet(g4),
    ...at(first, offset), ...op.v128Load, ...get(beta1), ...op.f32x4Mul, ...get(g4), ...get(keep1), ...op.f32x4Mul, ...op.f32x4Add, ...op.localSet(m4),
    ...at(second, offset), ...op.v128Load, ...get(beta2), ...op.f32x4Mul,
    ...get(g4), ...get(g4), ...op.f32x4Mul, ...get(keep2), ...op.f32x4Mul, ...op.f32x4Add, ...op.localSet(v4),
    ...at(nextFirst, offset), ...get(m4), ...op.v128Store,
    ...at(nextSecond, offset), ...get(v4), ...op.v128Store,
    ...at(nextWeight, offset), ...get(w4), ...get(m4),
    ...get(v4), ...op.f32x4Sqrt, ...get(correction), ...op.f32x4Div, ...get(epsilon), ...op.f32x4Add,
    ...op.f32x4Div, ...get(stepSize), ...op.f32x4Mul, ...op.f32x4Sub, ...op.v128Store,
  ];
  // Params 8–15 splat into locals 17–24 in the same order.
  const splats = Array.from({ length: 8 }, (_, i) => splat(8 + i, beta1 + i)).flat();
  return {
    name: decayed ? 'adamDecayed' : 'adam',
    params: [I32, I32, I32, I32, I32, I32, I32, I32, F32, F32, F32, F32, F32, F32, F32, F32],
    locals: [I32, ...Array<number>(12).fill(V128)],
    body: [...splats, ...loopOverBytes(offset, end, body)],
  };
}

type Loop = (...args: number[]) => void;
interface SimdLoops {
  sgd: Loop;
  sgdDecayed: Loop;
  adam: Loop;
  adamDecayed: Loop;
}

const simdLoops = simdLoader<SimdLoops>(simdModuleBytes([sgdFunction(false), sgdFunction(true), adamFunction(false), adamFunction(true)]));

/** Whether the updates on this backend loop with SIMD over tfjs's heap (else in JS). */
export function simdUpdatesOn(backend: HeapBackend): boolean {
  return simdLoops(backend) !== null;
}

/** The SIMD loops here and the elements they cover (whole groups of four), or null where they cannot run. */
function simdPart(backend: HeapBackend, length: number): { loops: SimdLoops; length: number } | null {
  const loops = simdLoops(backend);
  return loops && { loops, length: length - (length % 4) };
}

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** Allocates the outputs first (allocating may grow the heap, which detaches views), then views every tensor. */
function heapViews(args: KernelArgs, names: readonly string[], outputs: number) {
  const backend = args.backend as unknown as HeapBackend;
  const weight = args.inputs.weight as tf.TensorInfo;
  const made = Array.from({ length: outputs }, () => backend.makeOutput([...weight.shape], 'float32'));
  const view = (tensor: tf.TensorInfo) => backend.typedArrayFromHeap(tensor) as Float32Array;
  return { backend, inputs: names.map((name) => view(args.inputs[name] as tf.TensorInfo)), outputs: made.map(view), made };
}

const bytesOf = (views: readonly Float32Array[]) => views.map((view) => view.byteOffset);

/** g += decay·w; buf = momentum·buf + g; w −= lr·buf. Outputs [weight, velocity]. */
export function momentumSgdUpdate(args: KernelArgs): tf.TensorInfo[] {
  const attrs = args.attrs as unknown as MomentumSgdAttrs;
  const { backend, inputs, outputs, made } = heapViews(args, ['weight', 'velocity', 'gradient'], 2);
  const [weight, velocity, gradient] = inputs as [Float32Array, Float32Array, Float32Array];
  const [nextWeight, nextVelocity] = outputs as [Float32Array, Float32Array];
  const [learningRate, momentum, decay] = [f32(attrs.learningRate), f32(attrs.momentum), f32(attrs.weightDecay)];
  const simd = simdPart(backend, weight.length);
  if (simd) (decay === 0 ? simd.loops.sgd : simd.loops.sgdDecayed)(...bytesOf([...inputs, ...outputs]), 4 * simd.length, learningRate, momentum, decay);
  for (let i = simd?.length ?? 0; i < weight.length; i++) {
    const w = weight[i] as number;
    const g = decay === 0 ? (gradient[i] as number) : f32((gradient[i] as number) + f32(w * decay));
    const v = f32(f32((velocity[i] as number) * momentum) + g);
    nextVelocity[i] = v;
    nextWeight[i] = f32(w - f32(v * learningRate));
  }
  return made;
}

/** g += decay·w; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; w −= stepSize·m / (√v / correction + eps). Outputs [weight, m, v]. */
export function adamUpdate(args: KernelArgs): tf.TensorInfo[] {
  const attrs = args.attrs as unknown as AdamAttrs;
  const { backend, inputs, outputs, made } = heapViews(args, ['weight', 'first', 'second', 'gradient'], 3);
  const [weight, first, second, gradient] = inputs as [Float32Array, Float32Array, Float32Array, Float32Array];
  const [nextWeight, nextFirst, nextSecond] = outputs as [Float32Array, Float32Array, Float32Array];
  const [beta1, keep1, beta2, keep2] = [f32(attrs.beta1), f32(1 - attrs.beta1), f32(attrs.beta2), f32(1 - attrs.beta2)];
  const [epsilon, stepSize, correction, decay] = [f32(attrs.epsilon), f32(attrs.stepSize), f32(attrs.secondCorrection), f32(attrs.weightDecay)];
  const simd = simdPart(backend, weight.length);
  if (simd) {
    const scalars = [beta1, keep1, beta2, keep2, epsilon, stepSize, correction, decay];
    (decay === 0 ? simd.loops.adam : simd.loops.adamDecayed)(...bytesOf([...inputs, ...outputs]), 4 * simd.length, ...scalars);
  }
  for (let i = simd?.length ?? 0; i < weight.length; i++) {
    const w = weight[i] as number;
    const g = decay === 0 ? (gradient[i] as number) : f32((gradient[i] as number) + f32(w * decay));
    const m = f32(f32((first[i] as number) * beta1) + f32(g * keep1));
    const v = f32(f32((second[i] as number) * beta2) + f32(f32(g * g) * keep2));
    nextFirst[i] = m;
    nextSecond[i] = v;
    const denominator = f32(f32(f32(Math.sqrt(v)) / correction) + epsilon);
    nextWeight[i] = f32(w - f32(f32(m / denominator) * stepSize));
  }
  return made;
}
