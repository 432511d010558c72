/**
 * Training on WebGPU follows wasm's loss trajectory (same seed, same batches) for every task, and a
 * WebGPU error fails the step it happened in. Skipped, with the reason, where Dawn finds no adapter.
 */
import { describe, expect, it } from 'vitest';
import type { TaskId } from '../../shared/tasks.ts';
import { trainPreset, type Backbone, type TrainConfig } from '../../shared/training.ts';
import { registerBrokenKernel, runBrokenKernel, skipTitle, webgpuProblem } from '../compute/webgpu-test-support.ts';
import { pipelineBatch } from '../models/test-support.ts';
import { createTrainableModel } from './trainable.ts';

const noAdapter = await webgpuProblem();
const title = skipTitle(noAdapter);
registerBrokenKernel();

const STEPS = 3;


async function lossTrajectory(config: TrainConfig): Promise<number[]> {
  const model = await createTrainableModel(config);
  try {
    const losses: number[] = [];
    for (let step = 0; step < STEPS; step++) losses.push((await model.trainStep(pipelineBatch(config, step))).loss);
    losses.push((await model.evaluate(pipelineBatch(config, 99))).loss);
    return losses;
  } finally {
    model.dispose();
  }
}

describe.skipIf(noAdapter !== null)(title('training on WebGPU (dawn.node)'), () => {
  const tasks: [TaskId, Backbone][] = [
    ['order-verification', 'alexnet'],
    ['sequence-sorting', 'alexnet'],
    ['odd-one-out', 'alexnet'],
    ['clip-order', 'r3d'],
  ];
  it.each(tasks)('%s/%s (tiny): the losses of three steps and an evaluation match wasm', async (task, backbone) => {
    // One replica on both: a GPU runs one, and wasm's two would normalise each half batch on its own.
    const config: TrainConfig = { ...trainPreset(task, backbone, 'tiny'), batchSize: 4, replicas: 1 };
    const wasm = await lossTrajectory({ ...config, backend: 'wasm' });
    const webgpu = await lossTrajectory({ ...config, backend: 'webgpu' });
    // The weights moved: a wrong gradient would show by the third step.
    webgpu.forEach((loss, index) => expect(loss, `loss ${index}`).toBeCloseTo(wasm[index] as number, 3));
  });

  it('fails the step in which a kernel was invalid, naming the kernel', async () => {
    const config: TrainConfig = { ...trainPreset('sequence-sorting', 'alexnet', 'tiny'), batchSize: 2, backend: 'webgpu' };
    const model = await createTrainableModel(config);
    try {
      await model.trainStep(pipelineBatch(config, 0));
      runBrokenKernel();
      await expect(model.trainStep(pipelineBatch(config, 1))).rejects.toThrow(/WebGPU rejected the TestBrokenShader kernel/);
      await expect(model.trainStep(pipelineBatch(config, 2))).resolves.toMatchObject({ loss: expect.any(Number) });
    } finally {
      model.dispose();
    }
  });
});
