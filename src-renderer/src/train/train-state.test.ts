import { describe, expect, it } from 'vitest';
import { Notices } from '../lib/notices/notices.svelte.ts';
import { FakeApi, makeRun, settle } from '../lib/testing/fake-api.ts';
import { TrainState } from './train-state.svelte.ts';

function setup(api: FakeApi) {
  const notices = new Notices();
  const train = new TrainState(api, notices, { redrawMs: 0, task: 'sequence-sorting' });
  train.listen();
  return { api, notices, train };
}

describe('TrainState', () => {
  it('starts the form’s config and selects the new run', async () => {
    const { api, train } = setup(new FakeApi({ openPath: '/lib' }));
    await train.activate('/lib');
    expect(train.canStart).toBe(true);
    train.form.setParam('steps', 20);
    const run = await train.start();
    expect(run?.config.steps).toBe(20);
    expect(api.callsOf('training.start')[0]?.config).toMatchObject({ steps: 20, backbone: 'alexnet', task: { task: 'sequence-sorting' } });
    await settle();
    expect(train.runs.selectedId).toBe(run?.id);
    expect(train.canStart).toBe(false); // one run at a time
    expect(await train.start()).toBeNull();
    expect(api.callsOf('training.start')).toHaveLength(1);
  });

  it('puts the schema’s complaints on the form’s fields and in the notices', async () => {
    const { api, notices, train } = setup(new FakeApi({ openPath: '/lib' }));
    await train.activate('/lib');
    train.form.setParam('task.patchSize', 500);
    train.form.setParam('steps', 0);
    expect(await train.start()).toBeNull();
    expect(api.runs).toEqual([]);
    expect(train.form.fieldErrors).toMatchObject({
      'task.patchSize': 'patchSize must fit inside frameSize',
      steps: 'steps must be at least 1',
    });
    expect(notices.items.at(-1)?.message).toContain('config.task.patchSize');
    train.form.setParam('task.patchSize', 40);
    train.form.setParam('steps', 10);
    expect(await train.start()).not.toBeNull();
    expect(train.form.fieldErrors).toEqual({});
    expect(notices.items).toEqual([]);
  });

  it('drops the runs of the previous library', async () => {
    const api = new FakeApi({ knownLibraries: ['/a', '/b'], openPath: '/a', runs: [makeRun(1)] });
    const { train } = setup(api);
    await train.activate('/a');
    await train.runs.select(1);
    expect(train.runs.runs).toHaveLength(1);
    api.openPath = '/b';
    api.runs = [];
    await train.activate('/b');
    expect(train.runs.runs).toEqual([]);
    expect(train.runs.selectedId).toBeNull();
    // The form is kept: it describes a run, not a library.
    expect(train.form.config?.task.task).toBe('sequence-sorting');
  });
});
