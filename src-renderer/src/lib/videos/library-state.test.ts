import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VideoPage } from '@shared/dto.ts';
import { ApiError } from '@shared/errors.ts';
import { deferred, settle } from '../testing/async.ts';
import { RealApi, type RecordedVideo } from '../../../../test-backend/real-api.ts';
import { Notices } from '../notices/notices.svelte.ts';
import { LibraryState } from './library-state.svelte.ts';

let backends: RealApi[] = [];
function backend(): RealApi {
  const api = new RealApi();
  backends.push(api);
  return api;
}

/** Video i: labelled Class{i mod 3}, except every tenth, which failed and has no label. */
const video = (i: number): RecordedVideo => (i % 10 === 0 ? { label: null, error: 'ffprobe: invalid data' } : { label: `Class${i % 3}` });

/** A library of `videoCount` recorded videos (no files: the list is what is tested). */
async function setup(videoCount = 1000, options: ConstructorParameters<typeof LibraryState>[2] = {}) {
  const api = backend();
  const { path } = await api.openLibrary();
  api.recordVideos(videoCount, video);
  const notices = new Notices();
  const library = new LibraryState(api, notices, {
    pageSize: 100,
    searchDebounceMs: 200,
    changeCoalesceMs: 100,
    ...options,
  });
  return { api, notices, library, path };
}

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(backends.map((api) => api.close()));
  backends = [];
});

describe('LibraryState loading', () => {
  it('loads the current library and the first page', async () => {
    const { api, library, path } = await setup();
    await library.start();
    await settle();
    expect(library.loaded).toBe(true);
    expect(library.info?.path).toBe(path);
    expect(library.info?.counts.total).toBe(1000);
    expect(library.total).toBe(1000);
    expect(api.callsOf('videos.list')).toEqual([{ offset: 0, limit: 100 }]);
    const ids = api.listedIds();
    expect(library.videoAt(0)?.id).toBe(ids[0]);
    expect(library.videoAt(99)?.id).toBe(ids[99]);
    expect(library.videoAt(100)).toBeUndefined();
    expect(api.listenerCount('library.changed')).toBe(1);
    library.dispose();
    expect(api.listenerCount('library.changed')).toBe(0);
  });

  it('is loaded with no library when none is open', async () => {
    const api = backend();
    const library = new LibraryState(api, new Notices());
    await library.start();
    expect(library.loaded).toBe(true);
    expect(library.info).toBeNull();
    expect(api.callsOf('videos.list')).toEqual([]);
  });

  it('reports a failing library.current and still counts as loaded', async () => {
    const api = backend();
    api.failNext('library.current', new ApiError('DB_TOO_NEW', 'The library was made by a newer version.'));
    const notices = new Notices();
    const library = new LibraryState(api, notices);
    await library.start();
    expect(library.loaded).toBe(true);
    expect(notices.items[0]).toMatchObject({ code: 'DB_TOO_NEW', context: 'Load library' });
  });
});

describe('LibraryState opening', () => {
  it('opens an existing library or creates one, and reports a missing one', async () => {
    const api = backend();
    const { path: exists } = await api.openLibrary('exists.pretext');
    const notices = new Notices();
    const library = new LibraryState(api, notices);
    await library.start();

    expect(await library.open(api.path('nope.pretext'), false)).toBe(false);
    expect(notices.items[0]).toMatchObject({ code: 'NOT_FOUND', context: 'Open library' });
    expect(library.info?.path).toBe(exists);
    expect(library.opening).toBe(false);

    expect(await library.open(exists, false)).toBe(true);
    expect(library.info?.path).toBe(exists);
    expect(notices.items).toEqual([]); // the earlier failure is out of date

    expect(await library.open(api.path('new.pretext'), true)).toBe(true);
    expect(api.callsOf('library.open').at(-1)).toEqual({ path: api.path('new.pretext'), create: true });
    await settle();
    expect(library.total).toBe(0);
  });

  it('resets filters and selection when another library opens', async () => {
    const { api, library } = await setup(50);
    await api.openLibrary('other.pretext');
    await library.start();
    await settle();
    library.select(library.videoAt(3) ?? null);
    library.setStatusFilter('failed');
    await library.open(api.path('other.pretext'), false);
    expect(library.statusFilter).toBeUndefined();
    expect(library.selected).toBeNull();
  });
});

describe('LibraryState paging', () => {
  it('fetches only the pages that cover the viewport, once', async () => {
    const { api, library } = await setup(1000);
    await library.start();
    await settle();
    library.setViewport(250, 420);
    library.setViewport(260, 430); // in flight already: not asked again
    await settle();
    const offsets = api.callsOf('videos.list').map((q) => q.offset);
    expect(offsets).toEqual([0, 200, 300, 400]);
    expect(library.cachedPages).toEqual([0, 2, 3, 4]);
    expect(library.videoAt(250)?.id).toBe(api.listedIds()[250]);
    expect(library.videoAt(150)).toBeUndefined();
  });

  it('does not ask beyond the end of the list', async () => {
    const { api, library } = await setup(150);
    await library.start();
    await settle();
    library.setViewport(100, 5000);
    await settle();
    expect(api.callsOf('videos.list').map((q) => q.offset)).toEqual([0, 100]);
  });

  it('does not retry a failed page on every scroll, and reports it', async () => {
    const { api, notices, library } = await setup(1000);
    await library.start();
    await settle();
    api.failNext('videos.list', new ApiError('DB_ERROR', 'database is locked'));
    library.setViewport(500, 550);
    await settle();
    library.setViewport(500, 560);
    await settle();
    expect(api.callsOf('videos.list').filter((q) => q.offset === 500)).toHaveLength(1);
    expect(notices.items[0]).toMatchObject({ code: 'DB_ERROR', context: 'Load videos' });
  });
});

describe('LibraryState filters', () => {
  it('sends label, unlabelled and status filters and drops the cache', async () => {
    const { api, library } = await setup(1000);
    await library.start();
    await settle();
    library.setViewport(0, 300);
    await settle();
    expect(library.cachedPages).toEqual([0, 1, 2]);
    const before = library.resultsGeneration;

    const asked = api.callsOf('videos.list').length;
    library.setLabelFilter('Class1');
    expect(library.total).toBeNull();
    expect(library.videoAt(0)).toBeUndefined();
    expect(library.resultsGeneration).toBe(before + 1);
    await settle();
    // First page to learn the total, then the rest of the (reset-to-top) viewport.
    expect(api.callsOf('videos.list').slice(asked)).toEqual([
      { offset: 0, limit: 100, label: 'Class1' },
      { offset: 100, limit: 100, label: 'Class1' },
      { offset: 200, limit: 100, label: 'Class1' },
    ]);
    expect(library.videoAt(0)?.label).toBe('Class1');

    library.setLabelFilter(null);
    await settle();
    expect(api.callsOf('videos.list').at(-1)).toMatchObject({ label: null });
    expect(library.total).toBe(100);

    library.setStatusFilter('failed');
    await settle();
    expect(api.callsOf('videos.list').at(-1)).toMatchObject({ label: null, status: 'failed' });
    expect(library.hasFilters).toBe(true);

    library.clearFilters();
    await settle();
    expect(api.callsOf('videos.list').at(-1)).not.toHaveProperty('label');
    expect(api.callsOf('videos.list').at(-1)).not.toHaveProperty('status');
    expect(library.total).toBe(1000);
  });

  it('debounces search text', async () => {
    vi.useFakeTimers();
    const { api, library } = await setup(1000);
    await library.start();
    await vi.runAllTimersAsync();
    const before = api.callsOf('videos.list').length;
    library.setSearch('v_1');
    library.setSearch('v_12');
    library.setSearch('v_123 ');
    expect(library.searchText).toBe('v_123 ');
    await vi.advanceTimersByTimeAsync(150);
    expect(api.callsOf('videos.list')).toHaveLength(before);
    await vi.advanceTimersByTimeAsync(100);
    expect(library.appliedSearch).toBe('v_123');
    expect(api.callsOf('videos.list').slice(before)).toEqual([{ offset: 0, limit: 100, search: 'v_123' }]);
    expect(library.total).toBe(1);
  });

  it('applies the search at once on request (Enter)', async () => {
    const { api, library } = await setup(100);
    await library.start();
    await settle();
    library.setSearch('v_7');
    library.applySearch();
    await settle();
    expect(api.callsOf('videos.list').at(-1)).toMatchObject({ search: 'v_7' });
  });

  it('ignores responses that answer older filters', async () => {
    const { api, library } = await setup(1000);
    await library.start();
    await settle();
    const slow = deferred<VideoPage>();
    api.override('videos.list', (input, real) => (input.label === 'Class0' ? slow.promise : real(input)));
    library.setLabelFilter('Class0');
    library.setLabelFilter('Class2');
    await settle();
    expect(library.total).toBe(300);
    slow.resolve({ total: 7, offset: 0, items: [] });
    await settle();
    expect(library.total).toBe(300);
    expect(library.videoAt(0)?.label).toBe('Class2');
  });
});

describe('LibraryState live changes', () => {
  it('updates the info at once and refetches once per burst, showing old pages meanwhile', async () => {
    vi.useFakeTimers();
    const { api, library } = await setup(300);
    await library.start();
    await vi.runAllTimersAsync();
    library.setViewport(0, 200);
    await vi.runAllTimersAsync();
    const before = api.callsOf('videos.list').length;

    const shown = api.listedIds();
    api.recordVideos(10, video, 301);
    for (let i = 0; i < 5; i++) api.announceChange();
    expect(library.info?.counts.total).toBe(310);
    expect(library.videoAt(150)?.id).toBe(shown[150]); // old page still shown
    await vi.advanceTimersByTimeAsync(100);
    await vi.runAllTimersAsync();
    expect(api.callsOf('videos.list').slice(before).map((q) => q.offset)).toEqual([0, 100]);
    expect(library.total).toBe(310);
  });

  it('fills an empty list when a change brings the first videos', async () => {
    vi.useFakeTimers();
    const { api, library } = await setup(0);
    await library.start();
    await vi.runAllTimersAsync();
    expect(library.total).toBe(0);
    library.setViewport(0, 0); // what an empty grid reports

    api.recordVideos(7, video);
    api.announceChange();
    await vi.runAllTimersAsync();
    expect(library.total).toBe(7);
    expect(library.videoAt(6)?.id).toBe(api.listedIds()[6]);
  });

  it('refreshes the selected video, or drops it when it is gone', async () => {
    vi.useFakeTimers();
    const { api, library } = await setup(300);
    await library.start();
    await vi.runAllTimersAsync();
    library.select(library.videoAt(5) ?? null);
    const id = api.listedIds()[5]!;
    expect(library.selected?.id).toBe(id);

    api.loseVideo(id, 'file is gone');
    api.announceChange();
    await vi.runAllTimersAsync();
    expect(library.selected).toMatchObject({ id, status: 'missing' });

    api.removeVideo(id);
    api.announceChange();
    await vi.runAllTimersAsync();
    expect(library.selected).toBeNull();
  });

  it('starts afresh when the change is about another library', async () => {
    const { api, library } = await setup(10);
    await library.start();
    await settle();
    library.setStatusFilter('ready');
    library.select(library.videoAt(0) ?? null);
    const { path: elsewhere } = await api.openLibrary('elsewhere.pretext');
    expect(library.info?.path).toBe(elsewhere);
    expect(library.statusFilter).toBeUndefined();
    expect(library.selected).toBeNull();
    await settle();
    expect(api.callsOf('videos.list').at(-1)).toEqual({ offset: 0, limit: 100 });
    expect(library.total).toBe(0);
  });
});
