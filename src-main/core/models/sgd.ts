/**
 * SGD with momentum and weight decay as PyTorch has them (g += decay·w; buf = momentum·buf + g;
 * w −= lr·buf), with its state kept per weight name ("<weight>/momentum").
 */
import { MOMENTUM_SGD_UPDATE, type MomentumSgdAttrs } from '../compute/kernels/optimizer-updates.ts';
import * as tf from '../compute/tf.ts';
import { createSlotStore, decayed, fusedUpdate, type Optimizer } from './optimizer.ts';

export interface SgdSettings {
  learningRate: number;
  momentum: number;
  weightDecay: number;
}

const SLOT = 'momentum';

/** The weight and its momentum buffer after one update: [weight, velocity]. */
function step(settings: SgdSettings, weight: tf.Tensor, velocity: tf.Tensor, gradient: tf.Tensor): tf.Tensor[] {
  const { learningRate, momentum, weightDecay } = settings;
  const fused = fusedUpdate(MOMENTUM_SGD_UPDATE, { weight, velocity, gradient }, { learningRate, momentum, weightDecay } satisfies MomentumSgdAttrs);
  if (fused) return fused;
  const next = tf.add(tf.mul(velocity, settings.momentum), decayed(gradient, weight, settings.weightDecay));
  return [tf.sub(weight, tf.mul(next, settings.learningRate)), next];
}

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
          const [weight, nextVelocity] = step(settings, param.variable, velocity, gradient) as [tf.Tensor, tf.Tensor];
          velocity.assign(nextVelocity);
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
