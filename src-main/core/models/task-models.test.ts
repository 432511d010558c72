import { beforeAll, describe, expect, it } from 'vitest';
import { TASK_PRESETS, type TaskConfig, type TaskId } from '../../shared/tasks.ts';
import type { Backbone } from '../../shared/training.ts';
import { initBackend } from '../compute/backend.ts';
import { expectClose } from '../compute/test-support.ts';
import * as tf from '../compute/tf.ts';
import { createRng } from '../tasks/rng.ts';
import { EVALUATION } from './blocks.ts';
import { buildTaskModel, type ModelOptions, type TaskModel } from './task-models.ts';
import { syntheticBatch } from './test-support.ts';
import { createMomentumSgd } from './sgd.ts';
import { trainableParams, trainStep } from './train-step.ts';
import { batchTensors, type BatchTensors } from './tuple-input.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

const TINY = { width: 1 / 16, seed: 7 };

function withModel<T>(config: TaskConfig, options: ModelOptions, use: (model: TaskModel) => T): T {
  const model = buildTaskModel(config, options);
  try {
    return use(model);
  } finally {
    model.dispose();
  }
}

function logitsShape(model: TaskModel, tuples: number): number[] {
  return tf.tidy(() => model.apply(tf.zeros([tuples, ...model.tupleShape]), EVALUATION).shape);
}

function weightShape(model: TaskModel, name: string): number[] | undefined {
  return model.params.find((param) => param.name === name)?.variable.shape;
}

const FRAME_TASKS: [TaskId, number, number][] = [
  ['order-verification', 2, 256],
  ['sequence-sorting', 12, 256],
  ['odd-one-out', 4, 256],
];

describe('task models', () => {
  it.each(FRAME_TASKS)('%s tiny: %i classes from %i-d frame features', (task, classes, features) => {
    withModel(TASK_PRESETS[task].tiny, { backbone: 'alexnet', ...TINY }, (model) => {
      expect(model.classCount).toBe(classes);
      expect(model.encoder.featureSize).toBe(features);
      expect(logitsShape(model, 3)).toEqual([3, classes]);
    });
  });

  it.each(['c3d', 'r3d', 'r2plus1d'] as const)('clip order tiny with %s: 6 orders from 32-d clip features', (backbone) => {
    withModel(TASK_PRESETS['clip-order'].tiny, { backbone, ...TINY }, (model) => {
      expect(model.classCount).toBe(6);
      expect(model.encoder.featureSize).toBe(32);
      expect(model.encoder.inputShape).toEqual([4, 40, 40, 3]);
      expect(logitsShape(model, 2)).toEqual([2, 6]);
    });
  });

  it('S&L paper: CaffeNet on 227 px frames, three fc7 of 4096 → 2 classes', () => {
    withModel(TASK_PRESETS['order-verification'].paper, { backbone: 'alexnet', width: 1, seed: 1 }, (model) => {
      expect(weightShape(model, 'encoder/fc6/kernel')).toEqual([9216, 4096]);
      expect(weightShape(model, 'head/classifier/kernel')).toEqual([3 * 4096, 2]);
      expect(logitsShape(model, 1)).toEqual([1, 2]);
    });
  });

  it('S&L tiny: a hidden layer of fc7 width over the three features before the 2 classes', () => {
    withModel(TASK_PRESETS['order-verification'].tiny, { backbone: 'alexnet', ...TINY }, (model) => {
      expect(weightShape(model, 'head/hidden/kernel')).toEqual([3 * 256, 256]);
      expect(weightShape(model, 'head/classifier/kernel')).toEqual([256, 2]);
    });
    withModel({ ...TASK_PRESETS['order-verification'].tiny, head: 'linear' }, { backbone: 'alexnet', ...TINY }, (model) => {
      expect(weightShape(model, 'head/hidden/kernel')).toBeUndefined();
      expect(weightShape(model, 'head/classifier/kernel')).toEqual([3 * 256, 2]);
    });
  });

  it('OPN paper: fc6 per 80 px frame, 6 pairs through a shared fc7, 12 classes', () => {
    withModel(TASK_PRESETS['sequence-sorting'].paper, { backbone: 'alexnet', width: 1, seed: 1 }, (model) => {
      expect(model.encoder.featureSize).toBe(4096);
      expect(weightShape(model, 'head/pair_fc7/kernel')).toEqual([8192, 4096]);
      expect(weightShape(model, 'head/classifier/kernel')).toEqual([6 * 4096, 12]);
      expect(logitsShape(model, 1)).toEqual([1, 12]);
    });
  });

  it.each(['concat', 'sum-of-differences'] as const)('O3N paper with %s fusion: N + 1 = 6 classes', (fusion) => {
    const config = { ...TASK_PRESETS['odd-one-out'].paper, fusion };
    withModel(config, { backbone: 'alexnet', width: 1, seed: 1 }, (model) => {
      expect(model.tupleShape).toEqual([6, 6, 227, 227, 3]);
      expect(weightShape(model, 'head/classifier/kernel')).toEqual([fusion === 'concat' ? 6 * 4096 : 4096, 6]);
      expect(logitsShape(model, 1)).toEqual([1, 6]);
    });
  });

  it.each(['c3d', 'r3d', 'r2plus1d'] as const)('VCOP paper with %s: 512-d clips, pair fc 1024→512, fc 1536→6', (backbone) => {
    withModel(TASK_PRESETS['clip-order'].paper, { backbone, width: 1, seed: 1 }, (model) => {
      expect(model.tupleShape).toEqual([3, 16, 112, 112, 3]);
      expect(model.encoder.featureSize).toBe(512);
      expect(weightShape(model, 'head/pair_fc/kernel')).toEqual([1024, 512]);
      expect(weightShape(model, 'head/classifier/kernel')).toEqual([1536, 6]);
    });
    const small = { ...TASK_PRESETS['clip-order'].paper, clipLength: 4, cropSize: 16 };
    withModel(small, { backbone, width: 1, seed: 1 }, (model) => expect(logitsShape(model, 1)).toEqual([1, 6]));
  });

  it('shares one encoder across elements: the encoder alone gives each element its features', () => {
    withModel(TASK_PRESETS['sequence-sorting'].tiny, { backbone: 'alexnet', ...TINY }, (model) => {
      const batch = syntheticBatch(TASK_PRESETS['sequence-sorting'].tiny, 2, createRng('shared'));
      tf.tidy(() => {
        const inputs = tf.tensor(batch.inputs, [...batch.shape]);
        const frames = tf.reshape(inputs, [8, 32, 32, 3]);
        const together = model.encoder.apply(frames, EVALUATION);
        const alone = model.encoder.apply(tf.slice(frames, [5, 0, 0, 0], [1, -1, -1, -1]), EVALUATION);
        expectClose(alone.dataSync() as Float32Array, tf.slice(together, [5, 0], [1, -1]).dataSync() as Float32Array, 1e-5);
      });
      expect(model.params.every((param) => param.name.startsWith('encoder/') || param.name.startsWith('head/'))).toBe(true);
      expect(new Set(model.params.map((param) => param.name)).size).toBe(model.params.length);
    });
  });

  it('refuses a backbone that does not fit the task', () => {
    expect(() => buildTaskModel(TASK_PRESETS['clip-order'].tiny, { backbone: 'alexnet', ...TINY })).toThrow(
      'alexnet does not fit clip-order: use c3d, r3d or r2plus1d.',
    );
    expect(() => buildTaskModel(TASK_PRESETS['order-verification'].tiny, { backbone: 'c3d', ...TINY })).toThrow(
      'c3d does not fit order-verification: use alexnet.',
    );
  });

  it('leaves no tensor behind after building and disposing, or after a training step', async () => {
    const config = TASK_PRESETS['clip-order'].tiny;
    const before = tf.memory().numTensors;
    buildTaskModel(config, { backbone: 'r2plus1d', ...TINY }).dispose();
    expect(tf.memory().numTensors).toBe(before);

    const model = buildTaskModel(config, { backbone: 'r2plus1d', ...TINY });
    const optimizer = createMomentumSgd({ learningRate: 0.01, momentum: 0.9, weightDecay: 5e-4 });
    const batch = batchTensors(syntheticBatch(config, 2, createRng('leak')), model.tupleShape);
    const ready = tf.memory().numTensors;
    // The first step creates the momentum slots: one per trained weight.
    await trainStep(model, optimizer, batch, { seed: 1 });
    const afterFirst = tf.memory().numTensors;
    expect(afterFirst).toBe(ready + trainableParams(model).length);
    await trainStep(model, optimizer, batch, { seed: 2 });
    expect(tf.memory().numTensors).toBe(afterFirst);
    tf.dispose([batch.inputs, batch.labels]);
    model.dispose();
    optimizer.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

/** Loss and every weight's gradient of one training-mode pass. */
function lossAndGradients(model: TaskModel, batch: BatchTensors): Float32Array[] {
  return tf.tidy(() => {
    const loss = () => {
      const logits = model.apply(batch.inputs, { training: true, seed: 3 });
      return tf.losses.softmaxCrossEntropy(tf.oneHot(batch.labels, model.classCount), logits) as tf.Scalar;
    };
    const variables = trainableParams(model).map((param) => param.variable);
    const { value, grads } = tf.variableGrads(loss, variables);
    return [value, ...variables.map((variable) => grads[variable.name] as tf.Tensor)].map(
      (tensor) => tensor.dataSync() as Float32Array,
    );
  });
}

const SMALL: [string, TaskConfig, Backbone][] = [
  ['S&L', { ...TASK_PRESETS['order-verification'].tiny, cropSize: 16 }, 'alexnet'],
  ['OPN', { ...TASK_PRESETS['sequence-sorting'].tiny, patchSize: 16 }, 'alexnet'],
  ['O3N', { ...TASK_PRESETS['odd-one-out'].tiny, cropSize: 16 }, 'alexnet'],
  ['VCOP C3D', { ...TASK_PRESETS['clip-order'].tiny, cropSize: 12 }, 'c3d'],
  ['VCOP R3D', { ...TASK_PRESETS['clip-order'].tiny, cropSize: 12 }, 'r3d'],
  ['VCOP R(2+1)D', { ...TASK_PRESETS['clip-order'].tiny, cropSize: 12 }, 'r2plus1d'],
];

describe('training on wasm', () => {
  it.each(SMALL)('%s: the loss and every gradient match the cpu backend', async (_, config, backbone) => {
    const model = buildTaskModel(config, { backbone, ...TINY });
    const batch = batchTensors(syntheticBatch(config, 2, createRng('equal')), model.tupleShape);
    const onWasm = lossAndGradients(model, batch);
    await tf.setBackend('cpu');
    const onCpu = lossAndGradients(model, batch);
    await tf.setBackend('wasm');
    tf.dispose([batch.inputs, batch.labels]);
    model.dispose();
    onWasm.forEach((values, index) => expectClose(values, onCpu[index] as Float32Array, 1e-3));
  });
});
