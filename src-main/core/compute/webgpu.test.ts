/**
 * The WebGPU backend against the cpu reference, on whatever adapter Dawn finds (in CI: Mesa's
 * lavapipe from bookworm-backports, see .ci/run). Where there is none, the WebGPU tests skip and
 * their title says why; the adapter classification runs everywhere.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { TaskId } from '../../shared/tasks.ts';
import { trainPreset, type Backbone } from '../../shared/training.ts';
import { syntheticBatch } from '../models/test-support.ts';
import { buildTaskModel } from '../models/task-models.ts';
import { clipFeatures } from '../retrieval/encode.ts';
import { createRng } from '../tasks/rng.ts';
import { backendReport, initBackend } from './backend.ts';
import { checkBackend } from './backend-check.ts';
import { conv2dCases, conv3dCases, maxPool3dCases, maxPoolCases, valueAndGradients } from './kernel-cases.ts';
import { expectBackendMatchesCpu, expectClose, randomHostTensor, type HostTensor } from './test-support.ts';
import * as tf from './tf.ts';
import { summarizeAdapter } from './webgpu-adapter.ts';
import { BROKEN_KERNEL, registerBrokenKernel, runBrokenKernel, skipTitle, webgpuProblem } from './webgpu-test-support.ts';

const noAdapter = await webgpuProblem();
const title = skipTitle(noAdapter);
registerBrokenKernel();

const host = (shape: number[], seed: string): HostTensor => randomHostTensor(shape, seed);

describe('WebGPU adapters', () => {
  it('counts CPU implementations and fallback adapters as software, real GPUs not', () => {
    const lavapipe = { vendor: 'mesa', architecture: 'software', device: 'llvmpipe-llvm-15-0-6-256-bits-', description: 'llvmpipe: Mesa 25.0.7' };
    expect(summarizeAdapter({ info: lavapipe }).software).toBe(true);
    expect(summarizeAdapter({ info: { vendor: 'google', architecture: 'swiftshader', device: '', description: '' } }).software).toBe(true);
    expect(summarizeAdapter({ info: { vendor: 'google', architecture: '', device: '', description: '', isFallbackAdapter: true } }).software).toBe(true);
    expect(summarizeAdapter({ info: { vendor: '', architecture: '', device: '', description: 'SwiftShader Device (Subzero)' } }).software).toBe(true);
    expect(summarizeAdapter({ info: { vendor: '', architecture: '', device: '', description: '' }, isFallbackAdapter: true }).software).toBe(true);
    const nvidia = { vendor: 'nvidia', architecture: 'hopper', device: '0x2335', description: 'NVIDIA H200' };
    expect(summarizeAdapter({ info: nvidia })).toEqual({ ...nvidia, software: false, isFallbackAdapter: false });
  });
});

describe.skipIf(noAdapter !== null)(title('WebGPU backend (dawn.node)'), () => {
  beforeAll(async () => {
    await initBackend('webgpu');
  });

  it('auto passes a software adapter by and says why; the report still names the adapter', async () => {
    const report = await backendReport();
    const entry = report.backends.find((backend) => backend.name === 'webgpu');
    expect(entry?.adapter?.vendor).toBeTypeOf('string');
    if (!entry?.adapter?.software) return; // a real GPU: auto may pick it
    expect(entry.autoSkips).toMatch(/software.*auto passes it by/);
    expect(report.selected).not.toBe('webgpu');
    const selection = await initBackend('auto');
    expect(selection.backend).not.toBe('webgpu');
    expect(selection.unavailable.find((skipped) => skipped.name === 'webgpu')?.reason).toBe(entry.autoSkips);
    expect((await initBackend('webgpu')).adapter).toEqual(entry.adapter);
  });

  it.each(conv2dCases)('conv2d %s: value and both gradients match cpu', async (_, xShape, filterShape, strides, pad) => {
    await expectBackendMatchesCpu(
      'webgpu',
      [host(xShape, 'x'), host(filterShape, 'filter')],
      valueAndGradients((x, filter) => tf.conv2d(x as tf.Tensor4D, filter as tf.Tensor4D, strides, pad)),
    );
    await checkBackend();
  });

  it.each(conv3dCases)('conv3d %s: value and both gradients match cpu', async (_, xShape, filterShape, strides, pad) => {
    await expectBackendMatchesCpu(
      'webgpu',
      [host(xShape, 'x'), host(filterShape, 'filter')],
      valueAndGradients((x, filter) => tf.conv3d(x as tf.Tensor5D, filter as tf.Tensor5D, strides, pad)),
    );
    await checkBackend();
  });

  it.each(maxPoolCases)('maxPool %s: value and gradient match cpu', async (_, xShape, size, strides, pad) => {
    await expectBackendMatchesCpu('webgpu', [host(xShape, 'x')], valueAndGradients((x) => tf.maxPool(x as tf.Tensor4D, size, strides, pad)));
    await checkBackend();
  });

  it.each(maxPool3dCases)('maxPool3d %s: value and gradient match cpu', async (_, xShape, size, strides, pad) => {
    await expectBackendMatchesCpu('webgpu', [host(xShape, 'x')], valueAndGradients((x) => tf.maxPool3d(x as tf.Tensor5D, size, strides, pad)));
    await checkBackend();
  });

  it('adds and concatenates more tensors than one shader can bind (41, as the weight decay of R3D)', async () => {
    const inputs = Array.from({ length: 41 }, (_, index) => host([3, 5], `term ${index}`));
    await expectBackendMatchesCpu('webgpu', inputs, (...xs) => [tf.addN(xs), tf.concat(xs, 1), tf.stack(xs)]);
    await checkBackend();
  });

  it('averages and sums over more rows than one dispatch dimension holds (BatchNorm statistics and their gradients on a paper-size clip batch)', async () => {
    // 1.2 M rows per channel: tfjs's transpose of them needs over 65,535 workgroups in one dimension, as
    // the 4.8 M of 24 clips × 16 × 112 × 112 did on an H200.
    const x = host([2, 600_000, 2], 'rows');
    await expectBackendMatchesCpu('webgpu', [x], (t) => [
      tf.mean(t, [0, 1]),
      tf.mean(t, [0, 1], true),
      tf.sum(t, [0, 1]),
      tf.moments(tf.reshape(t, [-1, 2]), 0).variance,
      ...valueAndGradients((input) => tf.mean(tf.square(input), [0, 1]))(t),
    ]);
    await checkBackend();
  });

  const models: [TaskId, Backbone][] = [
    ['order-verification', 'alexnet'],
    ['sequence-sorting', 'alexnet'],
    ['odd-one-out', 'alexnet'],
    ['clip-order', 'c3d'],
    ['clip-order', 'r3d'],
    ['clip-order', 'r2plus1d'],
  ];
  it.each(models)('%s/%s (tiny): logits, loss gradients of every weight and encoder features match cpu', async (task, backbone) => {
    const config = trainPreset(task, backbone, 'tiny');
    const batch = syntheticBatch(config.task, 2, createRng(`${task}/${backbone}`));
    // A model per backend (the same seeded weights): the training pass moves BatchNorm's statistics.
    const run = async (backend: string) => {
      await tf.setBackend(backend);
      const model = buildTaskModel(config.task, { backbone, width: config.width, seed: 1, dropout: 0 });
      const outputs = tf.tidy(() => {
        const inputs = tf.tensor(batch.inputs, [...batch.shape]);
        const labels = tf.oneHot(tf.tensor1d(batch.labels, 'int32'), model.classCount);
        const variables = model.params.filter((param) => param.trainable).map((param) => param.variable);
        const { value, grads } = tf.variableGrads(
          () => tf.losses.softmaxCrossEntropy(labels, model.apply(inputs, { training: true })) as tf.Scalar,
          variables,
        );
        // Feature extraction's path: every element of the batch as a clip.
        const features = clipFeatures(model.encoder, tf.reshape<tf.Rank>(inputs, [-1, ...batch.shape.slice(2)]) as tf.Tensor5D);
        return [value, features, ...variables.map((variable) => grads[variable.name] as tf.Tensor)];
      });
      const values = await Promise.all(outputs.map((output) => output.data() as Promise<Float32Array>));
      tf.dispose(outputs);
      model.dispose();
      return values;
    };
    const expected = await run('cpu');
    const actual = await run('webgpu');
    await checkBackend();
    expect(actual.length).toBe(expected.length);
    actual.forEach((values, index) => expectClose(values, expected[index] as Float32Array, 1e-3));
  });

  it('names the kernel when tfjs refuses a shape before WebGPU sees it (a dispatch over the device limits)', async () => {
    await tf.setBackend('webgpu');
    const batch = 70_000; // BatchMatMul dispatches one workgroup row per matrix: over maxComputeWorkgroupsPerDimension
    expect(() => tf.tidy(() => tf.matMul(tf.ones([batch, 1, 1]), tf.ones([batch, 1, 1])))).toThrow(
      /WebGPU cannot run the BatchMatMul kernel: Dispatch size exceeds WebGPU limits/,
    );
    await expect(checkBackend()).resolves.toBeUndefined();
  });

  it('fails the check with the kernel and the device message when a kernel is invalid, then recovers', async () => {
    await tf.setBackend('webgpu');
    runBrokenKernel();
    await expect(checkBackend()).rejects.toThrow(new RegExp(`WebGPU rejected the ${BROKEN_KERNEL} kernel: .*undefinedValue`, 's'));
    await expect(checkBackend()).resolves.toBeUndefined();
  });
});
