import { afterEach, describe, expect, it, vi } from 'vitest';
import type { VideoPage } from '../../../../src-main/shared/dto.ts';
import { ApiError } from '../../../../src-main/shared/errors.ts';
import {
  FakeApi,
  deferred,
  libraryInfo,
  makeVideos,
  settle,
} from '../testing/fake-api.ts';
import { Notices } from '../notices/notices.svelte.ts';
import { LibraryState } from './library-state.svelte.ts';

const LIB = '/data/library';

function setup(videoCount = 1000, options: ConstructorParameters<typeof LibraryState>[2] = {}) {
  const api = new FakeApi({
    openPath: LIB,
    videos: makeVideos(videoCount, (id) =>
      id % 10 === 0 ? { status: 'failed', error: 'ffprobe: invalid data', label: null } : {},
    ),
  });
  const notices = new Notices();
  const library = new LibraryState(api, notices, {
    pageSize: 100,
    searchDebounceMs: 200,
    changeCoalesceMs: 100,
    ...options,
  });
  return { api, notices, library };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('LibraryState loading', () => {
  it('loads the current library and the first page', async () => {
    const { api, library } = setup();
    await library.start();
    await settle();
    expect(library.loaded).toBe(true);
    expect(library.info?.path).toBe(LIB);
    expect(library.info?.counts.total).toBe(1000);
    expect(library.total).toBe(1000);
    expect(api.callsOf('videos.list')).toEqual([{ offset: 0, limit: 100 }]);
    expect(library.videoAt(0)?.id).toBe(1);
    expect(library.videoAt(99)?.id).toBe(100);
    expect(library.videoAt(100)).toBeUndefined();
    expect(api.listenerCount('library.changed')).toBe(1);
    library.dispose();
    expect(api.listenerCount('library.changed')).toBe(0);
  });

  it('is loaded with no library when none is open', async () => {
    const api = new FakeApi();
    const library = new LibraryState(api, new Notices());
    await library.start();
    expect(library.loaded).toBe(true);
    expect(library.info).toBeNull();
    expect(api.callsOf('videos.list')).toEqual([]);
  });

  it('reports a failing library.current and still counts as loaded', async () => {
    const api = new FakeApi();
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
    const api = new FakeApi({ knownLibraries: ['/exists'] });
    const notices = new Notices();
    const library = new LibraryState(api, notices);
    await library.start();

    expect(await library.open('/nope', false)).toBe(false);
    expect(notices.items[0]).toMatchObject({ code: 'NOT_FOUND', context: 'Open library' });
    expect(library.info).toBeNull();
    expect(library.opening).toBe(false);

    expect(await library.open('/exists', false)).toBe(true);
    expect(library.info?.path).toBe('/exists');
    expect(notices.items).toEqual([]); // the earlier failure is out of date

    expect(await library.open('/new', true)).toBe(true);
    expect(api.callsOf('library.open').at(-1)).toEqual({ path: '/new', create: true });
    await settle();
    expect(library.total).toBe(0);
  });

  it('resets filters and selection when another library opens', async () => {
    const { api, library } = setup(50);
    api.knownLibraries.add('/other');
    await library.start();
    await settle();
    library.select(library.videoAt(3) ?? null);
    library.setStatusFilter('failed');
    await library.open('/other', false);
    expect(library.statusFilter).toBeUndefined();
    expect(library.selected).toBeNull();
  });
});

describe('LibraryState paging', () => {
  it('fetches only the pages that cover the viewport, once', async () => {
    const { api, library } = setup(1000);
    await library.start();
    await settle();
    library.setViewport(250, 420);
    library.setViewport(260, 430); // in flight already: not asked again
    await settle();
    const offsets = api.callsOf('videos.list').map((q) => q.offset);
    expect(offsets).toEqual([0, 200, 300, 400]);
    expect(library.cachedPages).toEqual([0, 2, 3, 4]);
    expect(library.videoAt(250)?.id).toBe(251);
    expect(library.videoAt(150)).toBeUndefined();
  });

  it('does not ask beyond the end of the list', async () => {
    const { api, library } = setup(150);
    await library.start();
    await settle();
    library.setViewport(100, 5000);
    await settle();
    expect(api.callsOf('videos.list').map((q) => q.offset)).toEqual([0, 100]);
  });

  it('does not retry a failed page on every scroll, and reports it', async () => {
    const { api, notices, library } = setup(1000);
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
    const { api, library } = setup(1000);
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
    const { api, library } = setup(1000);
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
    const { api, library } = setup(100);
    await library.start();
    await settle();
    library.setSearch('v_7');
    library.applySearch();
    await settle();
    expect(api.callsOf('videos.list').at(-1)).toMatchObject({ search: 'v_7' });
  });

  it('ignores responses that answer older filters', async () => {
    const { api, library } = setup(1000);
    await library.start();
    await settle();
    const slow = deferred<VideoPage>();
    const list = api.handlers['videos.list'];
    api.override('videos.list', (input) => (input.label === 'Class0' ? slow.promise : list(input)));
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
    const { api, library } = setup(300);
    await library.start();
    await vi.runAllTimersAsync();
    library.setViewport(0, 200);
    await vi.runAllTimersAsync();
    const before = api.callsOf('videos.list').length;

    api.videos = makeVideos(310);
    for (let i = 0; i < 5; i++) api.emit('library.changed', libraryInfo(LIB, api.videos));
    expect(library.info?.counts.total).toBe(310);
    expect(library.videoAt(150)?.id).toBe(151); // old page still shown
    await vi.advanceTimersByTimeAsync(100);
    await vi.runAllTimersAsync();
    expect(api.callsOf('videos.list').slice(before).map((q) => q.offset)).toEqual([0, 100]);
    expect(library.total).toBe(310);
  });

  it('fills an empty list when a change brings the first videos', async () => {
    vi.useFakeTimers();
    const { api, library } = setup(0);
    await library.start();
    await vi.runAllTimersAsync();
    expect(library.total).toBe(0);
    library.setViewport(0, 0); // what an empty grid reports

    api.videos = makeVideos(7);
    api.emit('library.changed', libraryInfo(LIB, api.videos));
    await vi.runAllTimersAsync();
    expect(library.total).toBe(7);
    expect(library.videoAt(6)?.id).toBe(7);
  });

  it('refreshes the selected video, or drops it when it is gone', async () => {
    vi.useFakeTimers();
    const { api, library } = setup(300);
    await library.start();
    await vi.runAllTimersAsync();
    library.select(library.videoAt(5) ?? null);
    expect(library.selected?.id).toBe(6);

    api.videos = api.videos.map((v) => (v.id === 6 ? { ...v, status: 'missing', error: 'file is gone' } : v));
    api.emit('library.changed', libraryInfo(LIB, api.videos));
    await vi.runAllTimersAsync();
    expect(library.selected).toMatchObject({ id: 6, status: 'missing' });

    api.videos = api.videos.filter((v) => v.id !== 6);
    api.emit('library.changed', libraryInfo(LIB, api.videos));
    await vi.runAllTimersAsync();
    expect(library.selected).toBeNull();
  });

  it('starts afresh when the change is about another library', async () => {
    const { api, library } = setup(10);
    await library.start();
    await settle();
    library.setStatusFilter('ready');
    library.select(library.videoAt(0) ?? null);
    api.emit('library.changed', libraryInfo('/elsewhere', []));
    expect(library.info?.path).toBe('/elsewhere');
    expect(library.statusFilter).toBeUndefined();
    expect(library.selected).toBeNull();
    expect(library.total).toBeNull();
  });
});
