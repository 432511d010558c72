/**
 * SGD with momentum as PyTorch has it (buf = momentum·buf + grad; w −= lr·buf), with its state kept
 * per weight name ("<weight>/momentum").
 */
import * as tf from '../compute/tf.ts';
import { createSlotStore, type Optimizer } from './optimizer.ts';

export interface SgdSettings {
  learningRate: number;
  momentum: number;
}

const SLOT = 'momentum';

export function createMomentumSgd(settings: SgdSettings): Optimizer {
  const slots = createSlotStore('momentum SGD', [SLOT]);
  let iterations = 0;
  return {
    get iterations() {
      return iterations;
    },
    update: (params, gradients) => {
      tf.tidy(() => {
        for (const param of params) {
          const gradient = gradients[param.variable.name];
          if (!gradient) continue;
          const velocity = slots.get(param, SLOT);
          velocity.assign(tf.add(tf.mul(velocity, settings.momentum), gradient));
          param.variable.assign(tf.sub(param.variable, tf.mul(velocity, settings.learningRate)));
        }
      });
      iterations++;
    },
    state: slots.state,
    restore: (count, saved) => {
      slots.restore(saved);
      iterations = count;
    },
    dispose: slots.clear,
  };
}
