// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-main/shared/errors.ts';
import { trainPreset } from '../../../src-main/shared/training.ts';
import { FakeApi, fakeBackendReport, makeRun, makeVideos, metricPoint } from '../lib/testing/fake-api.ts';
import { renderApp, unmountApp, update } from '../lib/testing/render-app.ts';

afterEach(unmountApp);

async function render(api: FakeApi) {
  const rendered = await renderApp(api);
  const runItem = (id: number) =>
    rendered.target.querySelector<HTMLElement>(`[data-testid="run-item"][data-run-id="${id}"]`);
  return { ...rendered, runItem };
}

const optionValues = (select: HTMLElement | null) => [...(select as HTMLSelectElement).options].map((o) => o.value);

describe('Train screen', () => {
  it('comes after Task preview and asks for a library first', async () => {
    const { q, all, click, app } = await render(new FakeApi());
    expect(all('train-tab')).toHaveLength(1);
    const tabs = [...document.querySelectorAll('[role="tab"]')].map((t) => t.getAttribute('data-testid'));
    expect(tabs.indexOf('train-tab')).toBe(tabs.indexOf('preview-tab') + 1);
    await click(q('train-tab'));
    expect(q('train-no-library')).not.toBeNull();
    await click(q('train-no-library')!.querySelector('button'));
    expect(app.screen).toBe('library');
  });

  it('says "import videos first" on a library without ready videos, and keeps Train disabled', async () => {
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(2, () => ({ status: 'failed' })) });
    const { q, click, app } = await render(api);
    await click(q('train-tab'));
    expect(q('train-no-videos')?.textContent).toContain('import videos first');
    expect((q('train-start') as HTMLButtonElement).disabled).toBe(true);
    await click(q('train-no-videos')!.querySelector('button'));
    expect(app.screen).toBe('library');
    expect(api.callsOf('training.start')).toEqual([]);
  });

  it('shows the GPU adapter, and that auto passes a software one by', async () => {
    const backendReport = fakeBackendReport();
    const adapter = { vendor: 'mesa', architecture: 'software', device: 'llvmpipe', description: 'llvmpipe: Mesa 25.0.7', software: true };
    const why = 'mesa llvmpipe (software) is a CPU emulating a GPU, slower than wasm';
    backendReport.backends[2] = { name: 'webgpu', available: true, note: why, autoSkips: why, adapter };
    const { q, click } = await render(new FakeApi({ openPath: '/lib', backendReport }));
    await click(q('train-tab'));
    const webgpu = q('backend-report')!.querySelector('[data-choice="webgpu"]');
    expect(webgpu?.querySelector('[data-testid="backend-adapter"]')?.textContent).toBe('mesa llvmpipe (software)');
    expect(webgpu?.textContent).toContain('available, auto passes it by');
    expect(webgpu?.textContent).toContain(why);
    expect(q('backend-report')!.dataset.selected).toBe('wasm');
  });

  it('builds a config from task, backbone, preset and backend, with the backend report', async () => {
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(3) });
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
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(3) });
    const { q, all, click, change, runItem } = await render(api);
    await click(q('train-tab'));
    await change(q('train-task'), 'sequence-sorting');
    await change(q('train-param-steps'), '20');
    await change(q('train-param-evaluateEvery'), '10');
    await change(q('train-param-checkpointEvery'), '10');
    await click(q('train-start'));
    expect(api.callsOf('training.start')[0]?.config).toMatchObject({ steps: 20, evaluateEvery: 10, checkpointEvery: 10 });
    expect(runItem(1)?.dataset.status).toBe('running');
    expect((q('train-start') as HTMLButtonElement).disabled).toBe(true);
    expect(q('metric-chart')?.dataset.points).toBe('0');

    api.emitProgress(1, { phase: 'preparing', step: 0, message: 'computing motion 3 / 16' });
    await update();
    expect(q('train-progress')?.dataset.phase).toBe('preparing');
    expect(q('train-progress')?.textContent).toContain('computing motion 3 / 16');

    api.emitProgress(1, { step: 10, stepsPerSecond: 2.5, etaSeconds: 80, dataWaitShare: 0.125, backend: 'wasm' });
    api.emitMetrics(1, [
      ...Array.from({ length: 10 }, (_, i) => metricPoint('train', i + 1)),
      metricPoint('validation', 10, { accuracy: 0.42 }),
    ]);
    await update();
    const progress = q('train-progress')!;
    expect(progress.dataset).toMatchObject({ phase: 'training', step: '10' });
    expect(progress.textContent).toContain('10 / 20');
    expect(progress.textContent).toContain('2.5 steps/s');
    expect(progress.textContent).toContain('1 min 20 s');
    expect(progress.textContent).toContain('13 %');
    expect(progress.textContent).toContain('wasm');
    const chart = q('metric-chart')!;
    expect(Number(chart.dataset.points)).toBe(2 * (10 + 1));
    expect(chart.querySelectorAll('polyline')).toHaveLength(4);
    expect(chart.textContent).toContain('Loss');
    expect(runItem(1)?.textContent).toContain('42.0 %');

    // Events of another run change nothing here.
    api.runs.push(makeRun(99, { status: 'cancelled' }));
    api.emitMetrics(99, [metricPoint('train', 11)]);
    await update();
    expect(q('metric-chart')?.dataset.points).toBe(String(2 * 11));

    await click(q('train-cancel'));
    expect(api.callsOf('training.cancel')).toEqual([{ runId: 1 }]);
    expect((q('train-cancel') as HTMLButtonElement).disabled).toBe(true);
    api.addCheckpoint(1, 10, 0.42);
    api.finishRun(1, 'cancelled');
    await update();
    expect(runItem(1)?.dataset.status).toBe('cancelled');
    expect(q('train-progress')).toBeNull();
    expect(q('train-cancel')).toBeNull();
    const rows = all('checkpoint-row');
    expect(rows.map((r) => [r.dataset.step, r.dataset.best])).toEqual([['10', 'true']]);
    expect(rows[0]?.textContent).toContain('best');
    expect(q('run-config')?.querySelector('pre')?.textContent).toContain('"task": "sequence-sorting"');
    expect(q('run-config')?.tagName).toBe('DETAILS');

    await click(runItem(1)!.querySelector('[data-testid="run-resume"]'));
    expect(api.callsOf('training.resume')).toEqual([{ runId: 1 }]);
    expect(runItem(1)?.dataset.status).toBe('running');
    expect(runItem(1)?.querySelector('[data-testid="run-resume"]')).toBeNull();
    expect(runItem(1)?.querySelector('[data-testid="train-cancel"]')).not.toBeNull();
    // The other run cannot resume while this one trains.
    expect((runItem(99)?.querySelector('[data-testid="run-resume"]') as HTMLButtonElement).disabled).toBe(true);
  });

  it('shows past runs with their curves and why a resume failed', async () => {
    const api = new FakeApi({
      openPath: '/lib',
      runs: [
        makeRun(1, { bestValidationAccuracy: 0.61, backend: 'cpu' }),
        makeRun(2, { status: 'failed', error: 'the training worker stopped unexpectedly', step: 40, lastCheckpointStep: null }),
      ],
      runData: { 1: { metrics: Array.from({ length: 3000 }, (_, i) => metricPoint('train', i + 1)) } },
    });
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
    api.failNext('training.resume', new ApiError('BUSY', 'Run 5 is training; cancel it or wait for it first.'));
    await click(runItem(2)!.querySelector('[data-testid="run-resume"]'));
    expect(q('error-banner')?.textContent).toContain('Run 5 is training');
    expect(q('error-banner')?.textContent).toContain('Resume training');
  });

  it('renames, annotates, filters and deletes runs (after a confirmation), never a running one', async () => {
    const api = new FakeApi({
      openPath: '/lib',
      videos: makeVideos(3),
      runs: [
        makeRun(1, { backend: 'wasm' }),
        makeRun(2, { config: trainPreset('clip-order', 'r3d', 'tiny'), status: 'failed', backend: null }),
        makeRun(3, { status: 'running' }),
      ],
      runData: { 1: { checkpoints: [{ step: 300, validationAccuracy: 0.5, isBest: true, createdAt: '2025-01-01T00:00:00.000Z' }] } },
    });
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
    const api = new FakeApi({
      openPath: '/lib',
      runs: [makeRun(1, { config }), makeRun(2, { config })],
      runData: {
        1: {
          metrics: [...stuck, ...[100, 200, 300].map((step) => metricPoint('validation', step, { accuracy: 0.75 }))],
          checkpoints: [
            { step: 200, validationAccuracy: 0.76, isBest: true, createdAt: '2025-01-01T00:00:00.000Z' },
            { step: 300, validationAccuracy: 0.75, isBest: false, createdAt: '2025-01-01T00:00:00.000Z' },
          ],
          probes: [
            { step: 0, featureSpread: 0.05 / 16, featureSize: 256 },
            { step: 150, featureSpread: 0.4 / 16, featureSize: 256 },
            { step: 300, featureSpread: 0.05 / 16, featureSize: 256 },
          ],
        },
        2: { metrics: Array.from({ length: 300 }, (_, i) => metricPoint('train', i + 1, { accuracy: 0.97 })) },
      },
    });
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
  });
  it('exports a clip-order run and a frame-task run for PyTorch into a typed folder', async () => {
    const clipOrder = makeRun(1, { config: trainPreset('clip-order', 'r3d', 'tiny'), status: 'completed' });
    const api = new FakeApi({ openPath: '/lib', runs: [clipOrder, makeRun(2, { status: 'completed' })] });
    const { q, click, runItem } = await render(api);
    await click(q('train-tab'));
    await click(runItem(1)!.querySelector('[data-testid="run-select"]'));
    expect((q('bundle-export-button') as HTMLButtonElement).disabled).toBe(true);
    const folder = q('bundle-folder') as HTMLInputElement;
    folder.value = '/cluster/bundle';
    folder.dispatchEvent(new Event('input', { bubbles: true }));
    await update();
    expect((q('bundle-export-button') as HTMLButtonElement).disabled).toBe(false);
    api.failNext('training.exportBundle', new ApiError('INVALID_INPUT', '/cluster/bundle is not empty; export into a new folder.'));
    await click(q('bundle-export-button'));
    expect(q('error-banner')?.textContent).toContain('is not empty');
    expect(q('bundle-exported')).toBeNull();
    await click(q('bundle-export-button'));
    expect(api.callsOf('training.exportBundle').at(-1)).toEqual({ runId: 1, folder: '/cluster/bundle' });
    expect(q('bundle-exported')?.textContent).toContain('Wrote /cluster/bundle');
    await click(runItem(2)!.querySelector('[data-testid="run-select"]'));
    expect(q('bundle-exported')).toBeNull();
    await click(q('bundle-export-button'));
    expect(api.callsOf('training.exportBundle').at(-1)).toEqual({ runId: 2, folder: '/cluster/bundle' });
  });
});
