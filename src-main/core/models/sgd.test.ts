import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/backend.ts';
import * as tf from '../compute/tf.ts';
import type { Param } from './params.ts';
import { createMomentumSgd } from './sgd.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

const GRADIENTS = [
  [1, -2, 0.5],
  [0.3, 0.1, -4],
  [-1, 0, 2],
];

/**
 * torch.optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=0.1) from w = [0.5, -1, 2] with w.grad set
 * to each row of GRADIENTS in turn (python3-torch, float32): the weights after each step.
 */
const TORCH_WEIGHTS = [
  [0.39500001072883606, -0.7900000214576721, 1.9299999475479126],
  [0.2665500342845917, -0.603100061416626, 2.2476999759674072],
  [0.24827954173088074, -0.42885908484458923, 2.311152935028076],
];

describe('momentum SGD', () => {
  it('takes the steps torch.optim.SGD takes with momentum and weight decay', () => {
    const param: Param = { name: 'w', variable: tf.variable(tf.tensor1d([0.5, -1, 2]), true, 'sgd-test-w'), trainable: true };
    const optimizer = createMomentumSgd({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.1 });
    GRADIENTS.forEach((gradient, index) => {
      const grad = tf.tensor1d(gradient);
      optimizer.update([param], { [param.variable.name]: grad });
      grad.dispose();
      const got = Array.from(param.variable.dataSync());
      (TORCH_WEIGHTS[index] as number[]).forEach((expected, i) => expect(got[i]).toBeCloseTo(expected, 6));
    });
    expect(optimizer.state().map((slot) => slot.name)).toEqual(['w/momentum']);
    optimizer.dispose();
    param.variable.dispose();
  });
});
