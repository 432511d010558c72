import { afterEach, describe, expect, it } from 'vitest';
import { trainPreset } from '@shared/training.ts';
import { Notices } from '../lib/notices/notices.svelte.ts';
import { RealApi } from '../../../test-backend/real-api.ts';
import { TrainState } from './train-state.svelte.ts';

let api: RealApi | null = null;
afterEach(async () => {
  // Closing the library stops a run the test started.
  await api?.close();
  api = null;
});

async function setup() {
  api = new RealApi();
  const { path } = await api.openUiLibrary();
  const notices = new Notices();
  const train = new TrainState(api, notices, { redrawMs: 0, task: 'sequence-sorting' });
  train.listen();
  await train.activate(path);
  return { api, notices, train, path };
}

describe('TrainState', () => {
  it('starts the form’s config and selects the new run', async () => {
    const { api, train } = await setup();
    expect(train.canStart).toBe(true);
    train.form.setParam('steps', 20);
    const run = await train.start();
    expect(run?.config.steps).toBe(20);
    expect(api.callsOf('training.start')[0]?.config).toMatchObject({ steps: 20, backbone: 'alexnet', task: { task: 'sequence-sorting' } });
    await api.settled();
    expect(train.runs.selectedId).toBe(run?.id);
    expect(train.canStart).toBe(false); // one run at a time
    expect(await train.start()).toBeNull();
    expect(api.callsOf('training.start')).toHaveLength(1);
  });

  it('puts the schema’s complaints on the form’s fields and in the notices', async () => {
    const { api, notices, train } = await setup();
    train.form.setParam('task.patchSize', 500);
    train.form.setParam('steps', 0);
    expect(await train.start()).toBeNull();
    expect(await api.call('training.runs', {})).toEqual([]);
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
    const { api, train, path } = await setup();
    const run = api.recordRun(trainPreset('sequence-sorting', 'alexnet', 'tiny'));
    await train.activate(path);
    await train.runs.select(run.id);
    expect(train.runs.runs).toHaveLength(1);
    const other = await api.openLibrary('other.pretext');
    await train.activate(other.path);
    expect(train.runs.runs).toEqual([]);
    expect(train.runs.selectedId).toBeNull();
    // The form is kept: it describes a run, not a library.
    expect(train.form.config?.task.task).toBe('sequence-sorting');
  });
});
