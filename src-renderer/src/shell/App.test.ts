// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { FakeApi, makeVideos } from '../lib/testing/fake-api.ts';
import { renderApp, unmountApp, update } from '../lib/testing/render-app.ts';

afterEach(unmountApp);

const render = renderApp;

function type(input: HTMLElement | null, value: string): void {
  const el = input as HTMLInputElement;
  el.value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

function choose(select: HTMLElement | null, value: string): void {
  const el = select as HTMLSelectElement;
  el.value = value;
  el.dispatchEvent(new Event('change', { bubbles: true }));
}

describe('App', () => {
  it('opens a library from the form and shows an error for a missing one', async () => {
    const api = new FakeApi({
      knownLibraries: ['/lib'],
      videos: makeVideos(500, (id) => (id % 50 === 0 ? { status: 'failed', error: 'broken file' } : {})),
    });
    const { q, all } = await render(api);
    expect(q('library-header')).toBeNull();
    expect(q('import-start')).toBeNull();

    type(q('library-path-input'), '/missing');
    q('library-open-button')!.click();
    await update();
    expect(q('error-banner')?.textContent).toContain('No library at /missing');

    type(q('library-path-input'), '/lib');
    q('library-open-button')!.click();
    await update();
    expect(q('error-banner')).toBeNull();
    expect(q('library-header')?.textContent).toContain('/lib');
    expect(q('library-counts')?.textContent).toContain('500 videos');
    expect(q('library-counts')?.textContent).toContain('10 failed');

    // Virtualised: a handful of cards, not 500.
    const cards = all('video-card');
    expect(cards.length).toBeGreaterThan(0);
    expect(cards.length).toBeLessThan(50);
    expect(cards[0]?.dataset).toMatchObject({ videoId: '1', status: 'ready', label: 'Class1' });
    expect(cards[0]?.querySelector('img')?.getAttribute('src')).toBe('media://thumbnail/1');
    expect(q('video-grid')).not.toBeNull();

    cards[0]!.click();
    await update();
    expect(q('video-details')?.textContent).toContain('/videos/Class1/v_1.avi');
    expect(q('video-details')?.querySelector('video')?.getAttribute('src')).toBe('media://playable/1');
    expect(q('too-short')).toBeNull();

    choose(q('status-filter'), 'failed');
    await update();
    const failed = all('video-card');
    expect(failed.length).toBeGreaterThan(0); // 10 match; the 1-column jsdom viewport shows 7
    expect(failed[0]?.dataset.videoId).toBe('50');
    expect(failed.every((c) => c.dataset.status === 'failed')).toBe(true);
    expect(failed[0]?.textContent).toContain('broken file');

    choose(q('label-filter'), 'Class2');
    await update();
    expect(api.callsOf('videos.list').at(-1)).toMatchObject({ label: 'Class2', status: 'failed' });
    expect(all('video-card').every((c) => c.dataset.label === 'Class2')).toBe(true);
  });

  it('offers the recent libraries in the chooser, each opened with one click', async () => {
    const api = new FakeApi({ knownLibraries: ['/a', '/b'], recentLibraries: ['/b', '/a'] });
    const { q, all, click } = await render(api);
    expect(all('recent-library').map((button) => button.textContent)).toEqual(['/b', '/a']);
    await click(all('recent-library')[0]!);
    expect(api.callsOf('library.open').at(-1)).toMatchObject({ path: '/b', create: false });
    expect(q('library-header')?.textContent).toContain('/b');
    await click(q('library-change'));
    expect(all('recent-library').map((button) => button.textContent)).toEqual(['/a']);
  });

  it('shows the library chooser when Change… is pressed on any tab', async () => {
    const { q, click, app } = await render(new FakeApi({ openPath: '/lib', knownLibraries: ['/lib'], videos: makeVideos(2) }));
    await click(q('train-tab'));
    await click(q('library-change'));
    expect(app.screen).toBe('library');
    expect(q('library-path-input')).not.toBeNull();
  });

  it('counts in the label filter what choosing the label finds', async () => {
    const videos = makeVideos(5, (id) => (id > 3 ? { status: 'failed', label: null } : {}));
    const { q, all } = await render(new FakeApi({ openPath: '/lib', videos }));
    const option = (value: string) => (q('label-filter') as HTMLSelectElement).querySelector(`option[value="${value}"]`)?.textContent;
    expect(option('/unlabelled')).toBe('Unlabelled (2)');
    choose(q('label-filter'), '/unlabelled');
    await update();
    expect(all('video-card').map((card) => card.dataset.videoId)).toEqual(['4', '5']);
    choose(q('status-filter'), 'ready');
    await update();
    expect(option('/unlabelled')).toBe('Unlabelled (0)');
    expect(all('video-card')).toEqual([]);
    choose(q('status-filter'), 'failed');
    await update();
    expect(option('/unlabelled')).toBe('Unlabelled');
  });

  it('says which task presets a short video cannot serve', async () => {
    const tooShortFor = [{ task: 'clip-order', preset: 'paper', framesNeeded: 64 }] as const;
    const api = new FakeApi({ openPath: '/lib', videos: makeVideos(1, () => ({ durationS: 1, frameCount: 25, tooShortFor: [...tooShortFor] })) });
    const { q, all } = await render(api);
    all('video-card')[0]!.click();
    await update();
    expect(q('too-short')?.textContent).toMatch(/Too short for\s+clip-order \(paper: needs 64 frames\)/);
  });

  it('shows which ffmpeg and ffprobe read the videos, and warns when only an old build exists', async () => {
    const current = await render(new FakeApi({ openPath: '/lib' }));
    expect(current.q('media-tools')?.textContent).toContain('ffmpeg 7.1 and ffprobe 7.1');
    expect(current.q('media-tools-warning')).toBeNull();
    unmountApp();

    const warning = 'Only an old build was found: ffprobe 4.0.2-static (ffprobe-static, from 2018). Install FFmpeg 5.0 or newer.';
    const mediaTools = {
      ok: true,
      ffmpeg: '/usr/bin/ffmpeg',
      ffprobe: '/node_modules/ffprobe-static/bin/linux/x64/ffprobe',
      source: 'ffmpeg: system, ffprobe: ffprobe-static',
      ffmpegVersion: '5.1.9-0+deb12u1',
      ffprobeVersion: '4.0.2-static',
      message: null,
      warning,
    };
    const old = await render(new FakeApi({ openPath: '/lib', appInfo: { version: '1', platform: 'test', mediaTools } }));
    expect(old.q('media-tools')?.textContent).toMatch(/ffprobe 4\.0\.2-static\s+\(ffmpeg: system, ffprobe: ffprobe-static\)/);
    expect(old.q('media-tools-warning')?.textContent).toContain(warning);
  });

  it('runs an import with progress, summary and failures', async () => {
    const api = new FakeApi({
      openPath: '/lib',
      failures: { 1: [{ path: '/videos/bad.avi', reason: 'moov atom not found' }] },
    });
    const { q, all } = await render(api);
    expect(q('import-pick-folder')).toBeNull(); // browser shell

    type(q('import-folder-input'), '/videos');
    q('import-start')!.click();
    await update();
    expect(q('import-progress')).not.toBeNull();
    api.emit('import.progress', {
      jobId: 1,
      phase: 'importing',
      counts: { found: 4, processed: 1, imported: 1, updated: 0, unchanged: 0, moved: 0, duplicates: 0, failed: 0, missing: 0 },
      currentFile: '/videos/a.avi',
      etaSeconds: 80,
    });
    await update();
    const progress = q('import-progress')!;
    expect(progress.textContent).toContain('1 / 4');
    expect(progress.textContent).toContain('1 min 20 s');
    expect(progress.textContent).toContain('/videos/a.avi');
    expect(progress.querySelector('progress')?.getAttribute('max')).toBe('4');
    expect(q('import-cancel')).not.toBeNull();

    api.emit('import.finished', {
      id: 1, root: '/videos', status: 'completed', startedAt: '2025-01-01T00:00:00Z', finishedAt: '2025-01-01T00:01:00Z', error: null,
      found: 4, processed: 4, imported: 2, updated: 0, unchanged: 1, moved: 0, duplicates: 0, failed: 1, missing: 0,
    });
    await update();
    expect(q('import-progress')).toBeNull();
    const summary = q('import-summary')!;
    expect(summary.querySelector('[data-count="imported"]')?.textContent).toContain('2');
    expect(summary.querySelector('[data-count="failed"]')?.textContent).toContain('1');
    const failures = all('failure-item');
    expect(failures).toHaveLength(1);
    expect(failures[0]?.textContent).toContain('/videos/bad.avi');
    expect(failures[0]?.textContent).toContain('moov atom not found');
  });

  it('offers the native folder picker in Electron', async () => {
    const api = new FakeApi({ openPath: '/lib', pickedFolder: '/picked/videos' });
    const { q } = await render(api, 'electron');
    q('import-pick-folder')!.click();
    await update();
    expect((q('import-folder-input') as HTMLInputElement).value).toBe('/picked/videos');
  });
});
