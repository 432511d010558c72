/**
 * Adam as PyTorch's torch.optim.Adam computes it (betas 0.9/0.999, eps 1e-8; its weight_decay is L2,
 * g += decay·w, not AdamW's): m = β1·m + (1−β1)·g, v = β2·v + (1−β2)·g²,
 * w −= lr/(1−β1ᵗ) · m / (√v/√(1−β2ᵗ) + eps). State per weight: "<weight>/adam_m", "<weight>/adam_v".
 */
import { ADAM_UPDATE, type AdamAttrs } from '../compute/kernels/optimizer-updates.ts';
import * as tf from '../compute/tf.ts';
import { createSlotStore, decayed, fusedUpdate, type Optimizer } from './optimizer.ts';

export interface AdamSettings {
  learningRate: number;
  weightDecay: number;
}

export const ADAM_BETA1 = 0.9;
export const ADAM_BETA2 = 0.999;
export const ADAM_EPSILON = 1e-8;

const FIRST = 'adam_m';
const SECOND = 'adam_v';

/** The weight and its moments after one update: [weight, first, second]. */
function step(attrs: AdamAttrs, weight: tf.Tensor, first: tf.Tensor, second: tf.Tensor, given: tf.Tensor): tf.Tensor[] {
  const fused = fusedUpdate(ADAM_UPDATE, { weight, first, second, gradient: given }, attrs);
  if (fused) return fused;
  const gradient = decayed(given, weight, attrs.weightDecay);
  const nextFirst = tf.add(tf.mul(first, attrs.beta1), tf.mul(gradient, 1 - attrs.beta1));
  const nextSecond = tf.add(tf.mul(second, attrs.beta2), tf.mul(tf.square(gradient), 1 - attrs.beta2));
  const denominator = tf.add(tf.div(tf.sqrt(nextSecond), attrs.secondCorrection), attrs.epsilon);
  return [tf.sub(weight, tf.mul(tf.div(nextFirst, denominator), attrs.stepSize)), nextFirst, nextSecond];
}

export function createAdam(settings: AdamSettings): Optimizer {
  const slots = createSlotStore('Adam', [FIRST, SECOND]);
  let iterations = 0;
  return {
    get iterations() {
      return iterations;
    },
    update: (params, gradients) => {
      const count = iterations + 1;
      const attrs: AdamAttrs = {
        beta1: ADAM_BETA1,
        beta2: ADAM_BETA2,
        epsilon: ADAM_EPSILON,
        stepSize: settings.learningRate / (1 - ADAM_BETA1 ** count),
        secondCorrection: Math.sqrt(1 - ADAM_BETA2 ** count),
        weightDecay: settings.weightDecay,
      };
      tf.tidy(() => {
        for (const param of params) {
          const gradient = gradients[param.variable.name];
          if (!gradient) continue;
          const first = slots.get(param, FIRST);
          const second = slots.get(param, SECOND);
          const [weight, nextFirst, nextSecond] = step(attrs, param.variable, first, second, gradient) as [tf.Tensor, tf.Tensor, tf.Tensor];
          first.assign(nextFirst);
          second.assign(nextSecond);
          param.variable.assign(weight);
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
