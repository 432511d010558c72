import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '@shared/errors.ts';
import { Notices } from '../lib/notices/notices.svelte.ts';
import { deferred } from '../lib/testing/async.ts';
import { softwareOnlyBackendReport } from '../lib/testing/stubs.ts';
import { RealApi } from '../../../test-backend/real-api.ts';
import type { GroupField } from '../lib/config-form/config-fields.ts';
import { BACKENDS_CONTEXT, PRESET_CONTEXT, TrainFormState, type TrainFormOptions } from './train-form-state.svelte.ts';

let backends: RealApi[] = [];
afterEach(async () => {
  await Promise.all(backends.map((api) => api.close()));
  backends = [];
});

/**
 * The real backend (presets need no library). Which compute backends this machine has is not the
 * test's to choose: the report is a software-only machine's.
 */
function backend(): RealApi {
  const api = new RealApi();
  backends.push(api);
  api.override('training.backends', () => softwareOnlyBackendReport());
  return api;
}

async function loaded(options: TrainFormOptions = {}, api = backend()) {
  const notices = new Notices();
  const form = new TrainFormState(api, notices, options);
  await form.load();
  return { api, notices, form };
}

describe('TrainFormState', () => {
  it('loads the tiny preset of the first task and the backend report', async () => {
    const { api, form } = await loaded();
    expect(api.callsOf('training.preset')).toEqual([{ task: 'order-verification', backbone: 'alexnet', preset: 'tiny' }]);
    expect(form.config?.task.task).toBe('order-verification');
    expect(form.config?.steps).toBe(300);
    expect(form.ready).toBe(true);
    expect(form.modified).toEqual([]);
    expect(form.backends?.selected).toBe('wasm');
    expect(form.backend).toBe('auto');
    const paths = form.fields.map((f) => f.path);
    expect(paths).toContain('steps');
    expect(paths).not.toContain('backend');
    expect(paths).not.toContain('backbone');
    const task = form.fields.find((f) => f.path === 'task') as GroupField;
    expect(task.fields.map((f) => f.path)).toContain('task.cropSize');

    await form.load();
    expect(api.callsOf('training.preset')).toHaveLength(1); // nothing missing: nothing reloaded
    expect(api.callsOf('training.backends')).toHaveLength(1);
  });

  it('offers the backbones a task takes and keeps the schedule edits across tasks', async () => {
    const { api, form } = await loaded({ task: 'sequence-sorting' });
    expect(form.backboneOptions).toEqual(['alexnet']);
    form.setParam('steps', 20);
    form.setParam('task.jitter', 3);
    expect(form.modified).toEqual(['steps', 'task.jitter']);

    await form.selectTask('clip-order');
    expect(form.backboneOptions).toEqual(['c3d', 'r3d', 'r2plus1d']);
    expect(form.backbone).toBe('c3d');
    expect(api.callsOf('training.preset').at(-1)).toEqual({ task: 'clip-order', backbone: 'c3d', preset: 'tiny' });
    expect(form.config?.task.task).toBe('clip-order');
    expect(form.config?.backbone).toBe('c3d');
    expect(form.config?.steps).toBe(20);
    expect(form.modified).toEqual(['steps']);

    // Another backbone keeps every edit, the task's included.
    form.setParam('task.clipLength', 5);
    await form.selectBackbone('r3d');
    expect(form.config).toMatchObject({ backbone: 'r3d', steps: 20, task: { clipLength: 5 } });
    // A backbone the task does not take is refused without a request.
    const calls = api.callsOf('training.preset').length;
    await form.selectBackbone('alexnet');
    expect(form.backbone).toBe('r3d');
    expect(api.callsOf('training.preset')).toHaveLength(calls);

    await form.selectTask('odd-one-out');
    expect(form.backbone).toBe('alexnet');
  });

  it('switches presets: a fresh copy, edits dropped, the form re-rendered', async () => {
    const { api, form } = await loaded({ task: 'sequence-sorting' });
    form.setParam('steps', 20);
    form.setBackend('cpu');
    expect(form.modified).toEqual(['steps', 'backend']);
    const generation = form.formGeneration;

    await form.selectPreset('paper');
    expect(api.callsOf('training.preset').at(-1)).toEqual({ task: 'sequence-sorting', backbone: 'alexnet', preset: 'paper' });
    expect(form.preset).toBe('paper');
    expect(form.config?.steps).toBe(100_000);
    expect(form.config?.backend).toBe('auto');
    expect(form.config?.width).toBe(1);
    expect(form.modified).toEqual([]);
    expect(form.formGeneration).toBeGreaterThan(generation);

    await form.selectPreset('tiny');
    expect(form.config?.steps).toBe(300);
    form.setParam('seed', 7);
    await form.resetConfig();
    expect(form.config?.seed).toBe(632);
  });

  it('uses only the latest preset answer', async () => {
    const api = backend();
    const { form } = await loaded({}, api);
    // The sequence-sorting answer is held back until the odd-one-out one has come.
    const held = deferred<void>();
    api.override('training.preset', async (input, real) => {
      if (input.task === 'sequence-sorting') await held.promise;
      return real(input);
    });
    const first = form.selectTask('sequence-sorting');
    expect(form.ready).toBe(false); // the config is still the old task's
    await form.selectTask('odd-one-out');
    expect(form.config?.task.task).toBe('odd-one-out');
    held.resolve();
    await first;
    expect(form.config?.task.task).toBe('odd-one-out');
    expect(form.taskId).toBe('odd-one-out');
    expect(form.ready).toBe(true);
  });

  it('reports a failed preset and cannot start without one', async () => {
    const api = backend();
    api.failNext('training.preset', new ApiError('INTERNAL', 'preset table missing'));
    api.failNext('training.backends', new ApiError('INTERNAL', 'probe crashed'));
    const { form, notices } = await loaded({}, api);
    expect(form.config).toBeNull();
    expect(form.ready).toBe(false);
    expect(form.presetError).toBe('preset table missing');
    expect(form.backends).toBeNull();
    expect(notices.items.map((n) => [n.context, n.message])).toEqual([
      [PRESET_CONTEXT, 'preset table missing'],
      [BACKENDS_CONTEXT, 'probe crashed'],
    ]);
    await form.load();
    expect(form.ready).toBe(true);
    expect(form.backends).not.toBeNull();
    expect(notices.items).toEqual([]);
  });

  it('puts the schema’s complaints and unparsable input on fields', async () => {
    const { form } = await loaded();
    form.setFieldError('steps', 'Steps must be a number');
    expect(form.fieldErrors).toEqual({ steps: 'Steps must be a number' });
    form.setParam('steps', 10);
    expect(form.fieldErrors).toEqual({});
    form.showStartError(
      new ApiError('INVALID_INPUT', 'Invalid input for training.start: …', [
        { path: 'config.task.cropSize', message: 'cropSize must fit inside frameSize' },
        { path: 'config.steps', message: 'steps must be at least 1' },
      ]),
    );
    expect(form.fieldErrors).toEqual({ 'task.cropSize': 'cropSize must fit inside frameSize', steps: 'steps must be at least 1' });
    form.clearFieldErrors();
    expect(form.fieldErrors).toEqual({});
  });
});
