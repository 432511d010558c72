import { afterEach, describe, expect, it } from 'vitest';
import { RealApi } from '../../../test-backend/real-api.ts';
import { uiVideos } from '../../../test-backend/videos.ts';
import { AppState } from './app-state.svelte.ts';

let api: RealApi | null = null;
afterEach(async () => {
  await api?.close();
  api = null;
});

function setup() {
  api = new RealApi();
  const app = new AppState({ api, shell: 'browser', mediaUrl: (kind, id) => `${kind}:${id}` });
  const stop = app.start();
  return { api, app, stop };
}

describe('AppState', () => {
  it('loads app info, the library and its import jobs, and tears down its subscriptions', async () => {
    const { api, app, stop } = setup();
    await api.settled();
    const { path } = await api.openUiLibrary();
    // Opening announces the library; the app follows it (as it follows any library.changed).
    await api.settled();
    const { version } = await api.call('app.info', {});
    expect(app.appInfo?.version).toBe(version);
    expect(app.library.info?.path).toBe(path);
    expect(app.importer.jobs).toHaveLength(1);
    // Training and extraction events are followed from the start, whatever screen is shown.
    expect(api.listenerCount('training.progress')).toBe(1);
    expect(api.listenerCount('features.progress')).toBe(1);
    expect(api.listenerCount('features.finished')).toBe(1);
    stop();
    expect(api.listenerCount('library.changed')).toBe(0);
    expect(api.listenerCount('import.progress')).toBe(0);
    expect(api.listenerCount('training.progress')).toBe(0);
    expect(api.listenerCount('training.metrics')).toBe(0);
    expect(api.listenerCount('training.finished')).toBe(0);
    expect(api.listenerCount('features.progress')).toBe(0);
    expect(api.listenerCount('features.finished')).toBe(0);
  });

  it('loads no import jobs until a library is open, then resets the panel per library', async () => {
    const { api, app } = setup();
    const [a, b] = [api.path('a.pretext'), api.path('b.pretext')];
    await api.openLibrary('a.pretext');
    await api.openLibrary('b.pretext');
    await api.library.close();
    await api.settled();
    api.calls.length = 0;
    expect(api.callsOf('import.jobs')).toEqual([]);
    await app.openLibrary(a, false);
    // Loaded for the open library (its own open and the library.changed it sets off may both ask).
    expect(api.callsOf('import.jobs').length).toBeGreaterThan(0);
    app.importer.folder = await uiVideos();
    const finished = api.next('import.finished');
    await app.importer.startImport();
    await finished;
    expect(app.importer.phase).toBe('finished');
    await api.settled();

    await app.openLibrary(b, false);
    expect(app.importer.phase).toBe('idle');
    expect(app.importer.summary).toBeNull();
  });

  it('follows a library opened elsewhere', async () => {
    const { api, app } = setup();
    await api.settled();
    expect(app.library.info).toBeNull();
    // Another window (or the CLI's serve session) opens one: library.changed says so.
    const { path } = await api.openLibrary('cli.pretext');
    await api.settled();
    expect(app.library.info?.path).toBe(path);
    expect(api.callsOf('import.jobs')).toHaveLength(1);
  });

  it('refreshes the library when an import finishes', async () => {
    const { api, app } = setup();
    await api.openLibrary();
    await api.settled();
    app.importer.folder = await uiVideos();
    const finished = api.next('import.finished');
    await app.importer.startImport();
    const before = api.callsOf('library.current').length;
    await finished;
    await api.settled();
    expect(api.callsOf('library.current').length).toBe(before + 1);
    expect(app.library.info?.counts.ready).toBeGreaterThan(0);
  });
});
