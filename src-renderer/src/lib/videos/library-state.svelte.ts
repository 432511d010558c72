import type { MethodInput, PretextApi } from '@shared/contract.ts';
import type { LibraryInfo, VideoDto, VideoStatus } from '@shared/dto.ts';
import { toApiError } from '../api/result.ts';
import type { ErrorSink } from '../notices/notices.svelte.ts';
import { PageCache } from './page-cache.ts';

/** A label, null for the videos without one, undefined for all. */
export type LabelFilter = string | null | undefined;

export interface LibraryStateOptions {
  /** Videos per `videos.list` page. */
  pageSize?: number;
  /** Quiet time before typed search text is applied. */
  searchDebounceMs?: number;
  /** `library.changed` events closer together than this cause one refetch. */
  changeCoalesceMs?: number;
  /** Lists only videos of this status, whatever the status filter (pickers that need ready videos). */
  onlyStatus?: VideoStatus;
}

export const OPEN_CONTEXT = 'Open library';
export const LOAD_CONTEXT = 'Load videos';

/**
 * The open library, its filters and a page cache for the virtualised grid. The grid reports which
 * item indices it shows (`setViewport`); pages covering them are fetched lazily, and responses
 * from before a filter or library change are dropped.
 */
export class LibraryState {
  info = $state<LibraryInfo | null>(null);
  /** `library.current` has answered (with a library or null). */
  loaded = $state(false);
  opening = $state(false);

  labelFilter = $state<LabelFilter>(undefined);
  statusFilter = $state<VideoStatus | undefined>(undefined);
  /** What is typed in the search box. */
  searchText = $state('');
  /** The search the results are for (trimmed, after the debounce). */
  appliedSearch = $state('');

  /** Videos matching the filters; null until the first page of the current filters arrives. */
  total = $state<number | null>(null);
  selected = $state<VideoDto | null>(null);
  /** Bumped whenever the result set starts afresh (filters, another library): views scroll to top. */
  resultsGeneration = $state(0);

  readonly hasFilters = $derived(
    this.labelFilter !== undefined || this.statusFilter !== undefined || this.appliedSearch !== '',
  );

  readonly pageSize: number;
  readonly #api: PretextApi;
  readonly #errors: ErrorSink;
  readonly #searchDebounceMs: number;
  readonly #changeCoalesceMs: number;
  readonly #onlyStatus: VideoStatus | undefined;

  readonly #cache: PageCache<VideoDto>;
  /** Bumped when the cache changes, so `videoAt` readers re-render. */
  #version = $state(0);
  #viewport = { start: 0, end: 0 };
  #searchTimer: ReturnType<typeof setTimeout> | null = null;
  #changeTimer: ReturnType<typeof setTimeout> | null = null;
  #unsubscribe: (() => void) | null = null;

  constructor(api: PretextApi, errors: ErrorSink, options: LibraryStateOptions = {}) {
    this.#api = api;
    this.#errors = errors;
    this.pageSize = options.pageSize ?? 200;
    this.#cache = new PageCache(this.pageSize);
    this.#searchDebounceMs = options.searchDebounceMs ?? 250;
    this.#changeCoalesceMs = options.changeCoalesceMs ?? 300;
    this.#onlyStatus = options.onlyStatus;
  }

  /** Subscribes to `library.changed` and loads the current library. */
  async start(): Promise<void> {
    this.#unsubscribe ??= this.#api.on('library.changed', (info) => this.#onChanged(info));
    await this.reload();
  }

  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
    if (this.#searchTimer) clearTimeout(this.#searchTimer);
    if (this.#changeTimer) clearTimeout(this.#changeTimer);
    this.#searchTimer = this.#changeTimer = null;
  }

  /** Re-reads `library.current` and refetches the visible pages. */
  async reload(): Promise<void> {
    try {
      const info = await this.#api.call('library.current', {});
      this.loaded = true;
      this.#applyInfo(info, { keepVisible: true });
    } catch (error) {
      this.loaded = true;
      this.#errors.report(error, 'Load library');
    }
  }

  /** Opens (or creates) a library; true when it worked, the error is reported otherwise. */
  async open(path: string, create: boolean): Promise<boolean> {
    if (this.opening) return false;
    this.opening = true;
    try {
      const info = await this.#api.call('library.open', { path, create });
      this.#errors.resolve(OPEN_CONTEXT);
      this.#applyInfo(info, { keepVisible: false, forceReset: true });
      return true;
    } catch (error) {
      this.#errors.report(error, OPEN_CONTEXT);
      return false;
    } finally {
      this.opening = false;
    }
  }

  setLabelFilter(label: LabelFilter): void {
    if (label === this.labelFilter) return;
    this.labelFilter = label;
    this.#resetResults();
  }

  setStatusFilter(status: VideoStatus | undefined): void {
    if (status === this.statusFilter) return;
    this.statusFilter = status;
    this.#resetResults();
  }

  /** Updates the search box; the search itself runs after the debounce. */
  setSearch(text: string): void {
    this.searchText = text;
    if (this.#searchTimer) clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => this.applySearch(), this.#searchDebounceMs);
  }

  /** Applies the typed search now (Enter, or the debounce firing). */
  applySearch(): void {
    if (this.#searchTimer) clearTimeout(this.#searchTimer);
    this.#searchTimer = null;
    const search = this.searchText.trim();
    if (search === this.appliedSearch) return;
    this.appliedSearch = search;
    this.#resetResults();
  }

  clearFilters(): void {
    if (this.#searchTimer) clearTimeout(this.#searchTimer);
    this.#searchTimer = null;
    const had = this.hasFilters || this.searchText !== '';
    this.labelFilter = undefined;
    this.statusFilter = undefined;
    this.searchText = '';
    this.appliedSearch = '';
    if (had) this.#resetResults();
  }

  select(video: VideoDto | null): void {
    this.selected = video;
  }

  /** The video at a position of the filtered list, or undefined while its page is loading. */
  videoAt(index: number): VideoDto | undefined {
    void this.#version;
    return this.#cache.itemAt(index);
  }

  /** The item range [start, end) in view; fetches the pages covering it that are not cached. */
  setViewport(start: number, end: number): void {
    this.#viewport = { start: Math.max(0, start), end: Math.max(0, end) };
    this.#fetchMissing();
  }

  /** Pages held for the current generation (for tests and diagnostics). */
  get cachedPages(): number[] {
    void this.#version;
    return this.#cache.pages;
  }

  #applyInfo(info: LibraryInfo | null, how: { keepVisible: boolean; forceReset?: boolean }): void {
    const previous = this.info;
    this.info = info;
    const sameLibrary = previous !== null && info !== null && previous.path === info.path;
    if (!info) {
      this.selected = null;
      this.#resetFilters();
      this.#resetResults();
      return;
    }
    if (!sameLibrary || how.forceReset) {
      this.selected = null;
      this.#resetFilters();
      this.#resetResults();
    } else if (how.keepVisible) {
      this.#invalidateKeepingVisible();
    } else {
      this.#resetResults();
    }
  }

  #onChanged(info: LibraryInfo): void {
    const previous = this.info;
    if (!previous || previous.path !== info.path) {
      this.#applyInfo(info, { keepVisible: false });
      return;
    }
    this.info = info;
    // Imports emit changes in bursts: refetch at most once per window.
    if (this.#changeTimer) return;
    this.#changeTimer = setTimeout(() => {
      this.#changeTimer = null;
      this.#invalidateKeepingVisible();
    }, this.#changeCoalesceMs);
  }

  #resetFilters(): void {
    if (this.#searchTimer) clearTimeout(this.#searchTimer);
    this.#searchTimer = null;
    this.labelFilter = undefined;
    this.statusFilter = undefined;
    this.searchText = '';
    this.appliedSearch = '';
  }

  /** The filters changed: everything cached is for another question. */
  #resetResults(): void {
    this.#cache.clear();
    this.total = null;
    this.resultsGeneration++;
    this.#version++;
    const span = this.#viewport.end - this.#viewport.start;
    this.#viewport = { start: 0, end: Math.max(span, 1) };
    this.#fetchMissing();
  }

  /** The data changed under the same filters: refetch, but keep showing the old pages meanwhile. */
  #invalidateKeepingVisible(): void {
    this.#cache.invalidate();
    this.#version++;
    if (this.total === null) this.#viewport = { start: 0, end: Math.max(this.#viewport.end, 1) };
    // The old total is stale (an import may have filled an empty list, whose viewport is empty too):
    // refetch at least the first item in view.
    const end = Math.max(this.#viewport.end, this.#viewport.start + 1);
    this.#fetchMissing(this.total === null ? null : Math.max(this.total, end), end);
    void this.#refreshSelected();
  }

  #fetchMissing(plannedTotal: number | null = this.total, end = this.#viewport.end): void {
    if (!this.info) return;
    for (const page of this.#cache.wanted(this.#viewport.start, end, plannedTotal)) {
      void this.#fetchPage(page);
    }
  }

  #query(page: number): MethodInput<'videos.list'> {
    const query: MethodInput<'videos.list'> = { offset: page * this.pageSize, limit: this.pageSize };
    if (this.labelFilter !== undefined) query.label = this.labelFilter;
    const status = this.#onlyStatus ?? this.statusFilter;
    if (status !== undefined) query.status = status;
    if (this.appliedSearch !== '') query.search = this.appliedSearch;
    return query;
  }

  async #fetchPage(page: number): Promise<void> {
    const generation = this.#cache.begin(page);
    try {
      const result = await this.#api.call('videos.list', this.#query(page));
      if (!this.#cache.store(page, generation, result.items)) return;
      this.total = result.total;
      const selected = this.selected;
      const fresh = selected && result.items.find((v) => v.id === selected.id);
      if (fresh) this.selected = fresh;
      this.#version++;
    } catch (error) {
      if (this.#cache.fail(page, generation)) this.#errors.report(error, LOAD_CONTEXT);
      return;
    }
    this.#errors.resolve(LOAD_CONTEXT);
    // The first page tells the total; the rest of the viewport can be asked for now.
    this.#fetchMissing();
  }

  async #refreshSelected(): Promise<void> {
    const selected = this.selected;
    if (!selected) return;
    try {
      const fresh = await this.#api.call('videos.get', { id: selected.id });
      if (this.selected?.id === fresh.id) this.selected = fresh;
    } catch (error) {
      if (toApiError(error).code === 'NOT_FOUND') {
        if (this.selected?.id === selected.id) this.selected = null;
      } else {
        this.#errors.report(error, 'Refresh video');
      }
    }
  }
}
