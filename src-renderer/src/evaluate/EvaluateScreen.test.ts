// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ApiError } from '../../../src-main/shared/errors.ts';
import { FakeApi, makeFeatureSet, makeRandomFeatureSet, makeVideos } from '../lib/testing/fake-api.ts';
import { renderApp, unmountApp, update } from '../lib/testing/render-app.ts';
import { evaluationCsv } from './evaluation-export.ts';

afterEach(() => {
  unmountApp();
  vi.restoreAllMocks();
});

const featureSets = () => [makeFeatureSet(1, { videoCount: 12 }), makeRandomFeatureSet(2, { videoCount: 12 })];

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

async function openEvaluate(api: FakeApi) {
  const rendered = await renderApp(api);
  await rendered.click(rendered.q('evaluate-tab'));
  return rendered;
}

describe('Evaluate screen', () => {
  it('tabulates top-k per set with the baseline marked and the best of each column bold', async () => {
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(30), featureSets: featureSets() });
    const { q, all, click, change } = await openEvaluate(api);
    expect(all('evaluate-set').map((box) => (box as HTMLInputElement).checked)).toEqual([true, true]);
    await change(q('evaluate-seed'), '4');
    await change(q('evaluate-test-fraction'), '2');
    expect((q('evaluate-test-fraction') as HTMLInputElement).value).toBe('0.3');
    await click(q('evaluate-run'));
    expect(api.callsOf('evaluation.table')).toEqual([{ seed: 4, testFraction: 0.3 }]);
    const table = await api.call('evaluation.table', { seed: 4, testFraction: 0.3 });

    const rows = all('evaluation-row');
    expect(rows.map((r) => [r.dataset.setId, r.dataset.random])).toEqual([
      ['1', 'false'],
      ['2', 'true'],
    ]);
    expect(rows[0]?.querySelector('[data-testid="baseline-badge"]')).toBeNull();
    expect(rows[1]?.querySelector('[data-testid="baseline-badge"]')?.textContent).toBe('baseline');
    const headers = [...q('evaluation-table')!.querySelectorAll('thead th')].map((th) => th.textContent?.trim());
    expect(headers).toEqual(['Feature set', 'Protocol', 'top-1', 'top-5', 'top-10', 'top-20', 'top-50', 'Queries', 'Gallery']);
    expect(all('evaluation-protocol').map((cell) => cell.textContent)).toEqual(['compact · 112 px · 10 clips · 4-d', 'compact · 112 px · 10 clips · 4-d']);

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
    // The trained set beats its baseline at top-1 in the fake's data.
    expect(rows[0]?.querySelector('td[data-k="1"]')?.getAttribute('data-best')).toBe('true');
    expect(rows[1]?.textContent).toContain(String(table.rows[1]?.queries));

    const split = q('evaluation-split')!;
    expect(split.dataset.kind).toBe('seeded');
    expect(split.textContent).toContain('seed 4');
    expect(split.textContent).toContain('stratified by class');
    expect(q('evaluation-gallery-count')?.textContent).toBe(`${table.split.train} train (gallery)`);
    expect(q('evaluation-query-count')?.textContent).toBe(`${table.split.queries.length} queries`);
    expect(split.textContent).toContain('3 labels');
    expect(split.textContent).toContain('0 unlabelled');
    // Every query is listed by file name; a table on fewer than 20 queries says it is anecdotal.
    expect(q('evaluation-queries')?.querySelectorAll('li')).toHaveLength(table.split.queries.length);
    expect(table.split.queries.length).toBeLessThan(20);
    expect(q('evaluation-few-queries')?.textContent).toMatch(new RegExp(`rest on ${table.rows[0]!.queries} queries \\(fewer than 20\\)`));
  });

  it('names the test classes left out for want of a training video', async () => {
    // The fake's seed-0 split tests video 3; it is the only video of its class.
    const videos = makeVideos(30, (id) => (id === 3 ? { label: 'solo' } : {}));
    const api = new FakeApi({ openPath: '/lib', videos, featureSets: featureSets() });
    const { q, click } = await openEvaluate(api);
    await click(q('evaluate-run'));
    expect(q('evaluation-excluded')?.textContent).toContain('solo (1)');
    const table = await api.call('evaluation.table', {});
    expect(table.split.queries.some((query) => query.label === 'solo')).toBe(false);
    expect(table.rows[0]?.queries).toBe(table.split.queries.length);
  });

  it('runs the kNN classifier and the linear probe on the chosen sets', async () => {
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(30), featureSets: featureSets() });
    const { q, all, click } = await openEvaluate(api);
    await click(q('classify-knn'));
    expect(api.callsOf('evaluation.classify')).toEqual([{ seed: 0, testFraction: 0.3, method: 'knn' }]);
    expect(q('classification-title')?.dataset.method).toBe('knn');
    expect(all('classification-row').map((row) => row.dataset.setId)).toEqual(['1', '2']);
    expect(all('classification-top1')[0]?.textContent).toMatch(/\d+\.\d %/);
    await click(q('classify-linear'));
    expect(q('classification-title')?.dataset.method).toBe('linear');
    expect(q('classification-table')?.textContent).toContain('weight decay');
  });

  it('sends the text of a test list picked in the file dialog, and goes back to a seeded split', async () => {
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(30), featureSets: featureSets() });
    const { q, click } = await openEvaluate(api);
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
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(30), featureSets: featureSets() });
    const { q, click } = await openEvaluate(api);
    await click(q('evaluate-run'));
    const table = await api.call('evaluation.table', {});

    await click(q('export-csv'));
    await click(q('export-json'));
    expect(names).toEqual(['evaluation-seed0.csv', 'evaluation-seed0.json']);
    expect(blobs.map((b) => b.type)).toEqual(['text/csv', 'application/json']);
    expect(await readBlob(blobs[0]!)).toBe(evaluationCsv(table));
    expect((await readBlob(blobs[0]!)).split('\r\n')[2]).toMatch(/^2,Random init · clip-order r3d tiny · seed 0,true,/);
    expect(JSON.parse(await readBlob(blobs[1]!))).toEqual(table);
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:1');
  });

  it('exports a chosen set for FiftyOne on the split set here, downloading the archive a browser gets', async () => {
    const { blobs, names } = captureDownloads();
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(30), featureSets: featureSets() });
    const { q, click, change } = await openEvaluate(api);
    expect((q('fiftyone-export-button') as HTMLButtonElement).disabled).toBe(true);
    await change(q('evaluate-seed'), '7');
    await change(q('fiftyone-set'), '2');
    api.failNext('features.exportFiftyOne', new ApiError('INVALID_INPUT', 'Feature set 2 is extracting; export a ready set.'));
    await click(q('fiftyone-export-button'));
    expect(q('error-banner')?.textContent).toContain('export a ready set');
    expect(names).toEqual([]);
    await click(q('fiftyone-export-button'));
    expect(api.callsOf('features.exportFiftyOne').at(-1)).toEqual({ setId: 2, seed: 7, testFraction: 0.3 });
    expect(names).toEqual(['pretext-fiftyone-set-2.tar']);
    expect(blobs[0]?.type).toBe('application/x-tar');
    expect(await readBlob(blobs[0]!)).toBe('fake archive of set 2');
    expect(q('fiftyone-exported')?.textContent).toContain('Downloaded pretext-fiftyone-set-2.tar: 12 videos');
  });

  it('says when the library has no labels, or no feature sets', async () => {
    const unlabelled = new FakeApi({
      openPath: '/lib',
      videos: makeVideos(6, (id) => ({ label: id === 1 ? 'only' : null })),
      featureSets: featureSets(),
    });
    const { q } = await openEvaluate(unlabelled);
    expect(q('evaluate-no-labels')?.textContent?.replace(/\s+/g, ' ')).toContain(
      'labels come from parent folder names; evaluation needs at least two labelled videos per label',
    );
    expect(q('evaluate-run')).toBeNull();
    expect(q('embedding-map')).not.toBeNull();
    unmountApp();

    const empty = await openEvaluate(new FakeApi({ openPath: '/lib', videos: makeVideos(6) }));
    expect(empty.q('evaluate-no-sets')).not.toBeNull();
    await empty.click(empty.q('evaluate-no-sets')!.querySelector('button'));
    expect(empty.app.screen).toBe('retrieve');
  });

  it('draws a set’s map coloured by label; clicking a point retrieves with it', async () => {
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(12), featureSets: featureSets() });
    const { q, all, click, change, app } = await openEvaluate(api);
    expect(api.callsOf('evaluation.map')).toEqual([{ setId: 2, projection: 'pca' }]);
    const points = all('map-point');
    expect(points).toHaveLength(12);
    expect(all('map-legend-item').map((i) => i.dataset.label)).toEqual(['Class0', 'Class1', 'Class2']);
    const colourOf = (videoId: number) => points.find((p) => p.dataset.videoId === String(videoId))?.getAttribute('fill');
    expect(colourOf(3)).toBe(colourOf(6));
    expect(colourOf(3)).not.toBe(colourOf(4));
    for (const point of points) {
      const [x, y] = [Number(point.getAttribute('cx')), Number(point.getAttribute('cy'))];
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThanOrEqual(640);
      expect(y).toBeGreaterThanOrEqual(0);
      expect(y).toBeLessThanOrEqual(420);
    }

    await click(q('map-projection-umap'));
    expect(api.callsOf('evaluation.map').at(-1)).toEqual({ setId: 2, projection: 'umap' });
    await change(q('map-set'), '1');
    expect(api.callsOf('evaluation.map').at(-1)).toEqual({ setId: 1, projection: 'umap' });

    const point = all('map-point').find((p) => p.dataset.videoId === '5')!;
    point.dispatchEvent(new Event('pointerenter'));
    await update();
    expect(q('map-tooltip')?.textContent).toContain('v_5.avi');
    expect(q('map-tooltip')?.textContent).toContain('Class2');
    expect(q('map-tooltip')?.querySelector('img')?.getAttribute('src')).toBe('media://thumbnail/5');

    point.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    await update();
    expect(app.screen).toBe('retrieve');
    expect(api.callsOf('retrieval.query').at(-1)).toEqual({ setId: 1, videoId: 5, k: 10 });
    expect(q('retrieval-query')?.dataset.videoId).toBe('5');
    expect(all('neighbour').length).toBe(10);
    expect(q('retrieve-set-name')?.textContent).toContain('Run 1');
  });
});
