/**
 * One optimiser update of one weight as a single wasm kernel: a loop over the weight in the heap
 * instead of six (SGD) or twelve (Adam) elementwise kernels, each with tfjs's per-kernel cost — most
 * of a tiny network's update. Every operation is rounded to float32 as the elementwise kernels round
 * it (a double holds a float32 sum, product, quotient or square root exactly enough that rounding it
 * once more gives the float32 result), in the same order, so the weights come out bit for bit as the
 * composed update's (models/sgd.ts, models/adam.ts).
 */
import type * as tf from '../tf.ts';
import type { HeapBackend } from './heap-slice.ts';

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

type KernelArgs = Parameters<tf.KernelFunc>[0];

/** Allocates the outputs first (allocating may grow the heap, which detaches views), then views every tensor. */
function heapViews(args: KernelArgs, names: readonly string[], outputs: number) {
  const backend = args.backend as unknown as HeapBackend;
  const weight = args.inputs.weight as tf.TensorInfo;
  const made = Array.from({ length: outputs }, () => backend.makeOutput([...weight.shape], 'float32'));
  const view = (tensor: tf.TensorInfo) => backend.typedArrayFromHeap(tensor) as Float32Array;
  return { inputs: names.map((name) => view(args.inputs[name] as tf.TensorInfo)), outputs: made.map(view), made };
}

/** g += decay·w; buf = momentum·buf + g; w −= lr·buf. Outputs [weight, velocity]. */
export function momentumSgdUpdate(args: KernelArgs): tf.TensorInfo[] {
  const attrs = args.attrs as unknown as MomentumSgdAttrs;
  const { inputs, outputs, made } = heapViews(args, ['weight', 'velocity', 'gradient'], 2);
  const [weight, velocity, gradient] = inputs as [Float32Array, Float32Array, Float32Array];
  const [nextWeight, nextVelocity] = outputs as [Float32Array, Float32Array];
  const [learningRate, momentum, decay] = [f32(attrs.learningRate), f32(attrs.momentum), f32(attrs.weightDecay)];
  for (let i = 0; i < weight.length; i++) {
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
  const { inputs, outputs, made } = heapViews(args, ['weight', 'first', 'second', 'gradient'], 3);
  const [weight, first, second, gradient] = inputs as [Float32Array, Float32Array, Float32Array, Float32Array];
  const [nextWeight, nextFirst, nextSecond] = outputs as [Float32Array, Float32Array, Float32Array];
  const [beta1, keep1, beta2, keep2] = [f32(attrs.beta1), f32(1 - attrs.beta1), f32(attrs.beta2), f32(1 - attrs.beta2)];
  const [epsilon, stepSize, correction, decay] = [f32(attrs.epsilon), f32(attrs.stepSize), f32(attrs.secondCorrection), f32(attrs.weightDecay)];
  for (let i = 0; i < weight.length; i++) {
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
