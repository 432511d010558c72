/**
 * What the training step and checkpoints need of an optimiser (SGD with momentum: sgd.ts; Adam:
 * adam.ts), and the per-weight state both keep: slots named "<weight>/<slot>", so a checkpoint names
 * every one and a resumed run continues exactly. (tfjs's optimisers pair slots and weights by
 * position and leak a tensor when disposed.)
 */
import * as tf from '../compute/tf.ts';
import type { Param } from './params.ts';

export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

export interface Optimizer {
  /** Updates applied so far. */
  readonly iterations: number;
  /** One update of `params` from `gradients`, keyed by tfjs variable name. */
  update(params: readonly Param[], gradients: tf.NamedTensorMap): void;
  /** Each weight's state tensors ("<weight>/<slot>"); the iteration count is `iterations`. */
  state(): NamedTensor[];
  restore(iterations: number, slots: readonly NamedTensor[]): void;
  dispose(): void;
}

/**
 * The loss gradient plus L2 weight decay's, decay·w (PyTorch's weight_decay: every trained weight,
 * biases and BatchNorm included). Added here rather than as a penalty in the loss, whose gradient
 * took about ten small kernels per weight.
 */
export function decayed(gradient: tf.Tensor, weight: tf.Tensor, decay: number): tf.Tensor {
  return decay === 0 ? gradient : tf.add(gradient, tf.mul(weight, decay));
}

/**
 * One weight's update as the backend's single fused kernel, when it has one (wasm:
 * compute/kernels/optimizer-updates.ts, bit for bit the composed update); null where it has none.
 */
export function fusedUpdate(kernel: string, inputs: tf.NamedTensorMap, attrs: object): tf.Tensor[] | null {
  if (!tf.getKernel(kernel, tf.getBackend())) return null;
  return tf.engine().runKernel(kernel, inputs, attrs as tf.NamedAttrMap) as tf.Tensor[];
}

export interface SlotStore {
  /** The weight's `slot`, zeros until first written. */
  get(param: Param, slot: string): tf.Variable;
  state(): NamedTensor[];
  /** Replaces every slot with copies of `saved`; refuses a name whose slot this optimiser lacks. */
  restore(saved: readonly NamedTensor[]): void;
  clear(): void;
}

export function createSlotStore(what: string, slotNames: readonly string[]): SlotStore {
  const slots = new Map<string, tf.Variable>();
  const clear = () => {
    for (const variable of slots.values()) variable.dispose();
    slots.clear();
  };
  return {
    get: (param, slot) => {
      const name = `${param.name}/${slot}`;
      let found = slots.get(name);
      if (!found) {
        const zeros = tf.zerosLike(param.variable);
        found = tf.variable(zeros, false);
        zeros.dispose();
        slots.set(name, found);
      }
      return found;
    },
    state: () => [...slots].map(([name, tensor]) => ({ name, tensor })),
    restore: (saved) => {
      clear();
      for (const { name, tensor } of saved) {
        if (!slotNames.some((slot) => name.endsWith(`/${slot}`))) throw new Error(`${name} is not ${what}'s state`);
        slots.set(name, tf.variable(tensor, false));
      }
    },
    clear,
  };
}
