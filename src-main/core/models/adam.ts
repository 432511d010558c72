/**
 * Adam as PyTorch's torch.optim.Adam computes it (betas 0.9/0.999, eps 1e-8; weight decay arrives in
 * the gradient, as its weight_decay adds it): m = β1·m + (1−β1)·g, v = β2·v + (1−β2)·g²,
 * w −= lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + eps). State per weight: "<weight>/adam_m", "<weight>/adam_v".
 */
import * as tf from '../compute/tf.ts';
import { createSlotStore, type Optimizer } from './optimizer.ts';

export interface AdamSettings {
  learningRate: number;
}

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPSILON = 1e-8;

const FIRST = 'adam_m';
const SECOND = 'adam_v';

export function createAdam(settings: AdamSettings): Optimizer {
  const slots = createSlotStore('Adam', [FIRST, SECOND]);
  let iterations = 0;
  return {
    get iterations() {
      return iterations;
    },
    update: (params, gradients) => {
      const step = iterations + 1;
      const stepSize = settings.learningRate / (1 - ADAM_BETA1 ** step);
      const secondCorrection = Math.sqrt(1 - ADAM_BETA2 ** step);
      tf.tidy(() => {
        for (const param of params) {
          const gradient = gradients[param.variable.name];
          if (!gradient) continue;
          const first = slots.get(param, FIRST);
          const second = slots.get(param, SECOND);
          first.assign(tf.add(tf.mul(first, ADAM_BETA1), tf.mul(gradient, 1 - ADAM_BETA1)));
          second.assign(tf.add(tf.mul(second, ADAM_BETA2), tf.mul(tf.square(gradient), 1 - ADAM_BETA2)));
          const denominator = tf.add(tf.div(tf.sqrt(second), secondCorrection), ADAM_EPSILON);
          param.variable.assign(tf.sub(param.variable, tf.mul(tf.div(first, denominator), stepSize)));
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
