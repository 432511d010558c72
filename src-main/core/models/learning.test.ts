/**
 * Each task's tiny network learns its pretext task on synthetic videos whose brightness rises or
 * falls steadily: the label follows from the frames' temporal order alone. Fixed seeds, the app's
 * backend here (wasm with the registered kernels), accuracy measured on held-out tuples.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { classCount, TASK_PRESETS, type TaskConfig } from '../../shared/tasks.ts';
import type { Backbone } from '../../shared/training.ts';
import { initBackend } from '../compute/backend.ts';
import * as tf from '../compute/tf.ts';
import { createRng } from '../tasks/rng.ts';
import { createMomentumSgd } from './sgd.ts';
import { buildTaskModel } from './task-models.ts';
import { syntheticBatch } from './test-support.ts';
import { evaluateStep, trainStep } from './train-step.ts';
import { batchTensors } from './tuple-input.ts';

beforeAll(async () => {
  await initBackend('wasm');
});

interface Lesson {
  config: TaskConfig;
  backbone: Backbone;
  steps: number;
  batchSize: number;
  learningRate: number;
  /** Held-out accuracy to reach, well above chance (1 / classes). */
  atLeast: number;
}

/** Trains from scratch and returns the accuracy on 192 held-out tuples. */
async function heldOutAccuracy(lesson: Lesson): Promise<number> {
  const { config, backbone } = lesson;
  // Dropout off: a few dozen steps are too few for it to pay.
  const model = buildTaskModel(config, { backbone, width: 1 / 16, seed: 3, dropout: 0 });
  const optimizer = createMomentumSgd({ learningRate: lesson.learningRate, momentum: 0.9, weightDecay: 5e-4 });
  const rng = createRng(`lesson/${config.task}`);
  for (let step = 0; step < lesson.steps; step++) {
    const batch = batchTensors(syntheticBatch(config, lesson.batchSize, rng.fork(step)), model.tupleShape);
    await trainStep(model, optimizer, batch, { seed: step });
    tf.dispose([batch.inputs, batch.labels]);
  }
  const heldOut = batchTensors(syntheticBatch(config, 192, createRng('held-out')), model.tupleShape);
  const { accuracy } = await evaluateStep(model, heldOut);
  tf.dispose([heldOut.inputs, heldOut.labels]);
  model.dispose();
  optimizer.dispose();
  return accuracy;
}

const LESSONS: [string, Lesson][] = [
  ['S&L order verification (chance 1/2)', { config: TASK_PRESETS['order-verification'].tiny, backbone: 'alexnet', steps: 30, batchSize: 16, learningRate: 0.01, atLeast: 0.8 }],
  ['OPN sequence sorting (chance 1/12)', { config: TASK_PRESETS['sequence-sorting'].tiny, backbone: 'alexnet', steps: 40, batchSize: 16, learningRate: 0.03, atLeast: 0.35 }],
  ['O3N odd-one-out, concatenation (chance 1/4)', { config: { ...TASK_PRESETS['odd-one-out'].tiny, fusion: 'concat' }, backbone: 'alexnet', steps: 40, batchSize: 16, learningRate: 0.005, atLeast: 0.6 }],
  ['O3N odd-one-out, sum of differences (chance 1/4)', { config: TASK_PRESETS['odd-one-out'].tiny, backbone: 'alexnet', steps: 60, batchSize: 16, learningRate: 0.003, atLeast: 0.375 }],
  ['VCOP clip order, R3D (chance 1/6)', { config: TASK_PRESETS['clip-order'].tiny, backbone: 'r3d', steps: 40, batchSize: 8, learningRate: 0.01, atLeast: 0.5 }],
];

describe('learning the pretext tasks', () => {
  it.each(LESSONS)('%s: well above chance on held-out tuples', async (_, lesson) => {
    const accuracy = await heldOutAccuracy(lesson);
    expect(accuracy).toBeGreaterThan(1 / classCount(lesson.config));
    expect(accuracy).toBeGreaterThanOrEqual(lesson.atLeast);
  });
});
