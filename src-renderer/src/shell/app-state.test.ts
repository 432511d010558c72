import { describe, expect, it } from 'vitest';
import { FakeApi, libraryInfo, makeJob, settle } from '../lib/testing/fake-api.ts';
import { AppState } from './app-state.svelte.ts';

function setup(api: FakeApi) {
  const app = new AppState({ api, shell: 'browser', mediaUrl: (kind, id) => `${kind}:${id}` });
  const stop = app.start();
  return { app, stop };
}

describe('AppState', () => {
  it('loads app info, the library and its import jobs, and tears down its subscriptions', async () => {
    const api = new FakeApi({ openPath: '/lib', jobs: [makeJob(1, { status: 'completed' })] });
    const { app, stop } = setup(api);
    await settle();
    expect(app.appInfo?.version).toBe('0.1.0-test');
    expect(app.library.info?.path).toBe('/lib');
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
    const api = new FakeApi({ knownLibraries: ['/a', '/b'], jobs: [makeJob(1, { status: 'completed' })] });
    const { app } = setup(api);
    await settle();
    expect(api.callsOf('import.jobs')).toEqual([]);
    await app.openLibrary('/a', false);
    expect(api.callsOf('import.jobs')).toHaveLength(1);
    app.importer.folder = '/videos';
    await app.importer.startImport();
    api.jobs = api.jobs.map((job) => ({ ...job, status: 'completed' }));
    api.emit('import.finished', makeJob(2, { status: 'completed' }));
    expect(app.importer.phase).toBe('finished');
    await settle();

    await app.openLibrary('/b', false);
    expect(app.importer.phase).toBe('idle');
    expect(app.importer.summary).toBeNull();
  });

  it('follows a library opened elsewhere', async () => {
    const api = new FakeApi();
    const { app } = setup(api);
    await settle();
    api.openPath = '/cli';
    api.emit('library.changed', libraryInfo('/cli', []));
    await settle();
    expect(app.library.info?.path).toBe('/cli');
    expect(api.callsOf('import.jobs')).toHaveLength(1);
  });

  it('refreshes the library when an import finishes', async () => {
    const api = new FakeApi({ openPath: '/lib' });
    const { app } = setup(api);
    await settle();
    app.importer.folder = '/videos';
    await app.importer.startImport();
    const before = api.callsOf('library.current').length;
    api.emit('import.finished', makeJob(1, { status: 'completed' }));
    await settle();
    expect(api.callsOf('library.current').length).toBe(before + 1);
  });
});
