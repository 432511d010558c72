import { afterEach, describe, expect, it } from 'vitest';
import type { RunDetail, TrainingProgress } from '@shared/dto.ts';
import { ApiError } from '@shared/errors.ts';
import { trainConfigSchema, trainPreset } from '@shared/training.ts';
import { Notices } from '../lib/notices/notices.svelte.ts';
import { deferred, settle } from '../lib/testing/async.ts';
import { metricPoint } from '../lib/testing/stubs.ts';
import { RealApi } from '../../../test-backend/real-api.ts';
import { CANCEL_CONTEXT, RESUME_CONTEXT, RunsState, START_CONTEXT, type RunsStateOptions } from './runs-state.svelte.ts';

const steps = (points: readonly { step: number }[]) => points.map((p) => p.step);
const CONFIG = trainPreset('sequence-sorting', 'alexnet', 'tiny');

let backends: RealApi[] = [];
afterEach(async () => {
  await Promise.all(backends.map((api) => api.close()));
  backends = [];
});

/** An empty library on the real backend; runs are recorded into it (no training). */
async function library(): Promise<RealApi> {
  const api = new RealApi();
  backends.push(api);
  await api.openLibrary();
  return api;
}

async function active(api: RealApi, options: RunsStateOptions = { redrawMs: 0 }) {
  const notices = new Notices();
  const runs = new RunsState(api, notices, options);
  const stop = runs.listen();
  await runs.activate();
  return { api, notices, runs, stop };
}

/** Two finished runs: 1 completed with a series and checkpoints, 2 cancelled at step 150 (checkpoint 100). */
async function history(): Promise<RealApi> {
  const api = await library();
  api.recordRun(CONFIG, {
    metrics: [1, 2, 3].map((s) => metricPoint('train', s * 100)).concat([metricPoint('validation', 300, { accuracy: 0.5 })]),
    checkpoints: [
      { step: 150, validationAccuracy: 0.4 },
      { step: 300, validationAccuracy: 0.5 },
    ],
  });
  api.recordRun(CONFIG, {
    status: 'cancelled',
    metrics: [50, 100, 150].map((s) => metricPoint('train', s)),
    checkpoints: [{ step: 100, validationAccuracy: 0.3 }],
  });
  return api;
}

/** What a training run reports between steps (a test emits it on the real event hub). */
function progress(api: RealApi, runId: number, fields: Partial<Omit<TrainingProgress, 'runId'>>): void {
  api.events.emit('training.progress', {
    runId, phase: 'training', step: 0, totalSteps: CONFIG.steps, stepsPerSecond: null, etaSeconds: null,
    dataWaitShare: null, backend: null, message: null, ...fields,
  });
}

/** A run recorded as running in this process (as if another window trained it) at `step`. */
function running(api: RealApi, step: number, points = [] as ReturnType<typeof metricPoint>[]): number {
  return api.recordRun(CONFIG, { status: 'running', step, metrics: points }).id;
}

describe('RunsState list and selection', () => {
  it('lists the runs newest first and loads a selected run’s series and checkpoints', async () => {
    const { runs, api } = await active(await history());
    expect(runs.loaded).toBe(true);
    expect(runs.runs.map((r) => r.id)).toEqual([2, 1]);
    expect(runs.rows.map((r) => [r.run.id, r.resumable, r.step])).toEqual([
      [2, true, 150],
      [1, false, 300],
    ]);

    await runs.select(1);
    expect(api.callsOf('training.run')).toEqual([{ runId: 1 }]);
    expect(runs.selectedRun?.id).toBe(1);
    expect(steps(runs.selectedSeries.train)).toEqual([100, 200, 300]);
    expect(steps(runs.selectedSeries.validation)).toEqual([300]);
    expect(runs.checkpoints.map((c) => [c.step, c.isBest])).toEqual([
      [150, false],
      [300, true],
    ]);

    await runs.select(null);
    expect(runs.selectedRun).toBeNull();
    expect(runs.selectedSeries.train).toEqual([]);
    expect(runs.checkpoints).toEqual([]);
  });

  it('shows only the latest selected run when answers come out of order', async () => {
    const api = await history();
    const { runs } = await active(api);
    const slow = deferred<RunDetail>();
    let real!: (input: { runId: number }) => Promise<RunDetail>;
    api.override('training.run', (input, handler) => {
      real = handler;
      return input.runId === 1 ? slow.promise : handler(input);
    });
    const first = runs.select(1);
    await runs.select(2);
    slow.resolve(await real({ runId: 1 }));
    await first;
    expect(runs.selectedId).toBe(2);
    expect(runs.detail?.run.id).toBe(2);
    expect(steps(runs.selectedSeries.train)).toEqual([50, 100, 150]);
  });
});

describe('RunsState live events', () => {
  it('starts a run, selects it and follows its progress, metrics and end', async () => {
    const api = await library();
    // The run is recorded as started, without training: the test plays its events.
    api.override('training.start', ({ config }) => api.recordRun(trainConfigSchema.parse(config), { status: 'running', step: 0 }));
    const { runs } = await active(api);
    const config = { ...CONFIG, steps: 20 };
    const result = await runs.start(config);
    expect(result.ok).toBe(true);
    expect(api.callsOf('training.start')).toEqual([{ config }]);
    await settle();
    expect(runs.selectedId).toBe(1);
    expect(runs.running.map((r) => r.id)).toEqual([1]);
    expect(runs.busy).toBe(true);

    progress(api, 1, { phase: 'preparing', step: 0, message: 'computing motion 3 / 16' });
    expect(runs.selectedProgress).toMatchObject({ phase: 'preparing', message: 'computing motion 3 / 16' });
    progress(api, 1, { step: 5, stepsPerSecond: 2, etaSeconds: 8, dataWaitShare: 0.05, backend: 'wasm' });
    api.trainingMetrics(1, [1, 2, 3, 4, 5].map((s) => metricPoint('train', s)));
    api.trainingMetrics(1, [metricPoint('validation', 5, { accuracy: 0.25 })]);
    expect(runs.selectedProgress).toMatchObject({ phase: 'training', step: 5, backend: 'wasm' });
    expect(steps(runs.selectedSeries.train)).toEqual([1, 2, 3, 4, 5]);
    expect(runs.rows[0]).toMatchObject({ step: 5, bestValidationAccuracy: 0.25, backend: 'wasm' });

    const refreshes = api.callsOf('training.runs').length;
    api.trainingFinished(1, 'completed');
    expect(runs.runs[0]?.status).toBe('completed');
    expect(runs.progress.size).toBe(0);
    expect(runs.selectedProgress).toBeNull();
    expect(runs.busy).toBe(false);
    await settle();
    expect(api.callsOf('training.runs').length).toBe(refreshes + 1);
    expect(api.callsOf('training.run').length).toBeGreaterThanOrEqual(2); // reloaded for its checkpoints
    expect(steps(runs.selectedSeries.train)).toEqual([1, 2, 3, 4, 5]);
  });

  it('keeps events of another run out of the selected run', async () => {
    const api = await history();
    const other = running(api, 10);
    const { runs } = await active(api);
    await runs.select(1);
    const before = runs.selectedSeries.version;

    progress(api, other, { step: 11 });
    api.trainingMetrics(other, [metricPoint('train', 11), metricPoint('validation', 300, { accuracy: 0.99 })]);
    expect(runs.selectedProgress).toBeNull();
    expect(runs.progress.get(other)?.step).toBe(11);
    expect(runs.selectedSeries.version).toBe(before); // no redraw for another run's points
    expect(steps(runs.selectedSeries.train)).toEqual([100, 200, 300]);
    expect(runs.selectedSeries.validation.map((p) => p.accuracy)).toEqual([0.5]);
    expect(runs.rows.find((r) => r.run.id === other)).toMatchObject({ step: 11, bestValidationAccuracy: 0.99 });
    expect(runs.rows.find((r) => r.run.id === 1)?.bestValidationAccuracy).toBe(0.5);

    // Selecting the running run shows what it emitted before, merged with what is stored.
    await runs.select(other);
    expect(steps(runs.selectedSeries.train)).toEqual([11]);
    expect(runs.selectedProgress?.step).toBe(11);
  });

  it('joins live points to a loaded series without duplicates (one per split and step)', async () => {
    const api = await library();
    const id = running(api, 3, [1, 2, 3].map((s) => metricPoint('train', s)));
    const { runs } = await active(api);
    await runs.select(id);
    // The event of step 3 was already stored when the detail loaded; 4 is new (sent twice).
    api.events.emit('training.metrics', { runId: id, points: [metricPoint('train', 3)], probes: [] });
    api.trainingMetrics(id, [metricPoint('train', 4)]);
    api.events.emit('training.metrics', { runId: id, points: [metricPoint('train', 4)], probes: [] });
    expect(steps(runs.selectedSeries.train)).toEqual([1, 2, 3, 4]);
    // A reload (e.g. after a checkpoint) merges again without doubling.
    await runs.select(id);
    expect(steps(runs.selectedSeries.train)).toEqual([1, 2, 3, 4]);
    api.events.emit('training.metrics', {
      runId: id, points: [metricPoint('validation', 4, { accuracy: 0.5 }), metricPoint('validation', 4, { accuracy: 0.6 })], probes: [],
    });
    expect(runs.selectedSeries.validation.map((p) => [p.step, p.accuracy])).toEqual([[4, 0.6]]);
  });

  it('reloads the checkpoints of the selected run when one was saved', async () => {
    const api = await library();
    const id = running(api, 40);
    const { runs } = await active(api);
    await runs.select(id);
    expect(runs.checkpoints).toEqual([]);
    progress(api, id, { phase: 'checkpointing', step: 50 });
    api.trainingCheckpoint(id, 50, 0.4);
    progress(api, id, { phase: 'training', step: 51 });
    await settle();
    expect(runs.checkpoints.map((c) => [c.step, c.isBest])).toEqual([[50, true]]);
  });

  it('lists a run it hears about but does not know (started elsewhere)', async () => {
    const api = await library();
    const { runs } = await active(api);
    const id = running(api, 0);
    progress(api, id, { phase: 'preparing', step: 0 });
    await settle();
    expect(runs.runs.map((r) => r.id)).toEqual([id]);
    expect(runs.running.map((r) => r.id)).toEqual([id]);
  });

  it('redraws live series at most every redrawMs', async () => {
    const api = await library();
    const id = running(api, 0);
    const { runs, stop } = await active(api, { redrawMs: 40 });
    await runs.select(id);
    const loaded = runs.selectedSeries.version;
    api.trainingMetrics(id, [metricPoint('train', 1)]);
    const first = runs.selectedSeries.version;
    expect(first).toBe(loaded + 1); // the first change shows at once
    for (let s = 2; s <= 10; s++) api.trainingMetrics(id, [metricPoint('train', s)]);
    expect(runs.selectedSeries.version).toBe(first);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(runs.selectedSeries.version).toBe(first + 1);
    expect(runs.selectedSeries.train).toHaveLength(10);
    stop();
    expect(api.listenerCount('training.metrics')).toBe(0);
  });
});

describe('RunsState cancel and resume', () => {
  it('cancels a running run: cancelling until it finishes', async () => {
    const api = await library();
    const id = running(api, 40);
    const { runs } = await active(api);
    await runs.cancel(id);
    expect(api.callsOf('training.cancel')).toEqual([{ runId: id }]);
    expect(runs.cancelling.has(id)).toBe(true);
    expect(runs.rows[0]?.cancelling).toBe(true);
    api.trainingFinished(id, 'cancelled');
    expect(runs.cancelling.has(id)).toBe(false);
    expect(runs.runs[0]?.status).toBe('cancelled');
  });

  it('shows why a cancel failed', async () => {
    const api = await library();
    running(api, 0);
    const { runs, notices } = await active(api);
    await runs.cancel(9);
    expect(notices.items.map((n) => [n.context, n.code, n.message])).toEqual([
      [CANCEL_CONTEXT, 'NOT_FOUND', 'No training run 9.'],
    ]);
    expect(runs.cancelling.size).toBe(0);
  });

  it('resumes from the last checkpoint: the later points go and the run is selected', async () => {
    const api = await history();
    const { runs } = await active(api);
    await runs.select(2);
    expect(steps(runs.selectedSeries.train)).toEqual([50, 100, 150]);
    // The recorded run has no weights: the resumed training fails at once, after the rewind.
    const finished = api.next('training.finished');
    await runs.resume(2);
    expect(api.callsOf('training.resume')).toEqual([{ runId: 2 }]);
    expect(runs.selectedId).toBe(2);
    expect((await finished).status).toBe('failed');
    await api.settled();
    expect(runs.runs.find((r) => r.id === 2)).toMatchObject({ status: 'failed', step: 100 });
    expect(steps(runs.selectedSeries.train)).toEqual([50, 100]);
    expect(runs.busy).toBe(false);
    expect(runs.rows.find((r) => r.run.id === 1)?.resumable).toBe(false);
  });

  it('shows why a resume was refused', async () => {
    const api = await history();
    const { runs, notices } = await active(api);
    await runs.resume(1);
    expect(notices.items.at(-1)).toMatchObject({
      context: RESUME_CONTEXT,
      code: 'INVALID_INPUT',
      message: 'Run 1 is completed; only cancelled, failed or interrupted runs resume.',
    });
    expect(runs.resuming.size).toBe(0);

    await runs.resume(42);
    expect(notices.items.at(-1)).toMatchObject({ code: 'NOT_FOUND', message: 'No training run 42.' });
  });

  it('reports a refused start and returns the error', async () => {
    const { runs, notices, api } = await active(await library());
    const result = await runs.start(CONFIG);
    expect(result).toMatchObject({ ok: false, error: { code: 'NO_VIDEOS' } });
    expect(notices.items.at(-1)).toMatchObject({ context: START_CONTEXT, code: 'NO_VIDEOS' });

    api.failNext('training.start', new ApiError('INTERNAL', 'disk full'));
    const failed = await runs.start(CONFIG);
    expect(failed).toMatchObject({ ok: false, error: { message: 'disk full' } });
    expect(runs.starting).toBe(false);
  });

  it('says when the list cannot load, and loads it on retry', async () => {
    const api = await history();
    api.failNext('training.runs', new ApiError('NO_LIBRARY', 'No library is open.'));
    const { runs, notices } = await active(api);
    expect(runs.loaded).toBe(false);
    expect(runs.loadError).toBe('No library is open.');
    expect(notices.items).toHaveLength(1);
    await runs.refresh();
    expect(runs.loadError).toBeNull();
    expect(runs.runs).toHaveLength(2);
    expect(notices.items).toEqual([]);
  });

  it('forgets the runs of another library', async () => {
    const { runs } = await active(await history());
    await runs.select(1);
    runs.reset();
    expect(runs.runs).toEqual([]);
    expect(runs.selectedId).toBeNull();
    expect(runs.selectedSeries.train).toEqual([]);
    expect(runs.loaded).toBe(false);
  });
});
