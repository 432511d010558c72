// @vitest-environment jsdom
import { afterEach, describe, expect, it } from 'vitest';
import { renderApp, unmountApp, update } from '../lib/testing/render-app.ts';
import { RealApi } from '../../../test-backend/real-api.ts';
import { BROKEN_VIDEO, SHORT_VIDEO, UI_READY_VIDEOS, uiVideos } from '../../../test-backend/videos.ts';

let api: RealApi | null = null;
afterEach(async () => {
  unmountApp();
  await api?.close();
  api = null;
});

/** A real backend with nothing open, closed after the test. */
function backend(options?: ConstructorParameters<typeof RealApi>[0]): RealApi {
  api = new RealApi(options);
  return api;
}

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
    const api = backend();
    await api.openLibrary('big.pretext');
    api.recordVideos(500, (i) => ({ label: `Class${i % 3}`, ...(i % 50 === 0 ? { error: 'broken file' } : {}) }));
    await api.library.close();
    const { q, all } = await render(api);
    expect(q('library-header')).toBeNull();
    expect(q('import-start')).toBeNull();

    const missing = api.path('missing.pretext');
    type(q('library-path-input'), missing);
    q('library-open-button')!.click();
    await update();
    expect(q('error-banner')?.textContent).toContain(`No library at ${missing}`);

    type(q('library-path-input'), api.path('big.pretext'));
    q('library-open-button')!.click();
    await update();
    expect(q('error-banner')).toBeNull();
    expect(q('library-header')?.textContent).toContain(api.path('big.pretext'));
    expect(q('library-counts')?.textContent).toContain('500 videos');
    expect(q('library-counts')?.textContent).toContain('10 failed');

    // Virtualised: a handful of cards, not 500.
    const cards = all('video-card');
    expect(cards.length).toBeGreaterThan(0);
    expect(cards.length).toBeLessThan(50);
    const first = cards[0]!.dataset;
    expect(first).toMatchObject({ status: 'ready' });
    expect(cards[0]?.querySelector('img')).toBeNull(); // stored without a thumbnail
    expect(q('video-grid')).not.toBeNull();

    cards[0]!.click();
    await update();
    expect(q('video-details')?.textContent).toContain(`/videos/${first.label}/v_${first.videoId}.avi`);
    expect(q('video-details')?.querySelector('video')?.getAttribute('src')).toBe(`media://playable/${first.videoId}`);
    expect(q('too-short')).toBeNull();

    choose(q('status-filter'), 'failed');
    await update();
    const failed = all('video-card');
    expect(failed.length).toBeGreaterThan(0); // 10 match; the 1-column jsdom viewport shows 7
    expect(failed.every((c) => c.dataset.status === 'failed')).toBe(true);
    expect(failed[0]?.textContent).toContain('broken file');

    choose(q('label-filter'), 'Class2');
    await update();
    expect(api.callsOf('videos.list').at(-1)).toMatchObject({ label: 'Class2', status: 'failed' });
    expect(all('video-card').length).toBeGreaterThan(0);
    expect(all('video-card').every((c) => c.dataset.label === 'Class2' && c.dataset.status === 'failed')).toBe(true);
  });

  it('offers the recent libraries in the chooser, each opened with one click', async () => {
    const api = backend();
    const [a, b] = [api.path('a.pretext'), api.path('b.pretext')];
    await api.openLibrary('a.pretext');
    await api.openLibrary('b.pretext');
    await api.library.close();
    api.recentLibraries = [b, a];
    const { q, all, click } = await render(api);
    expect(all('recent-library').map((button) => button.textContent)).toEqual([b, a]);
    await click(all('recent-library')[0]!);
    expect(api.callsOf('library.open').at(-1)).toMatchObject({ path: b, create: false });
    expect(q('library-header')?.textContent).toContain(b);
    await click(q('library-change'));
    expect(all('recent-library').map((button) => button.textContent)).toEqual([a]);
  });

  it('shows the library chooser when Change… is pressed on any tab', async () => {
    const api = backend();
    await api.openUiLibrary();
    const { q, click, app } = await render(api);
    await click(q('train-tab'));
    await click(q('library-change'));
    expect(app.screen).toBe('library');
    expect(q('library-path-input')).not.toBeNull();
  });

  it('counts in the label filter what choosing the label finds', async () => {
    const api = backend();
    await api.openLibrary();
    api.recordVideos(5, (i) => (i > 3 ? { label: null, error: 'broken file' } : { label: 'Class1' }));
    const { q, all } = await render(api);
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
    const api = backend();
    await api.openUiLibrary();
    const { q, all, change } = await render(api);
    await change(q('label-filter'), SHORT_VIDEO.split('/')[0]!);
    const card = all('video-card')[0]!;
    expect(card.querySelector('img')?.getAttribute('src')).toBe(`media://thumbnail/${card.dataset.videoId}`);
    card.click();
    await update();
    expect(q('too-short')?.textContent).toMatch(/Too short for\s+order-verification \(paper: needs [\d,]+ frames\)/);
    expect(q('too-short')?.textContent).toMatch(/clip-order \(paper: needs [\d,]+ frames\)/);
  });

  it('shows which ffmpeg and ffprobe read the videos, and warns when only an old build exists', async () => {
    const api = backend();
    await api.openLibrary();
    const { mediaTools } = await api.call('app.info', {});
    const current = await render(api);
    expect(current.q('media-tools')?.textContent).toContain(`ffmpeg ${mediaTools.ffmpegVersion} and ffprobe ${mediaTools.ffprobeVersion}`);
    expect(current.q('media-tools-warning')).toBeNull();
    unmountApp();

    // Which tools this machine has is not the test's to choose: only what the backend found is replaced.
    const warning = 'Only an old build was found: ffprobe 4.0.2-static (ffprobe-static, from 2018). Install FFmpeg 5.0 or newer.';
    api.override('app.info', async (input, real) => ({
      ...(await real(input)),
      mediaTools: {
        ok: true,
        ffmpeg: '/usr/bin/ffmpeg',
        ffprobe: '/node_modules/ffprobe-static/bin/linux/x64/ffprobe',
        source: 'ffmpeg: system, ffprobe: ffprobe-static',
        ffmpegVersion: '5.1.9-0+deb12u1',
        ffprobeVersion: '4.0.2-static',
        message: null,
        warning,
      },
    }));
    const old = await render(api);
    expect(old.q('media-tools')?.textContent).toMatch(/ffprobe 4\.0\.2-static\s+\(ffmpeg: system, ffprobe: ffprobe-static\)/);
    expect(old.q('media-tools-warning')?.textContent).toContain(warning);
  });

  it('runs an import with progress, summary and failures', async () => {
    const api = backend();
    await api.openLibrary();
    const folder = await uiVideos();
    const { q, all } = await render(api);
    expect(q('import-pick-folder')).toBeNull(); // browser shell

    type(q('import-folder-input'), folder);
    const progressed = api.next('import.progress', (p) => p.phase === 'importing' && p.counts.processed > 0);
    const finished = api.next('import.finished');
    q('import-start')!.click();
    await progressed;
    await update();
    const progress = q('import-progress');
    if (progress) {
      // The import may already be done here; while it runs, it shows how far it is.
      expect(progress.textContent).toMatch(/\d+ \/ 9/);
      expect(progress.querySelector('progress')?.getAttribute('max')).toBe('9');
      expect(q('import-cancel')).not.toBeNull();
    }

    await finished;
    await update();
    expect(q('import-progress')).toBeNull();
    const summary = q('import-summary')!;
    expect(summary.querySelector('[data-count="imported"]')?.textContent).toContain(String(UI_READY_VIDEOS));
    expect(summary.querySelector('[data-count="failed"]')?.textContent).toContain('1');
    const failures = all('failure-item');
    expect(failures).toHaveLength(1);
    expect(failures[0]?.textContent).toContain(BROKEN_VIDEO);
  });

  it('offers the native folder picker in Electron', async () => {
    const api = backend({ pickFolder: () => '/picked/videos' });
    await api.openLibrary();
    const { q } = await render(api, 'electron');
    q('import-pick-folder')!.click();
    await update();
    expect((q('import-folder-input') as HTMLInputElement).value).toBe('/picked/videos');
  });
});
