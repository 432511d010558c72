// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { FeatureSetDto } from '../../../src-main/shared/dto.ts';
import { FakeApi, makeFeatureSet, makeRandomFeatureSet, makeRun, makeVideos } from '../lib/testing/fake-api.ts';
import { renderApp, unmountApp, update } from '../lib/testing/render-app.ts';
import { UNPLAYABLE_MESSAGE } from './compare-clock.svelte.ts';

afterEach(() => {
  unmountApp();
  vi.restoreAllMocks();
});

/** 12 videos in three labels; a trained set and its random-init baseline. */
function library(featureSets: FeatureSetDto[] = [makeFeatureSet(1, { videoCount: 12 }), makeRandomFeatureSet(2, { videoCount: 12 })]) {
  return new FakeApi({ openPath: '/lib', videos: makeVideos(12), featureSets, runs: [makeRun(1, { lastCheckpointStep: 300 })] });
}

async function openRetrieve(api: FakeApi) {
  const rendered = await renderApp(api);
  await rendered.click(rendered.q('retrieve-tab'));
  const card = (videoId: number) =>
    rendered.target.querySelector<HTMLElement>(`[data-testid="retrieve-screen"] [data-testid="video-card"][data-video-id="${videoId}"]`);
  const setItem = (setId: number) =>
    rendered.target.querySelector<HTMLElement>(`[data-testid="feature-set"][data-set-id="${setId}"]`);
  const neighbours = () => rendered.all('neighbour');
  return { ...rendered, card, setItem, neighbours };
}

describe('Retrieve screen', () => {
  it('comes after Train and asks for a library first', async () => {
    const { q, click, app } = await renderApp(new FakeApi());
    const tabs = [...document.querySelectorAll('[role="tab"]')].map((t) => t.getAttribute('data-testid'));
    expect(tabs.slice(-3)).toEqual(['train-tab', 'retrieve-tab', 'evaluate-tab']);
    await click(q('retrieve-tab'));
    await click(q('retrieve-no-library')!.querySelector('button'));
    expect(app.screen).toBe('library');
  });

  it('shows a query’s neighbours in rank order with scores and label matches', async () => {
    const api = library();
    const { q, click, card, neighbours, setItem } = await openRetrieve(api);
    expect(setItem(2)?.getAttribute('class')).toContain('selected');
    expect(setItem(1)?.textContent).toContain('12 videos');
    expect(setItem(1)?.textContent).toContain('4-d');
    expect(setItem(2)?.textContent).toContain('ready');

    await click(card(3));
    const expected = await api.call('retrieval.query', { setId: 2, videoId: 3, k: 10 });
    expect(api.callsOf('retrieval.query')[0]).toEqual({ setId: 2, videoId: 3, k: 10 });
    expect(q('retrieval-query')?.dataset.videoId).toBe('3');
    expect(q('retrieval-query')?.textContent).toContain('v_3.avi');

    const shown = neighbours();
    expect(shown.map((n) => [n.dataset.rank, n.dataset.videoId])).toEqual(
      expected.neighbours.map((n) => [String(n.rank), String(n.videoId)]),
    );
    expect(shown.map((n) => n.querySelector('[data-testid="neighbour-score"]')?.textContent)).toEqual(
      expected.neighbours.map((n) => n.score.toFixed(3)),
    );
    const scores = expected.neighbours.map((n) => n.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    // Label matches: Class0 = videos 3, 6, 9, 12.
    for (const item of shown) {
      const same = ['6', '9', '12'].includes(item.dataset.videoId ?? '');
      expect(item.dataset.sameLabel).toBe(String(same));
      expect(item.classList.contains(same ? 'same' : 'other')).toBe(true);
      expect(item.querySelector('[data-testid="label-match"]')?.textContent).toContain(same ? 'same label' : 'other label');
    }
  });

  it('marks no label match when the query has no label', async () => {
    const api = new FakeApi({
      openPath: '/lib',
      videos: makeVideos(6, (id) => (id === 1 ? { label: null } : {})),
      featureSets: [makeFeatureSet(1, { videoCount: 6 })],
    });
    const { click, card, neighbours } = await openRetrieve(api);
    await click(card(1));
    expect(neighbours().every((n) => n.dataset.sameLabel === 'none')).toBe(true);
    expect(neighbours()[0]?.querySelector('[data-testid="label-match"]')).toBeNull();
  });

  it('asks the same query again when another set, k or clip is chosen', async () => {
    const api = library();
    const { q, click, change, card, neighbours, setItem } = await openRetrieve(api);
    await click(card(3));
    const before = neighbours().map((n) => n.dataset.videoId);

    await click(setItem(1)!.querySelector('[data-testid="feature-set-select"]'));
    expect(api.callsOf('retrieval.query').at(-1)).toEqual({ setId: 1, videoId: 3, k: 10 });
    const expected = await api.call('retrieval.query', { setId: 1, videoId: 3, k: 10 });
    const after = neighbours().map((n) => n.dataset.videoId);
    expect(after).toEqual(expected.neighbours.map((n) => String(n.videoId)));
    expect(after).not.toEqual(before);
    expect(q('retrieve-set-name')?.textContent).toContain('Run 1');

    await change(q('retrieve-k'), '5');
    expect(neighbours()).toHaveLength(5);
    await click(q('retrieve-clip-toggle'));
    expect(api.callsOf('retrieval.query').at(-1)).toEqual({ setId: 1, videoId: 3, k: 5, clipIndex: 0 });
    await change(q('retrieve-clip'), '7');
    expect(api.callsOf('retrieval.query').at(-1)).toMatchObject({ clipIndex: 7 });
    expect(q('retrieval-query')?.textContent).toMatch(/\d\.\d\d–\d\.\d\d s/);
    expect(neighbours()[0]?.textContent).toMatch(/\d\.\d\d–\d\.\d\d s/);
  });

  it('extracts a random-init baseline with live progress, cancels, updates and deletes', async () => {
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(12) });
    const { q, all, click, change, setItem } = await openRetrieve(api);
    expect(q('feature-sets')?.textContent).toContain('No feature sets yet');
    // No runs: random init of a task's backbone at a preset.
    await change(q('extract-task'), 'sequence-sorting');
    expect((q('extract-backbone') as HTMLSelectElement).value).toBe('alexnet');
    await click(q('extract-random'));
    expect(api.callsOf('features.extract')).toEqual([
      { source: { kind: 'random', task: 'sequence-sorting', backbone: 'alexnet', preset: 'tiny' }, protocol: 'compact' },
    ]);
    expect(setItem(1)?.dataset.status).toBe('extracting');
    expect((q('extract-random') as HTMLButtonElement).disabled).toBe(true);

    api.emitExtraction(1, { done: 3, total: 12, clipsPerSecond: 12.46, etaSeconds: 80 });
    await update();
    const progress = q('extraction-progress')!;
    expect(progress.textContent).toContain('3 / 12 videos');
    expect(progress.textContent).toContain('12.5 clips/s');
    expect(progress.textContent).toContain('1 min 20 s left');

    await click(q('extraction-cancel'));
    expect(api.callsOf('features.cancel')).toEqual([{ setId: 1 }]);
    expect((q('extraction-cancel') as HTMLButtonElement).disabled).toBe(true);
    api.finishExtraction(1, 'cancelled', {
      videoCount: 3,
      missingCount: 9,
      failures: [{ videoId: 2, fileName: 'v_2.avi', reason: 'too short to decode 16 frames' }],
    });
    await update();
    expect(q('extraction-progress')).toBeNull();
    expect(setItem(1)?.dataset.status).toBe('cancelled');
    expect(q('feature-set-missing')?.textContent).toContain('9 missing');
    expect(all('feature-set-failure')[0]?.textContent).toContain('v_2.avi: too short to decode 16 frames');

    // Update extracts what the set lacks, with its own weights.
    await click(q('feature-set-update'));
    expect(api.callsOf('features.update')).toEqual([{ setId: 1 }]);
    expect(setItem(1)?.dataset.status).toBe('extracting');
    api.finishExtraction(1, 'failed', { error: 'the extraction worker stopped unexpectedly (exit code 1)' });
    await update();
    expect(q('feature-set-error')?.textContent).toContain('stopped unexpectedly');

    await click(q('feature-set-delete'));
    expect(api.callsOf('features.delete')).toEqual([]);
    await click(q('feature-set-delete-keep'));
    await click(q('feature-set-delete'));
    await click(q('feature-set-delete-confirm'));
    expect(api.callsOf('features.delete')).toEqual([{ setId: 1 }]);
    expect(setItem(1)).toBeNull();
  });

  it('extracts with a run’s checkpoint or its random-init twin', async () => {
    const api = library([]);
    const { q, click, change, setItem } = await openRetrieve(api);
    expect((q('extract-run-select') as HTMLSelectElement).value).toBe('1');
    await click(q('extract-run'));
    expect(api.callsOf('features.extract').at(-1)).toEqual({ source: { kind: 'run', runId: 1, checkpoint: 'auto' }, protocol: 'compact' });
    api.finishExtraction(1);
    await update();
    expect(setItem(1)?.classList.contains('selected')).toBe(true);
    expect(setItem(1)?.querySelector('[data-testid="feature-set-protocol"]')?.textContent).toMatch(/^compact · 112 px · 10 clips/);
    await click(q('extract-random'));
    expect(api.callsOf('features.extract').at(-1)).toEqual({ source: { kind: 'random', runId: 1 }, protocol: 'compact' });
    expect(setItem(2)?.textContent).toContain('Random init · like run 1');
    // VCOP's reference features of the same weights are a set of their own, named and described as such.
    api.finishExtraction(2);
    await update();
    await change(q('extract-protocol'), 'vcop-reference');
    await click(q('extract-run'));
    expect(api.callsOf('features.extract').at(-1)).toEqual({ source: { kind: 'run', runId: 1, checkpoint: 'auto' }, protocol: 'vcop-reference' });
    expect(setItem(3)?.textContent).toContain('VCOP reference');
    expect(setItem(3)?.querySelector('[data-testid="feature-set-protocol"]')?.textContent).toMatch(/^VCOP reference · 112 px/);
  });

  it('compares up to four results with the query, on shared controls', async () => {
    // jsdom's media elements never play: keep `paused` true to what play/pause did, or the clock's tick
    // (every few ms, so more often on a busy machine) would rightly restart them and count extra plays.
    const playing = new WeakSet<HTMLMediaElement>();
    vi.spyOn(HTMLMediaElement.prototype, 'paused', 'get').mockImplementation(function (this: HTMLMediaElement) {
      return !playing.has(this);
    });
    const play = vi.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(function (this: HTMLMediaElement) {
      playing.add(this);
      return Promise.resolve();
    });
    const pause = vi.spyOn(HTMLMediaElement.prototype, 'pause').mockImplementation(function (this: HTMLMediaElement) {
      playing.delete(this);
    });
    const api = library();
    const { q, all, click, change, card, neighbours } = await openRetrieve(api);
    await click(card(3));
    expect((q('compare-open') as HTMLButtonElement).disabled).toBe(true);
    const boxes = () => neighbours().map((n) => n.querySelector<HTMLInputElement>('[data-testid="neighbour-compare"]')!);
    for (const box of boxes().slice(0, 4)) await click(box);
    expect(q('compare-count')?.textContent).toContain('4 / 4');
    expect(boxes().slice(4).every((box) => box.disabled)).toBe(true);
    await click(boxes()[1]!);
    expect(boxes().slice(4).every((box) => !box.disabled)).toBe(true);
    await click(boxes()[5]!);

    await click(q('compare-open'));
    const videos = all('compare-video') as HTMLVideoElement[];
    const chosen = [0, 2, 3, 5].map((i) => neighbours()[i]!.dataset.videoId);
    expect(videos.map((v) => v.dataset.videoId)).toEqual(['3', ...chosen]);
    expect(videos.every((v) => v.muted && v.dataset.offset === '0')).toBe(true);
    expect(videos[0]?.getAttribute('src')).toBe('media://playable/3');
    expect((q('compare-scrub') as HTMLInputElement).max).toBe('7.2');

    await click(q('compare-play'));
    expect(play).toHaveBeenCalledTimes(5);
    expect(q('compare-play')?.dataset.playing).toBe('true');
    await change(q('compare-speed'), '0.5');
    expect(videos.every((v) => v.playbackRate === 0.5)).toBe(true);
    await click(q('compare-play'));
    expect(pause).toHaveBeenCalledTimes(5);

    // A file the browser cannot decode says so; the others stay.
    videos[2]!.dispatchEvent(new Event('error'));
    await update();
    expect(q('compare-unplayable')?.textContent).toBe(UNPLAYABLE_MESSAGE);
    expect(all('compare-video')).toHaveLength(4);

    await click(q('compare-close'));
    expect(q('compare-panel')).toBeNull();
  });

  it('offsets clip results to their clips', async () => {
    vi.spyOn(HTMLMediaElement.prototype, 'play').mockImplementation(() => Promise.resolve());
    const api = library();
    const { q, all, click, change, card, neighbours } = await openRetrieve(api);
    await click(card(3));
    await click(q('retrieve-clip-toggle'));
    await change(q('retrieve-clip'), '4');
    const result = await api.call('retrieval.query', { setId: 2, videoId: 3, k: 10, clipIndex: 4 });
    await click(neighbours()[0]!.querySelector('[data-testid="neighbour-compare"]'));
    await click(q('compare-open'));
    const videos = all('compare-video') as HTMLVideoElement[];
    expect(videos.map((v) => Number(v.dataset.offset))).toEqual([result.query.clip!.startSeconds, result.neighbours[0]!.clip!.startSeconds]);
    expect(videos.map((v) => v.currentTime)).toEqual([result.query.clip!.startSeconds, result.neighbours[0]!.clip!.startSeconds]);
    expect(Number((q('compare-scrub') as HTMLInputElement).max)).toBeCloseTo(16 / 25);
  });
});
