import { describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.ts';
import { backendReport, describeSelection, initBackend, TFJS_NODE_GPU_NEEDS } from './backend.ts';
import * as tf from './tf.ts';

describe('compute backends', () => {
  it('reports every backend, fastest first, with what auto picks and why the others cannot run', async () => {
    const report = await backendReport();
    expect(report.backends.map((backend) => backend.name)).toEqual(['tfjs-node-gpu', 'tfjs-node', 'webgpu', 'wasm', 'cpu']);
    expect(report.selected).toBe(report.backends.find((backend) => backend.available && !backend.autoSkips)?.name);
    for (const backend of report.backends) expect(backend.note.length).toBeGreaterThan(5);
  });

  it('initialises wasm from the package files, without fetching a URL', async () => {
    const selection = await initBackend('wasm');
    expect(selection).toEqual({ backend: 'wasm', choice: 'wasm', unavailable: [] });
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.tidy(() => tf.sum(tf.conv2d(tf.ones([1, 4, 4, 2]) as tf.Tensor4D, tf.ones([3, 3, 2, 1]) as tf.Tensor4D, 1, 'valid')).dataSync()[0])).toBe(72);
  });

  it('picks the fastest backend that runs and says why each faster one did not', async () => {
    const report = await backendReport();
    const selection = await initBackend('auto');
    expect(selection.backend).toBe(report.selected);
    const faster = report.backends.slice(0, report.backends.findIndex((backend) => backend.name === selection.backend));
    expect(selection.unavailable.map((entry) => entry.name)).toEqual(faster.map((backend) => backend.name));
    expect(describeSelection(selection)[0]).toBe(`using ${selection.backend}`);
  });

  it('refuses a forced backend that cannot run, with the reason', async () => {
    const report = await backendReport();
    const missing = report.backends.find((backend) => !backend.available);
    if (!missing) return; // every backend runs on this machine: nothing to refuse
    const choice = { 'tfjs-node-gpu': 'gpu', 'tfjs-node': 'node', webgpu: 'webgpu', wasm: 'wasm', cpu: 'cpu' } as const;
    const attempt = initBackend(choice[missing.name as keyof typeof choice]);
    await expect(attempt).rejects.toBeInstanceOf(ApiError);
    await expect(attempt).rejects.toMatchObject({ code: 'UNSUPPORTED', message: expect.stringContaining(missing.note) });
  });

  it('names what tfjs-node-gpu needs whenever it cannot run', async () => {
    const gpu = (await backendReport()).backends.find((backend) => backend.name === 'tfjs-node-gpu');
    if (gpu?.available) return; // CUDA 11 works here
    expect(gpu?.note).toContain(TFJS_NODE_GPU_NEEDS);
    expect(TFJS_NODE_GPU_NEEDS).toMatch(/CUDA 11\.2.*cuDNN 8\.1.*x64 Linux or Windows/);
    await expect(initBackend('gpu')).rejects.toMatchObject({ message: expect.stringContaining(TFJS_NODE_GPU_NEEDS) });
  });

  it('switches to cpu on request', async () => {
    expect((await initBackend('cpu')).backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
  });
});
