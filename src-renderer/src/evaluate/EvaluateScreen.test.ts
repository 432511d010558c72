// @vitest-environment jsdom
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FeatureSetDto, VideoDto } from '@shared/dto.ts';
import { trainPreset } from '@shared/training.ts';
import { ApiError } from '@shared/errors.ts';
import { renderApp, unmountApp, update } from '../lib/testing/render-app.ts';
import { RealApi } from '../../../test-backend/real-api.ts';
import { SHORT_VIDEO, uiVideos } from '../../../test-backend/videos.ts';
import { evaluationCsv } from './evaluation-export.ts';

/**
 * One library for the file: the generated videos, a clip-order run trained for two steps, its
 * features and its random-init twin's (the baseline). Evaluations only read them.
 */
let api: RealApi;
let trained: FeatureSetDto;
let baseline: FeatureSetDto;
let videos: VideoDto[];
beforeAll(async () => {
  api = new RealApi();
  await api.openUiLibrary();
  const config = { ...trainPreset('clip-order', 'r3d', 'tiny'), steps: 2, batchSize: 2, evaluateEvery: 2, checkpointEvery: 2, validationTuples: 4 };
  const run = api.next('training.finished');
  const { id: runId } = await api.call('training.start', { config });
  await run;
  for (const source of [{ kind: 'run', runId }, { kind: 'random', runId }] as const) {
    const finished = api.next('features.finished');
    await api.call('features.extract', { source });
    const set = await finished;
    if (source.kind === 'run') trained = set;
    else baseline = set;
  }
  videos = (await api.call('videos.list', { status: 'ready' })).items;
  api.calls.length = 0;
}, 300_000); // training and extraction, on a busy machine
afterAll(() => api.close());

let others: RealApi[] = [];
afterEach(async () => {
  unmountApp();
  vi.restoreAllMocks();
  await Promise.all(others.map((other) => other.close()));
  others = [];
});

/** Another backend for one test, closed after it. */
function another(): RealApi {
  const other = new RealApi();
  others.push(other);
  return other;
}

/** jsdom's Blob has no text(). */
function readBlob(blob: Blob): Promise<string> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => resolve(String(reader.result));
    reader.onerror = () => reject(reader.error);
    reader.readAsText(blob);
  });
}

/** The files the page downloads (through a Blob URL and a clicked link): their blobs and names. */
function captureDownloads(): { blobs: Blob[]; names: string[] } {
  const blobs: Blob[] = [];
  const names: string[] = [];
  URL.createObjectURL = vi.fn((blob: Blob) => {
    blobs.push(blob);
    return `blob:${blobs.length}`;
  });
  URL.revokeObjectURL = vi.fn();
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
    names.push(this.download);
  });
  return { blobs, names };
}

async function openEvaluate(on: RealApi = api) {
  const rendered = await renderApp(on);
  await rendered.click(rendered.q('evaluate-tab'));
  return rendered;
}

describe('Evaluate screen', () => {
  it('tabulates top-k per set with the baseline marked and the best of each column bold', async () => {
    const { q, all, click, change } = await openEvaluate();
    expect(all('evaluate-set').map((box) => (box as HTMLInputElement).checked)).toEqual([true, true]);
    await change(q('evaluate-seed'), '4');
    await change(q('evaluate-test-fraction'), '2');
    expect((q('evaluate-test-fraction') as HTMLInputElement).value).toBe('0.3');
    await click(q('evaluate-run'));
    expect(api.callsOf('evaluation.table').at(-1)).toEqual({ seed: 4, testFraction: 0.3 });
    const table = await api.call('evaluation.table', { seed: 4, testFraction: 0.3 });

    const rows = all('evaluation-row');
    expect(rows.map((r) => [r.dataset.setId, r.dataset.random])).toEqual([
      [String(trained.id), 'false'],
      [String(baseline.id), 'true'],
    ]);
    expect(rows[0]?.querySelector('[data-testid="baseline-badge"]')).toBeNull();
    expect(rows[1]?.querySelector('[data-testid="baseline-badge"]')?.textContent).toBe('baseline');
    const headers = [...q('evaluation-table')!.querySelectorAll('thead th')].map((th) => th.textContent?.trim());
    expect(headers).toEqual(['Feature set', 'Protocol', 'top-1', 'top-5', 'top-10', 'top-20', 'top-50', 'Queries', 'Gallery']);
    const protocol = (set: FeatureSetDto) => `compact · ${set.inputSize} px · ${set.clipsPerVideo} clips · ${set.featureSize}-d`;
    expect(all('evaluation-protocol').map((cell) => cell.textContent)).toEqual([protocol(trained), protocol(baseline)]);

    for (const k of table.ks) {
      // k at or beyond the gallery size says nothing: greyed, never bold.
      const beyond = table.rows.map((row) => k >= row.gallery);
      const values = table.rows.map((row) => row.topK[k] ?? null);
      const best = Math.max(...values.map((v, i) => (beyond[i] ? -1 : (v ?? -1))));
      rows.forEach((row, i) => {
        const cell = row.querySelector<HTMLElement>(`td[data-k="${k}"]`)!;
        const isBest = !beyond[i] && values[i] === best;
        expect(cell.textContent?.trim()).toBe(`${((values[i] as number) * 100).toFixed(1)} %`);
        expect(cell.dataset.beyondGallery).toBe(String(beyond[i]));
        expect(cell.dataset.best).toBe(String(isBest));
        expect(cell.querySelector('strong') !== null).toBe(isBest);
      });
    }
    expect(table.rows[0]!.gallery).toBeLessThan(50);
    expect(rows[0]?.querySelector('td[data-k="50"]')?.getAttribute('data-beyond-gallery')).toBe('true');
    expect(rows[1]?.textContent).toContain(String(table.rows[1]?.queries));

    const split = q('evaluation-split')!;
    expect(split.dataset.kind).toBe('seeded');
    expect(split.textContent).toContain('seed 4');
    expect(split.textContent).toContain('stratified by class');
    expect(q('evaluation-gallery-count')?.textContent).toBe(`${table.split.train} train (gallery)`);
    expect(q('evaluation-query-count')?.textContent).toBe(`${table.split.queries.length} queries`);
    expect(split.textContent).toContain(`${table.split.labels} labels`);
    expect(split.textContent).toContain('1 unlabelled');
    // Every query is listed by file name; a table on fewer than 20 queries says it is anecdotal.
    expect(q('evaluation-queries')?.querySelectorAll('li')).toHaveLength(table.split.queries.length);
    expect(table.split.queries.length).toBeLessThan(20);
    expect(q('evaluation-few-queries')?.textContent).toMatch(new RegExp(`rest on ${table.rows[0]!.queries} queries \\(fewer than 20\\)`));
  });

  it('names the test classes left out for want of a training video', async () => {
    // A test list holding the short clip, the only video of its class: nothing in training matches it.
    const { q, click } = await openEvaluate();
    const listText = `${SHORT_VIDEO}\nmove_left/clip_0.mp4\n`;
    const picker = q('evaluate-test-list') as HTMLInputElement;
    Object.defineProperty(picker, 'files', { value: [{ name: 'testlist.txt', size: listText.length, text: async () => listText }] });
    picker.dispatchEvent(new Event('change', { bubbles: true }));
    await vi.waitFor(() => expect(q('evaluate-test-list-name')?.textContent).toBe('testlist.txt'));
    await click(q('evaluate-run'));
    expect(q('evaluation-excluded')?.textContent).toContain('short (1)');
    const table = await api.call('evaluation.table', { testListText: listText });
    expect(table.split.excludedClasses).toEqual([{ label: 'short', videos: 1 }]);
    expect(table.split.queries.map((query) => query.label)).toEqual(['move_left']);
    expect(table.rows[0]?.queries).toBe(1);
  });

  it('runs the kNN classifier and the linear probe on the chosen sets', async () => {
    const { q, all, click } = await openEvaluate();
    await click(q('classify-knn'));
    expect(api.callsOf('evaluation.classify').at(-1)).toEqual({ seed: 0, testFraction: 0.3, method: 'knn' });
    expect(q('classification-title')?.dataset.method).toBe('knn');
    expect(all('classification-row').map((row) => row.dataset.setId)).toEqual([String(trained.id), String(baseline.id)]);
    expect(all('classification-top1')[0]?.textContent).toMatch(/\d+\.\d %/);
    await click(q('classify-linear'));
    expect(q('classification-title')?.dataset.method).toBe('linear');
    expect(q('classification-table')?.textContent).toContain('weight decay');
  });

  it('sends the text of a test list picked in the file dialog, and goes back to a seeded split', async () => {
    const { q, click } = await openEvaluate();
    const picker = q('evaluate-test-list') as HTMLInputElement;
    expect(picker.type).toBe('file');
    // jsdom's File has no text(); a browser's does.
    const list = { name: 'testlist01.txt', size: 12, text: async () => 'a/clip.mp4\n' };
    Object.defineProperty(picker, 'files', { value: [list] });
    picker.dispatchEvent(new Event('change', { bubbles: true }));
    await vi.waitFor(() => expect(q('evaluate-test-list-name')?.textContent).toBe('testlist01.txt'));
    await click(q('evaluate-run'));
    expect(api.callsOf('evaluation.table').at(-1)).toEqual({ seed: 0, testFraction: 0.3, testListText: 'a/clip.mp4\n' });
    await click(q('evaluate-test-list-clear'));
    expect(q('evaluate-test-list-name')).toBeNull();
    await click(q('evaluate-run'));
    expect(api.callsOf('evaluation.table').at(-1)).toEqual({ seed: 0, testFraction: 0.3 });
  });

  it('downloads the table as CSV and JSON', async () => {
    const { blobs, names } = captureDownloads();
    const { q, click } = await openEvaluate();
    await click(q('evaluate-run'));
    const table = await api.call('evaluation.table', {});

    await click(q('export-csv'));
    await click(q('export-json'));
    expect(names).toEqual(['evaluation-seed0.csv', 'evaluation-seed0.json']);
    expect(blobs.map((b) => b.type)).toEqual(['text/csv', 'application/json']);
    expect(await readBlob(blobs[0]!)).toBe(evaluationCsv(table));
    expect((await readBlob(blobs[0]!)).split('\r\n')[2]).toMatch(new RegExp(`^${baseline.id},Random init · like run \\d+ \\(clip-order r3d\\) · seed 0,true,`));
    expect(JSON.parse(await readBlob(blobs[1]!))).toEqual(table);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:1');
  });

  it('exports a chosen set for FiftyOne on the split set here, downloading the archive a browser gets', async () => {
    const { blobs, names } = captureDownloads();
    const { q, click, change } = await openEvaluate();
    expect((q('fiftyone-export-button') as HTMLButtonElement).disabled).toBe(true);
    await change(q('evaluate-seed'), '7');
    await change(q('fiftyone-set'), String(baseline.id));
    // A failure on the way (the set being extracted again elsewhere, say) is shown, nothing is downloaded.
    api.failNext('features.exportFiftyOne', new ApiError('INVALID_INPUT', `Feature set ${baseline.id} is extracting; export a ready set.`));
    await click(q('fiftyone-export-button'));
    expect(q('error-banner')?.textContent).toContain('export a ready set');
    expect(names).toEqual([]);
    await click(q('fiftyone-export-button'));
    expect(api.callsOf('features.exportFiftyOne').at(-1)).toEqual({ setId: baseline.id, seed: 7, testFraction: 0.3 });
    const fileName = `pretext-fiftyone-set-${baseline.id}.tar`;
    expect(names).toEqual([fileName]);
    expect(blobs[0]?.type).toBe('application/x-tar');
    // A tar archive: its first entry's name starts the first 512-byte header.
    expect(blobs[0]!.size % 512).toBe(0);
    expect(blobs[0]!.size).toBeGreaterThan(512);
    expect(q('fiftyone-exported')?.textContent).toContain(`Downloaded ${fileName}: ${baseline.videoCount} videos`);
  });

  it('says when the library has no labels, or no feature sets', async () => {
    // One class folder imported as the root: its clips have no label. A random-init set covers them.
    const unlabelled = another();
    await unlabelled.openLibrary();
    await unlabelled.importFolder(`${await uiVideos()}/move_left`);
    const extracted = unlabelled.next('features.finished');
    await unlabelled.call('features.extract', { source: { kind: 'random', task: 'clip-order', backbone: 'r3d', preset: 'tiny' } });
    expect(await extracted).toMatchObject({ status: 'ready', videoCount: 2 });
    const { q } = await openEvaluate(unlabelled);
    expect(q('evaluate-no-labels')?.textContent?.replace(/\s+/g, ' ')).toContain(
      'labels come from parent folder names; evaluation needs at least two labelled videos per label',
    );
    expect(q('evaluate-run')).toBeNull();
    expect(q('embedding-map')).not.toBeNull();
    unmountApp();

    const bare = another();
    await bare.openUiLibrary();
    const empty = await openEvaluate(bare);
    expect(empty.q('evaluate-no-sets')).not.toBeNull();
    await empty.click(empty.q('evaluate-no-sets')!.querySelector('button'));
    expect(empty.app.screen).toBe('retrieve');
  });

  it('draws a set’s map coloured by label; clicking a point retrieves with it', async () => {
    const { q, all, click, change, app } = await openEvaluate();
    // The newest set first: the baseline.
    expect(api.callsOf('evaluation.map').at(-1)).toEqual({ setId: baseline.id, projection: 'pca' });
    const points = all('map-point');
    expect(points).toHaveLength(videos.length);
    // The labels in order, then the unlabelled video's entry.
    expect(all('map-legend-item').map((i) => i.dataset.label)).toEqual([
      ...[...new Set(videos.flatMap((v) => (v.label === null ? [] : [v.label])))].sort(),
      '',
    ]);
    const colourOf = (video: VideoDto) => points.find((p) => p.dataset.videoId === String(video.id))?.getAttribute('fill');
    const [left0, left1] = videos.filter((v) => v.label === 'move_left');
    const up = videos.find((v) => v.label === 'move_up')!;
    expect(colourOf(left0!)).toBe(colourOf(left1!));
    expect(colourOf(left0!)).not.toBe(colourOf(up));
    for (const point of points) {
      const [x, y] = [Number(point.getAttribute('cx')), Number(point.getAttribute('cy'))];
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(640);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(420);
    }

    await click(q('map-projection-umap'));
    expect(api.callsOf('evaluation.map').at(-1)).toEqual({ setId: baseline.id, projection: 'umap' });
    await change(q('map-set'), String(trained.id));
    expect(api.callsOf('evaluation.map').at(-1)).toEqual({ setId: trained.id, projection: 'umap' });

    const point = all('map-point').find((p) => p.dataset.videoId === String(up.id))!;
    point.dispatchEvent(new Event('pointerenter'));
    await update();
    expect(q('map-tooltip')?.textContent).toContain(up.fileName);
    expect(q('map-tooltip')?.textContent).toContain('move_up');
    expect(q('map-tooltip')?.querySelector('img')?.getAttribute('src')).toBe(`media://thumbnail/${up.id}`);

    point.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    await update();
    expect(app.screen).toBe('retrieve');
    expect(api.callsOf('retrieval.query').at(-1)).toEqual({ setId: trained.id, videoId: up.id, k: 10 });
    expect(q('retrieval-query')?.dataset.videoId).toBe(String(up.id));
    expect(all('neighbour').length).toBe(videos.length - 1);
    expect(q('retrieve-set-name')?.textContent).toContain(trained.name);
  });
});
