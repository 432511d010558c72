/**
 * SGD with momentum as PyTorch has it (buf = momentum·buf + grad; w −= lr·buf), with its state kept
 * per weight name, so checkpoints name every slot. (tfjs's MomentumOptimizer pairs slots and weights
 * by position and leaks a tensor when disposed.)
 */
import * as tf from '../compute/tf.ts';
import type { Param } from './params.ts';

export interface SgdSettings {
  learningRate: number;
  momentum: number;
}

export interface NamedTensor {
  name: string;
  tensor: tf.Tensor;
}

export interface MomentumSgd {
  /** Updates applied so far. */
  readonly iterations: number;
  /** One update of `params` from `gradients`, keyed by tfjs variable name. */
  update(params: readonly Param[], gradients: tf.NamedTensorMap): void;
  /** The iteration count and each weight's momentum buffer ("<weight>/momentum"). */
  state(): NamedTensor[];
  restore(iterations: number, buffers: readonly NamedTensor[]): void;
  dispose(): void;
}

const SLOT = '/momentum';

export function createMomentumSgd(settings: SgdSettings): MomentumSgd {
  const buffers = new Map<string, tf.Variable>();
  let iterations = 0;
  const buffer = (param: Param) => {
    let found = buffers.get(param.name);
    if (!found) {
      const zeros = tf.zerosLike(param.variable);
      found = tf.variable(zeros, false);
      zeros.dispose();
      buffers.set(param.name, found);
    }
    return found;
  };
  const clear = () => {
    for (const variable of buffers.values()) variable.dispose();
    buffers.clear();
  };
  return {
    get iterations() {
      return iterations;
    },
    update: (params, gradients) => {
      tf.tidy(() => {
        for (const param of params) {
          const gradient = gradients[param.variable.name];
          if (!gradient) continue;
          const velocity = buffer(param);
          velocity.assign(tf.add(tf.mul(velocity, settings.momentum), gradient));
          param.variable.assign(tf.sub(param.variable, tf.mul(velocity, settings.learningRate)));
        }
      });
      iterations++;
    },
    state: () => [...buffers].map(([name, tensor]) => ({ name: `${name}${SLOT}`, tensor })),
    restore: (count, saved) => {
      clear();
      for (const { name, tensor } of saved) {
        if (!name.endsWith(SLOT)) throw new Error(`${name} is not a momentum buffer`);
        buffers.set(name.slice(0, -SLOT.length), tf.variable(tensor, false));
      }
      iterations = count;
    },
    dispose: clear,
  };
}
