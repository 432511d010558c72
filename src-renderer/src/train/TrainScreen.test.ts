// @vitest-environment jsdom
import { flushSync } from 'svelte';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { EventName, EventPayload } from '@shared/contract.ts';
import { ApiError } from '@shared/errors.ts';
import { trainPreset } from '@shared/training.ts';
import { renderApp, unmountApp, update } from '../lib/testing/render-app.ts';
import { metricPoint, softwareOnlyBackendReport } from '../lib/testing/stubs.ts';
import { RealApi } from '../../../test-backend/real-api.ts';

let backends: RealApi[] = [];
afterEach(async () => {
  unmountApp();
  await Promise.all(backends.map((api) => api.close()));
  backends = [];
});

/** A real backend, closed after the test; `library`: the generated videos, an empty one, or none open. */
async function backend(library: 'videos' | 'empty' | 'none' = 'empty'): Promise<RealApi> {
  const api = new RealApi();
  backends.push(api);
  if (library === 'videos') await api.openUiLibrary();
  if (library === 'empty') await api.openLibrary();
  return api;
}

/**
 * Which backends this machine has is not the test's to choose: the report shows a machine with
 * software compute only (wasm selected), whatever the real one found.
 */
function softwareOnly(api: RealApi, report = softwareOnlyBackendReport()): void {
  api.override('training.backends', () => report);
}

async function render(api: RealApi) {
  const rendered = await renderApp(api);
  const runItem = (id: number) =>
    rendered.target.querySelector<HTMLElement>(`[data-testid="run-item"][data-run-id="${id}"]`);
  return { ...rendered, runItem };
}

/**
 * Waits for the first `event` that `accept` takes and reads the screen right then, as that event
 * left it (the app's own listener ran first: it subscribed when it started).
 */
function screenAt<E extends EventName, T>(
  api: RealApi,
  event: E,
  accept: (payload: EventPayload<E>) => boolean,
  read: (payload: EventPayload<E>) => T,
): Promise<T> {
  return new Promise((resolve) => {
    const stop = api.events.on(event, (payload) => {
      if (!accept(payload)) return;
      stop();
      flushSync();
      resolve(read(payload));
    });
  });
}

const optionValues = (select: HTMLElement | null) => [...(select as HTMLSelectElement).options].map((o) => o.value);
const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

describe('Train screen', () => {
  it('comes after Task preview and asks for a library first', async () => {
    const { q, all, click, app } = await render(await backend('none'));
    expect(all('train-tab')).toHaveLength(1);
    const tabs = [...document.querySelectorAll('[role="tab"]')].map((t) => t.getAttribute('data-testid'));
    expect(tabs.indexOf('train-tab')).toBe(tabs.indexOf('preview-tab') + 1);
    await click(q('train-tab'));
    expect(q('train-no-library')).not.toBeNull();
    await click(q('train-no-library')!.querySelector('button'));
    expect(app.screen).toBe('library');
  });

  it('says "import videos first" on a library without ready videos, and keeps Train disabled', async () => {
    const api = await backend();
    api.recordVideos(2, () => ({ label: 'Class1', error: 'moov atom not found' }));
    const { q, click, app } = await render(api);
    await click(q('train-tab'));
    expect(q('train-no-videos')?.textContent).toContain('import videos first');
    expect((q('train-start') as HTMLButtonElement).disabled).toBe(true);
    await click(q('train-no-videos')!.querySelector('button'));
    expect(app.screen).toBe('library');
    expect(api.callsOf('training.start')).toEqual([]);
  });

  it('shows the GPU adapter, and that auto passes a software one by', async () => {
    const backendReport = softwareOnlyBackendReport();
    const adapter = { vendor: 'mesa', architecture: 'software', device: 'llvmpipe', description: 'llvmpipe: Mesa 25.0.7', software: true, isFallbackAdapter: false };
    const why = 'mesa llvmpipe (software) is a CPU emulating a GPU, slower than wasm';
    backendReport.backends[2] = { name: 'webgpu', available: true, note: why, autoSkips: why, adapter };
    const api = await backend();
    softwareOnly(api, backendReport);
    const { q, click } = await render(api);
    await click(q('train-tab'));
    const webgpu = q('backend-report')!.querySelector('[data-choice="webgpu"]');
    expect(webgpu?.querySelector('[data-testid="backend-adapter"]')?.textContent).toBe('mesa llvmpipe (software)');
    expect(webgpu?.textContent).toContain('available, auto passes it by');
    expect(webgpu?.textContent).toContain(why);
    expect(q('backend-report')!.dataset.selected).toBe('wasm');
  });

  it('builds a config from task, backbone, preset and backend, with the backend report', async () => {
    const api = await backend('videos');
    softwareOnly(api);
    const { q, click, change } = await render(api);
    await click(q('train-tab'));
    expect(optionValues(q('train-task'))).toEqual(['order-verification', 'sequence-sorting', 'odd-one-out', 'clip-order']);
    expect(optionValues(q('train-backbone'))).toEqual(['alexnet']);
    expect(q('train-preset-tiny')?.getAttribute('aria-pressed')).toBe('true');

    await change(q('train-task'), 'clip-order');
    expect(optionValues(q('train-backbone'))).toEqual(['c3d', 'r3d', 'r2plus1d']);
    expect((q('train-backbone') as HTMLSelectElement).value).toBe('c3d');
    expect((q('train-param-task.task') as HTMLInputElement).readOnly).toBe(true);
    expect((q('train-param-task.task') as HTMLInputElement).value).toBe('clip-order');
    expect(q('train-param-task.clipLength')).not.toBeNull();
    await change(q('train-backbone'), 'r2plus1d');
    expect(api.callsOf('training.preset').at(-1)).toEqual({ task: 'clip-order', backbone: 'r2plus1d', preset: 'tiny' });

    await change(q('train-task'), 'sequence-sorting');
    await click(q('train-preset-paper'));
    expect(q('train-preset-paper')?.getAttribute('aria-pressed')).toBe('true');
    expect((q('train-param-steps') as HTMLInputElement).value).toBe('100000');
    await click(q('train-preset-tiny'));
    expect((q('train-param-steps') as HTMLInputElement).value).toBe('300');
    expect((q('train-param-task.frameSize.width') as HTMLInputElement).value).toBe('64');
    await change(q('train-param-steps'), '20');
    expect(q('train-preset-modified')?.textContent).toContain('1 changed');

    const report = q('backend-report')!;
    expect(report.dataset.selected).toBe('wasm');
    expect(report.textContent).toContain('no adapter found');
    expect(report.querySelector('[data-choice="gpu"]')?.textContent).toContain('tfjs-node-gpu');
    expect(report.querySelector('[data-choice="gpu"]')?.textContent).toContain('faster, not available');
    expect(report.querySelector('[data-choice="wasm"]')?.textContent).toContain('selected by auto');
    expect(q('backend-warning')).toBeNull();
    await change(q('train-backend'), 'gpu');
    expect(q('backend-warning')?.textContent).toContain('gpu is not available: not installed');
    await change(q('train-backend'), 'cpu');
    expect(q('backend-warning')).toBeNull();
    await change(q('train-backend'), 'gpu');
    expect(q('train-preset-modified')?.textContent).toContain('2 changed');

    await change(q('train-param-task.patchSize'), '500');
    await click(q('train-start'));
    expect(q('error-banner')?.textContent).toContain('patchSize must fit inside frameSize');
    // The error belongs to the Train screen: it does not follow the user to another tab.
    await click(q('library-tab'));
    expect(q('error-banner')).toBeNull();
    await click(q('train-tab'));
    expect(q('error-banner')?.textContent).toContain('patchSize must fit inside frameSize');
    expect(q('train-param-task.patchSize')?.getAttribute('aria-invalid')).toBe('true');
  });

  it('trains, shows progress and curves live, cancels and resumes', async () => {
    const api = await backend('videos');
    // Another, stopped run: its events change nothing here, and it cannot resume while this one trains.
    const other = api.recordRun(trainPreset('sequence-sorting', 'alexnet', 'tiny'), { status: 'cancelled', step: 0 });
    const { q, all, click, change, runItem } = await render(api);
    await click(q('train-tab'));
    await change(q('train-task'), 'sequence-sorting');
    // Far more steps than the test waits for: it cancels after the first validation and checkpoint.
    await change(q('train-param-steps'), '1000');
    await change(q('train-param-evaluateEvery'), '2');
    await change(q('train-param-checkpointEvery'), '2');
    await change(q('train-param-validationTuples'), '8');
    await change(q('train-param-batchSize'), '2');
    const preparing = screenAt(api, 'training.progress', (p) => p.phase === 'preparing' && p.message !== null, (p) => ({
      message: p.message,
      phase: q('train-progress')?.dataset.phase,
      text: q('train-progress')?.textContent,
    }));
    const training = screenAt(api, 'training.progress', (p) => p.phase === 'training' && p.step > 0, (p) => ({
      progress: p,
      dataset: { ...q('train-progress')?.dataset },
      text: q('train-progress')?.textContent ?? '',
    }));
    const validated = api.next('training.metrics', (m) => m.points.some((point) => point.split === 'validation'));
    await click(q('train-start'));
    const id = other.id + 1;
    expect(api.callsOf('training.start')[0]?.config).toMatchObject({ steps: 1000, evaluateEvery: 2, checkpointEvery: 2 });
    expect(runItem(id)?.dataset.status).toBe('running');
    expect((q('train-start') as HTMLButtonElement).disabled).toBe(true);
    expect(q('metric-chart')?.dataset.points).toBe('0');

    const prepared = await preparing;
    expect(prepared.phase).toBe('preparing');
    expect(prepared.text).toContain(prepared.message);

    const trained = await training;
    expect(trained.dataset).toMatchObject({ phase: 'training', step: String(trained.progress.step) });
    expect(trained.text).toContain(`${trained.progress.step} / 1,000`);
    expect(trained.text).toContain(trained.progress.backend);

    const metrics = await validated;
    await update();
    const validation = metrics.points.find((point) => point.split === 'validation')!;
    const chart = q('metric-chart')!;
    // Redraws are throttled (one per 100 ms): the validation lines come with the next one.
    await vi.waitFor(() => expect(chart.querySelectorAll('polyline')).toHaveLength(4), { timeout: 2_000 });
    expect(Number(chart.dataset.points)).toBeGreaterThanOrEqual(2 * validation.step);
    expect(chart.textContent).toContain('Loss');
    expect(runItem(id)?.textContent).toContain(percent(validation.accuracy));

    // Events of another run change nothing here.
    const drawn = q('metric-chart')?.dataset.points;
    api.events.emit('training.metrics', { runId: other.id, points: [metricPoint('train', 500)], probes: [] });
    flushSync();
    expect(q('metric-chart')?.dataset.points).toBe(drawn);

    const finished = api.next('training.finished');
    await click(q('train-cancel'));
    expect(api.callsOf('training.cancel')).toEqual([{ runId: id }]);
    expect((q('train-cancel') as HTMLButtonElement | null)?.disabled ?? true).toBe(true);
    expect(await finished).toMatchObject({ id, status: 'cancelled' });
    await update();
    expect(runItem(id)?.dataset.status).toBe('cancelled');
    expect(q('train-progress')).toBeNull();
    expect(q('train-cancel')).toBeNull();
    const { checkpoints } = await api.call('training.run', { runId: id });
    const rows = all('checkpoint-row');
    expect(checkpoints.length).toBeGreaterThan(0);
    expect(rows.map((r) => [r.dataset.step, r.dataset.best])).toEqual(checkpoints.map((c) => [String(c.step), String(c.isBest)]));
    expect(rows.find((r) => r.dataset.best === 'true')?.textContent).toContain('best');
    expect(q('run-config')?.querySelector('pre')?.textContent).toContain('"task": "sequence-sorting"');
    expect(q('run-config')?.tagName).toBe('DETAILS');

    const stopped = api.next('training.finished');
    await click(runItem(id)!.querySelector('[data-testid="run-resume"]'));
    expect(api.callsOf('training.resume')).toEqual([{ runId: id }]);
    expect(runItem(id)?.dataset.status).toBe('running');
    expect(runItem(id)?.querySelector('[data-testid="run-resume"]')).toBeNull();
    expect(runItem(id)?.querySelector('[data-testid="train-cancel"]')).not.toBeNull();
    // The other run cannot resume while this one trains.
    expect((runItem(other.id)?.querySelector('[data-testid="run-resume"]') as HTMLButtonElement).disabled).toBe(true);
    await click(runItem(id)!.querySelector('[data-testid="train-cancel"]'));
    await stopped;
  }, 240_000); // trains or extracts for real, on a busy machine

  it('shows past runs with their curves and why a resume failed', async () => {
    const api = await backend();
    const tiny = trainPreset('sequence-sorting', 'alexnet', 'tiny');
    api.recordRun(tiny, {
      backend: 'cpu',
      metrics: Array.from({ length: 3000 }, (_, i) => metricPoint('train', i + 1)),
      checkpoints: [{ step: 300, validationAccuracy: 0.61 }],
      step: 300,
    });
    api.recordRun(tiny, { status: 'failed', error: 'the training worker stopped unexpectedly', step: 40 });
    const { q, all, click, runItem } = await render(api);
    await click(q('train-tab'));
    expect(all('run-item').map((r) => [r.dataset.runId, r.dataset.status])).toEqual([
      ['2', 'failed'],
      ['1', 'completed'],
    ]);
    expect(runItem(1)?.textContent).toContain('61.0 %');
    expect(runItem(1)?.textContent).toContain('cpu');
    expect(runItem(1)?.textContent).toContain('300 / 300');

    await click(runItem(1)!.querySelector('[data-testid="run-select"]'));
    const chart = q('metric-chart')!;
    expect(chart.dataset.trainPoints).toBe('3000');
    const drawn = Number(chart.dataset.points);
    expect(drawn).toBeGreaterThan(100);
    expect(drawn).toBeLessThan(2 * 640); // downsampled: about a point per pixel per line

    await click(runItem(2)!.querySelector('[data-testid="run-select"]'));
    expect(q('run-error')?.textContent).toContain('stopped unexpectedly');
    // Another process of this library trains (its job is held): resuming here is refused.
    api.failNext('training.resume', new ApiError('BUSY', 'Run 5 is training; cancel it or wait for it first.'));
    await click(runItem(2)!.querySelector('[data-testid="run-resume"]'));
    expect(q('error-banner')?.textContent).toContain('Run 5 is training');
    expect(q('error-banner')?.textContent).toContain('Resume training');
  });

  it('renames, annotates, filters and deletes runs (after a confirmation), never a running one', async () => {
    const api = await backend();
    const tiny = trainPreset('sequence-sorting', 'alexnet', 'tiny');
    api.recordRun(tiny, { backend: 'wasm', checkpoints: [{ step: 300, validationAccuracy: 0.5 }], step: 300 });
    api.recordRun(trainPreset('clip-order', 'r3d', 'tiny'), { status: 'failed' });
    api.recordRun(tiny, { status: 'running' });
    const { q, all, click, change, runItem } = await render(api);
    await click(q('train-tab'));
    await click(runItem(1)!.querySelector('[data-testid="run-select"]'));
    expect(q('run-backend')?.textContent).toMatch(/asked for auto, ran on\s+wasm/);

    const name = q('run-name-input') as HTMLInputElement;
    name.value = 'Baseline';
    name.dispatchEvent(new Event('input', { bubbles: true }));
    const note = q('run-note-input') as HTMLTextAreaElement;
    note.value = 'tiny preset, first try';
    note.dispatchEvent(new Event('input', { bubbles: true }));
    await update();
    await click(q('run-save-notes'));
    expect(api.callsOf('training.update')).toEqual([{ runId: 1, name: 'Baseline', note: 'tiny preset, first try' }]);
    expect(runItem(1)?.querySelector('[data-testid="run-name"]')?.textContent).toBe('Baseline');
    expect((q('run-save-notes') as HTMLButtonElement).disabled).toBe(true);

    await change(q('runs-filter-task'), 'clip-order');
    expect(all('run-item').map((item) => item.dataset.runId)).toEqual(['2']);
    await change(q('runs-filter-task'), '');
    const search = q('runs-filter-search') as HTMLInputElement;
    search.value = 'first try';
    search.dispatchEvent(new Event('input', { bubbles: true }));
    await update();
    expect(all('run-item').map((item) => item.dataset.runId)).toEqual(['1']);
    expect(q('runs-filter-count')?.textContent).toBe('1 of 3');
    search.value = 'nothing like this';
    search.dispatchEvent(new Event('input', { bubbles: true }));
    await update();
    expect(q('runs-list')?.textContent).toContain('No run matches the filter.');
    search.value = '';
    search.dispatchEvent(new Event('input', { bubbles: true }));
    await change(q('runs-filter-status'), 'running');
    expect(all('run-item').map((item) => item.dataset.runId)).toEqual(['3']);
    await change(q('runs-filter-status'), '');

    await click(runItem(3)!.querySelector('[data-testid="run-select"]'));
    expect((q('run-delete') as HTMLButtonElement).disabled).toBe(true);

    await click(runItem(1)!.querySelector('[data-testid="run-select"]'));
    await click(q('run-delete'));
    expect(q('run-delete-confirm')?.textContent).toContain('1 checkpoint,');
    await click(q('run-delete-keep'));
    expect(api.callsOf('training.delete')).toEqual([]);
    await click(q('run-delete'));
    await click(q('run-delete-confirmed'));
    expect(api.callsOf('training.delete')).toEqual([{ runId: 1 }]);
    expect(all('run-item').map((item) => item.dataset.runId)).toEqual(['3', '2']);
    expect(q('selected-run')).toBeNull();
  });

  it('says in plain words when a run is not learning, draws the majority line and marks a best at it', async () => {
    const config = trainPreset('order-verification', 'alexnet', 'tiny');
    const stuck = Array.from({ length: 300 }, (_, i) => metricPoint('train', i + 1, { accuracy: 0.75, loss: 0.56 }));
    const api = await backend();
    api.recordRun(config, {
      metrics: [...stuck, ...[100, 200, 300].map((step) => metricPoint('validation', step, { accuracy: 0.75 }))],
      checkpoints: [
        { step: 200, validationAccuracy: 0.76 },
        { step: 300, validationAccuracy: 0.75 },
      ],
      probes: [
        { step: 0, featureSpread: 0.05 / 16, featureSize: 256 },
        { step: 150, featureSpread: 0.4 / 16, featureSize: 256 },
        { step: 300, featureSpread: 0.05 / 16, featureSize: 256 },
      ],
    });
    api.recordRun(config, { metrics: Array.from({ length: 300 }, (_, i) => metricPoint('train', i + 1, { accuracy: 0.97 })) });
    const { q, all, click, runItem } = await render(api);
    await click(q('train-tab'));
    await click(runItem(1)!.querySelector('[data-testid="run-select"]'));
    expect(q('run-health')?.dataset).toMatchObject({ learning: 'at-majority', collapse: 'collapsing' });
    const flags = all('run-health-flag');
    expect(flags.map((flag) => flag.dataset.kind)).toEqual(['not-learning', 'collapsing']);
    expect(flags[0]?.textContent).toContain('stays at the majority class, 75.0 %');
    expect(flags[0]?.textContent).toContain('What to try');
    expect(flags[0]?.textContent).toContain('Train longer');
    expect(all('chart-guide').map((guide) => [guide.dataset.kind, guide.textContent?.trim()])).toEqual([
      ['chance', 'chance 50 %'],
      ['majority', 'majority class 75 %'],
    ]);
    // A 76 % best on 256 tuples is the majority class plus noise; extraction uses the last checkpoint.
    expect(q('best-at-chance')?.textContent).toContain('not meaningful');
    expect(q('extraction-default')?.closest('tr')?.dataset.step).toBe('300');
    expect(q('checkpoint-policy')?.textContent).toContain('Keeps the newest 3 and the best');

    await click(runItem(2)!.querySelector('[data-testid="run-select"]'));
    expect(q('run-health')?.dataset.learning).toBe('learning');
    expect(all('run-health-flag')).toEqual([]);
    expect(q('online-knn')).toBeNull();
  });

  it('shows the online kNN of the latest probe beside its value at random init', async () => {
    const api = await backend();
    const knn = (accuracy: number) => ({ accuracy, videos: 24, classes: 4, majority: 0.25 });
    api.recordRun(trainPreset('clip-order', 'r3d', 'tiny'), {
      probes: [
        { step: 0, featureSpread: 0.4 / 16, featureSize: 256, knn: knn(0.375) },
        { step: 300, featureSpread: 0.4 / 16, featureSize: 256, knn: knn(0.625) },
      ],
    });
    const { q, click, runItem } = await render(api);
    await click(q('train-tab'));
    await click(runItem(1)!.querySelector('[data-testid="run-select"]'));
    const line = q('online-knn')?.textContent?.replace(/\s+/g, ' ');
    expect(line).toContain('Online kNN at step 300: 62.5 % of 24 labelled videos');
    expect(line).toContain('always guessing the largest scores 25.0 %');
    expect(line).toContain('37.5 % at random init');
  });
  it('exports a clip-order run and a frame-task run for PyTorch into a typed folder', async () => {
    const api = await backend('videos');
    const clipOrder = api.recordRun(trainPreset('clip-order', 'r3d', 'tiny'));
    const frameTask = api.recordRun(trainPreset('sequence-sorting', 'alexnet', 'tiny'));
    const { q, click, runItem } = await render(api);
    await click(q('train-tab'));
    await click(runItem(clipOrder.id)!.querySelector('[data-testid="run-select"]'));
    expect((q('bundle-export-button') as HTMLButtonElement).disabled).toBe(true);
    const folder = q('bundle-folder') as HTMLInputElement;
    const typeFolder = async (path: string) => {
      folder.value = path;
      folder.dispatchEvent(new Event('input', { bubbles: true }));
      await update();
    };
    // The test's own folder already holds the library: not a place for a bundle.
    await typeFolder(api.path());
    expect((q('bundle-export-button') as HTMLButtonElement).disabled).toBe(false);
    await click(q('bundle-export-button'));
    expect(q('error-banner')?.textContent).toContain('is not empty');
    expect(q('bundle-exported')).toBeNull();
    const bundle = api.path('bundle');
    await typeFolder(bundle);
    await click(q('bundle-export-button'));
    expect(api.callsOf('training.exportBundle').at(-1)).toEqual({ runId: clipOrder.id, folder: bundle });
    expect(q('bundle-exported')?.textContent).toContain(`Wrote ${bundle}`);
    await click(runItem(frameTask.id)!.querySelector('[data-testid="run-select"]'));
    expect(q('bundle-exported')).toBeNull();
    const frameBundle = api.path('frame-bundle');
    await typeFolder(frameBundle);
    await click(q('bundle-export-button'));
    expect(api.callsOf('training.exportBundle').at(-1)).toEqual({ runId: frameTask.id, folder: frameBundle });
    expect(q('bundle-exported')?.textContent).toContain(`Wrote ${frameBundle}`);
  });
});
