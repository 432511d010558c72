import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../compute/backend.ts';
import * as tf from '../compute/tf.ts';
import { createAdam } from './adam.ts';
import type { Optimizer } from './optimizer.ts';
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
 * torch.optim.Adam([w], lr=0.1, weight_decay=…) from w = [0.5, -1, 2] with w.grad set to each row of
 * GRADIENTS in turn (python3-torch, float32): the weights after each step. The first step moves every
 * weight by lr against its gradient's sign, as Adam's bias correction makes m/√v = ±1.
 */
const TORCH_WEIGHTS: Record<number, number[][]> = {
  0: [
    [0.4000000059604645, -0.9000000357627869, 1.899999976158142],
    [0.314430296421051, -0.8367958068847656, 1.965532660484314],
    [0.3108935058116913, -0.7879387736320496, 1.9825036525726318],
  ],
  0.1: [
    [0.4000000059604645, -0.9000000357627869, 1.899999976158142],
    [0.3133215606212616, -0.8333494663238525, 1.9610875844955444],
    [0.30514612793922424, -0.7793334722518921, 1.9706439971923828],
  ],
};

/**
 * torch.optim.SGD([w], lr=0.1, momentum=0.9, weight_decay=0.1) from the same weight and gradients.
 */
const TORCH_SGD_WEIGHTS = [
  [0.39500001072883606, -0.7900000214576721, 1.9299999475479126],
  [0.2665500342845917, -0.603100061416626, 2.2476999759674072],
  [0.24827954173088074, -0.42885908484458923, 2.311152935028076],
];

const weight = (): Param => ({ name: 'w', variable: tf.variable(tf.tensor1d([0.5, -1, 2]), true, 'optimizer-test-w'), trainable: true });
const update = (optimizer: Optimizer, param: Param, gradient: number[]) => {
  const grad = tf.tensor1d(gradient);
  optimizer.update([param], { [param.variable.name]: grad });
  grad.dispose();
};

describe('Adam', () => {
  it.each([0, 0.1])('takes the steps torch.optim.Adam takes, weight decay %s', (weightDecay) => {
    const param = weight();
    const optimizer = createAdam({ learningRate: 0.1, weightDecay });
    GRADIENTS.forEach((gradient, index) => {
      update(optimizer, param, gradient);
      const got = Array.from(param.variable.dataSync());
      (TORCH_WEIGHTS[weightDecay]?.[index] as number[]).forEach((expected, i) => expect(got[i]).toBeCloseTo(expected, 6));
    });
    expect(optimizer.iterations).toBe(3);
    optimizer.dispose();
    param.variable.dispose();
  });

  it('names its moments per weight, and a restored copy continues exactly', () => {
    const param = weight();
    const optimizer = createAdam({ learningRate: 0.1, weightDecay: 0 });
    update(optimizer, param, GRADIENTS[0] as number[]);
    expect(optimizer.state().map((slot) => slot.name)).toEqual(['w/adam_m', 'w/adam_v']);

    const copy: Param = { name: 'w', variable: tf.variable(param.variable.clone(), true, 'optimizer-test-copy'), trainable: true };
    const restored = createAdam({ learningRate: 0.1, weightDecay: 0 });
    restored.restore(optimizer.iterations, optimizer.state());
    update(optimizer, param, GRADIENTS[1] as number[]);
    update(restored, copy, GRADIENTS[1] as number[]);
    expect(Array.from(copy.variable.dataSync())).toEqual(Array.from(param.variable.dataSync()));
    [optimizer, restored].forEach((each) => each.dispose());
    [param, copy].forEach((each) => each.variable.dispose());
  });

  it('refuses state that is not its own, such as a momentum buffer', () => {
    const optimizer = createAdam({ learningRate: 0.1, weightDecay: 0 });
    const tensor = tf.zeros([3]);
    expect(() => optimizer.restore(1, [{ name: 'w/momentum', tensor }])).toThrow("w/momentum is not Adam's state");
    tensor.dispose();
    optimizer.dispose();
  });
});

describe('momentum SGD', () => {
  it('takes the steps torch.optim.SGD takes with momentum and weight decay', () => {
    const param = weight();
    const optimizer = createMomentumSgd({ learningRate: 0.1, momentum: 0.9, weightDecay: 0.1 });
    GRADIENTS.forEach((gradient, index) => {
      update(optimizer, param, gradient);
      const got = Array.from(param.variable.dataSync());
      (TORCH_SGD_WEIGHTS[index] as number[]).forEach((expected, i) => expect(got[i]).toBeCloseTo(expected, 6));
    });
    expect(optimizer.state().map((slot) => slot.name)).toEqual(['w/momentum']);
    optimizer.dispose();
    param.variable.dispose();
  });
});
