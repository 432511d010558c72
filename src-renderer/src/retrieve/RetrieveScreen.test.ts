// @vitest-environment jsdom
import { flushSync } from 'svelte';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import type { FeatureSetDto, RunDto, VideoDto } from '@shared/dto.ts';
import { trainPreset } from '@shared/training.ts';
import { renderApp, unmountApp, update } from '../lib/testing/render-app.ts';
import { RealApi } from '../../../test-backend/real-api.ts';
import { UNLABELLED_VIDEO } from '../../../test-backend/videos.ts';
import { UNPLAYABLE_MESSAGE } from './compare-clock.svelte.ts';

/**
 * One library for the file: the generated videos and a clip-order run trained for two steps. The
 * first test extracts its sets (trained, random-init twin, VCOP reference); the later ones search them.
 */
let api: RealApi;
let run: RunDto;
let videos: VideoDto[];
const sets: { trained?: FeatureSetDto; random?: FeatureSetDto } = {};
beforeAll(async () => {
  api = new RealApi();
  await api.openUiLibrary();
  const config = { ...trainPreset('clip-order', 'r3d', 'tiny'), steps: 2, batchSize: 2, evaluateEvery: 2, checkpointEvery: 2, validationTuples: 4 };
  const finished = api.next('training.finished');
  await api.call('training.start', { config });
  run = await finished;
  videos = (await api.call('videos.list', { status: 'ready' })).items;
}, 300_000); // training, on a busy machine
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

const video = (fileName: string, label: string | null) => videos.find((v) => v.fileName === fileName && v.label === label)!;

async function openRetrieve(on: RealApi = api) {
  const rendered = await renderApp(on);
  await rendered.click(rendered.q('retrieve-tab'));
  const card = (videoId: number) =>
    rendered.target.querySelector<HTMLElement>(`[data-testid="retrieve-screen"] [data-testid="video-card"][data-video-id="${videoId}"]`);
  const setItem = (setId: number) =>
    rendered.target.querySelector<HTMLElement>(`[data-testid="feature-set"][data-set-id="${setId}"]`);
  const neighbours = () => rendered.all('neighbour');
  const chooseSet = (setId: number) => rendered.click(setItem(setId)!.querySelector('[data-testid="feature-set-select"]'));
  return { ...rendered, card, setItem, neighbours, chooseSet };
}

describe('Retrieve screen', () => {
  it('comes after Train and asks for a library first', async () => {
    const { q, click, app } = await renderApp(another());
    const tabs = [...document.querySelectorAll('[role="tab"]')].map((t) => t.getAttribute('data-testid'));
    expect(tabs.slice(-4)).toEqual(['train-tab', 'retrieve-tab', 'evaluate-tab', 'compare-tab']);
    await click(q('retrieve-tab'));
    await click(q('retrieve-no-library')!.querySelector('button'));
    expect(app.screen).toBe('library');
  });

  it('extracts with a run’s checkpoint or its random-init twin', async () => {
    const { q, click, change, setItem } = await openRetrieve();
    expect((q('extract-run-select') as HTMLSelectElement).value).toBe(String(run.id));
    let finished = api.next('features.finished');
    await click(q('extract-run'));
    expect(api.callsOf('features.extract').at(-1)).toEqual({ source: { kind: 'run', runId: run.id, checkpoint: 'auto' }, protocol: 'compact' });
    sets.trained = await finished;
    expect(sets.trained).toMatchObject({ status: 'ready', source: { kind: 'run', runId: run.id } });
    await update();
    expect(setItem(sets.trained.id)?.classList.contains('selected')).toBe(true);
    expect(setItem(sets.trained.id)?.querySelector('[data-testid="feature-set-protocol"]')?.textContent).toMatch(
      new RegExp(`^compact · ${sets.trained.inputSize} px · 10 clips`),
    );
    finished = api.next('features.finished');
    await click(q('extract-random'));
    expect(api.callsOf('features.extract').at(-1)).toEqual({ source: { kind: 'random', runId: run.id }, protocol: 'compact' });
    sets.random = await finished;
    await update();
    expect(setItem(sets.random.id)?.textContent).toContain(`Random init · like run ${run.id}`);
    // VCOP's reference features of the same weights are a set of their own, named and described as such.
    finished = api.next('features.finished');
    await change(q('extract-protocol'), 'vcop-reference');
    await click(q('extract-run'));
    expect(api.callsOf('features.extract').at(-1)).toEqual({ source: { kind: 'run', runId: run.id, checkpoint: 'auto' }, protocol: 'vcop-reference' });
    const reference = await finished;
    await update();
    expect(new Set([sets.trained.id, sets.random.id, reference.id]).size).toBe(3);
    expect(setItem(reference.id)?.textContent).toContain('VCOP reference');
    expect(setItem(reference.id)?.querySelector('[data-testid="feature-set-protocol"]')?.textContent).toMatch(/^VCOP reference · 112 px/);
  }, 240_000); // trains or extracts for real, on a busy machine

  it('shows a query’s neighbours in rank order with scores and label matches', async () => {
    const { q, click, card, neighbours, setItem, chooseSet } = await openRetrieve();
    const { trained, random } = sets as Required<typeof sets>;
    expect(setItem(trained.id)?.textContent).toContain(`${trained.videoCount} videos`);
    expect(setItem(trained.id)?.textContent).toContain(`${trained.featureSize}-d`);
    expect(setItem(random.id)?.textContent).toContain('ready');
    await chooseSet(random.id);
    expect(setItem(random.id)?.getAttribute('class')).toContain('selected');

    const query = video('clip_0.mp4', 'move_left');
    await click(card(query.id));
    const expected = await api.call('retrieval.query', { setId: random.id, videoId: query.id, k: 10 });
    expect(api.callsOf('retrieval.query')).toContainEqual({ setId: random.id, videoId: query.id, k: 10 });
    expect(q('retrieval-query')?.dataset.videoId).toBe(String(query.id));
    expect(q('retrieval-query')?.textContent).toContain(query.fileName);

    const shown = neighbours();
    expect(shown.length).toBeGreaterThan(0);
    expect(shown.map((n) => [n.dataset.rank, n.dataset.videoId])).toEqual(
      expected.neighbours.map((n) => [String(n.rank), String(n.videoId)]),
    );
    expect(shown.map((n) => n.querySelector('[data-testid="neighbour-score"]')?.textContent)).toEqual(
      expected.neighbours.map((n) => n.score.toFixed(3)),
    );
    const scores = expected.neighbours.map((n) => n.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));

    // Label matches: the other move_left clip only (the unlabelled video matches nothing).
    const labelOf = new Map(videos.map((v) => [String(v.id), v.label]));
    for (const item of shown) {
      const label = labelOf.get(item.dataset.videoId ?? '');
      const same = label === 'move_left';
      expect(item.dataset.sameLabel).toBe(label === null ? 'none' : String(same));
      if (label === null) continue;
      expect(item.classList.contains(same ? 'same' : 'other')).toBe(true);
      expect(item.querySelector('[data-testid="label-match"]')?.textContent).toContain(same ? 'same label' : 'other label');
    }
    expect(shown.filter((item) => item.dataset.sameLabel === 'true')).toHaveLength(1);
  });

  it('marks no label match when the query has no label', async () => {
    const { q, click, change, card, neighbours } = await openRetrieve();
    await change(q('label-filter'), '/unlabelled');
    await click(card(video(UNLABELLED_VIDEO, null).id));
    expect(neighbours().length).toBeGreaterThan(0);
    expect(neighbours().every((n) => n.dataset.sameLabel === 'none')).toBe(true);
    expect(neighbours()[0]?.querySelector('[data-testid="label-match"]')).toBeNull();
  });

  it('asks the same query again when another set, k or clip is chosen', async () => {
    const { trained, random } = sets as Required<typeof sets>;
    const { q, click, change, card, neighbours, chooseSet } = await openRetrieve();
    await chooseSet(random.id);
    const query = video('clip_1.mp4', 'move_up');
    await click(card(query.id));
    const before = await api.call('retrieval.query', { setId: random.id, videoId: query.id, k: 10 });
    expect(neighbours().map((n) => n.dataset.videoId)).toEqual(before.neighbours.map((n) => String(n.videoId)));

    await chooseSet(trained.id);
    expect(api.callsOf('retrieval.query').at(-1)).toEqual({ setId: trained.id, videoId: query.id, k: 10 });
    const expected = await api.call('retrieval.query', { setId: trained.id, videoId: query.id, k: 10 });
    expect(neighbours().map((n) => n.dataset.videoId)).toEqual(expected.neighbours.map((n) => String(n.videoId)));
    expect(neighbours().map((n) => n.querySelector('[data-testid="neighbour-score"]')?.textContent)).not.toEqual(
      before.neighbours.map((n) => n.score.toFixed(3)),
    );
    expect(q('retrieve-set-name')?.textContent).toContain(`Run ${run.id}`);

    await change(q('retrieve-k'), '5');
    expect(neighbours()).toHaveLength(5);
    await click(q('retrieve-clip-toggle'));
    expect(api.callsOf('retrieval.query').at(-1)).toEqual({ setId: trained.id, videoId: query.id, k: 5, clipIndex: 0 });
    await change(q('retrieve-clip'), '7');
    expect(api.callsOf('retrieval.query').at(-1)).toMatchObject({ clipIndex: 7 });
    expect(q('retrieval-query')?.textContent).toMatch(/\d\.\d\d–\d\.\d\d s/);
    expect(neighbours()[0]?.textContent).toMatch(/\d\.\d\d–\d\.\d\d s/);
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
    const { q, all, click, change, card, neighbours, chooseSet } = await openRetrieve();
    await chooseSet(sets.random!.id);
    const query = video('clip_0.mp4', 'move_left');
    await click(card(query.id));
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
    expect(videos.map((v) => v.dataset.videoId)).toEqual([String(query.id), ...chosen]);
    expect(videos.every((v) => v.muted && v.dataset.offset === '0')).toBe(true);
    expect(videos[0]?.getAttribute('src')).toBe(`media://playable/${query.id}`);
    expect((q('compare-scrub') as HTMLInputElement).max).toBe(String(query.durationS));

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
    const random = sets.random!;
    const { q, all, click, change, card, neighbours, chooseSet } = await openRetrieve();
    await chooseSet(random.id);
    const query = video('clip_0.mp4', 'move_left');
    await click(card(query.id));
    await click(q('retrieve-clip-toggle'));
    await change(q('retrieve-clip'), '4');
    const result = await api.call('retrieval.query', { setId: random.id, videoId: query.id, k: 10, clipIndex: 4 });
    await click(neighbours()[0]!.querySelector('[data-testid="neighbour-compare"]'));
    await click(q('compare-open'));
    const videos = all('compare-video') as HTMLVideoElement[];
    expect(videos.map((v) => Number(v.dataset.offset))).toEqual([result.query.clip!.startSeconds, result.neighbours[0]!.clip!.startSeconds]);
    expect(videos.map((v) => v.currentTime)).toEqual([result.query.clip!.startSeconds, result.neighbours[0]!.clip!.startSeconds]);
    expect(Number((q('compare-scrub') as HTMLInputElement).max)).toBeCloseTo(random.framesPerClip / 25);
  });

  it('extracts a random-init baseline with live progress, cancels, updates and deletes', async () => {
    const own = another();
    await own.openUiLibrary();
    // A ready video whose file is gone: extraction lists it as a failure.
    own.recordVideos(1, () => ({ label: 'move_left' }));
    const { q, all, click, change, setItem } = await openRetrieve(own);
    expect(q('feature-sets')?.textContent).toContain('No feature sets yet');
    // No runs: random init of a task's backbone at a preset.
    await change(q('extract-task'), 'sequence-sorting');
    expect((q('extract-backbone') as HTMLSelectElement).value).toBe('alexnet');
    const progressed = new Promise<{ done: number; total: number; text: string }>((resolve) => {
      const stop = own.events.on('features.progress', (p) => {
        if (p.done === 0) return;
        stop();
        flushSync();
        resolve({ done: p.done, total: p.total, text: q('extraction-progress')?.textContent ?? '' });
      });
    });
    await click(q('extract-random'));
    expect(own.callsOf('features.extract')).toEqual([
      { source: { kind: 'random', task: 'sequence-sorting', backbone: 'alexnet', preset: 'tiny' }, protocol: 'compact' },
    ]);
    const setId = Number(all('feature-set')[0]?.dataset.setId);
    expect(setItem(setId)?.dataset.status).toBe('extracting');
    expect((q('extract-random') as HTMLButtonElement).disabled).toBe(true);

    const progress = await progressed;
    expect(progress.text).toContain(`${progress.done} / ${progress.total} videos`);
    expect(progress.text).toMatch(/[\d.]+ clips\/s/);

    const stopped = own.next('features.finished');
    await click(q('extraction-cancel'));
    expect(own.callsOf('features.cancel')).toEqual([{ setId }]);
    const cancelled = await stopped;
    await update();
    expect(q('extraction-progress')).toBeNull();
    expect(setItem(setId)?.dataset.status).toBe(cancelled.status);
    if (cancelled.missingCount > 0) expect(q('feature-set-missing')?.textContent).toContain(`${cancelled.missingCount} missing`);

    // Update extracts what the set lacks, with its own weights; the missing file fails and says why.
    const updated = own.next('features.finished');
    await click(q('feature-set-update'));
    expect(own.callsOf('features.update')).toEqual([{ setId }]);
    expect(setItem(setId)?.dataset.status).toBe('extracting');
    const done = await updated;
    await update();
    expect(done.failures).toHaveLength(1);
    expect(all('feature-set-failure')[0]?.textContent).toContain(`v_1.avi: ${done.failures[0]!.reason}`);

    await click(q('feature-set-delete'));
    expect(own.callsOf('features.delete')).toEqual([]);
    await click(q('feature-set-delete-keep'));
    await click(q('feature-set-delete'));
    await click(q('feature-set-delete-confirm'));
    expect(own.callsOf('features.delete')).toEqual([{ setId }]);
    expect(setItem(setId)).toBeNull();
  }, 240_000); // trains or extracts for real, on a busy machine
});
