import type { MethodInput, PretextApi } from '@shared/contract.ts';
import type {
  FeatureProtocol,
  FeatureSetDto,
  NeighbourDto,
  RetrievalResult,
  RunDto,
  VideoDto,
} from '@shared/dto.ts';
import { toApiError } from '../lib/api/result.ts';
import type { FeatureSetsState, FeatureSourceInput } from '../lib/feature-sets/feature-sets-state.svelte.ts';
import { LatestRequest } from '../lib/latest-request.ts';
import type { ErrorSink } from '../lib/notices/notices.svelte.ts';
import { LibraryState } from '../lib/videos/library-state.svelte.ts';
import { MAX_COMPARED, comparePlan, neighbourKey, type ComparePlan } from './compare-plan.ts';

export const QUERY_VIDEO_CONTEXT = 'Load query video';

/** What Retrieve uses of the library's runs (the Train screen's list, handed in by the shell). */
export interface RunList {
  readonly runs: readonly RunDto[];
  refresh(): Promise<void>;
}

/** How many neighbours a query may ask for. */
export const K_CHOICES = [5, 10, 20, 50] as const;

/**
 * The Retrieve screen: a feature set, a query video (picked from a paged grid of ready videos), k
 * and optionally one of its clips; the ranked neighbours; up to four of them chosen to play next to
 * the query. Any change of set, query, k or clip asks again; only the latest answer is shown.
 */
export class RetrieveState {
  readonly sets: FeatureSetsState;
  /** The runs of the library (the Train screen's list): the weights to extract with. */
  readonly runs: RunList;
  /** The query picker's own paging and filters (ready videos only). */
  readonly picker: LibraryState;

  setId = $state<number | null>(null);
  query = $state.raw<VideoDto | null>(null);
  k = $state<number>(10);
  /** Clip retrieval with this clip of the query; null for whole videos. */
  clipIndex = $state<number | null>(null);
  result = $state.raw<RetrievalResult | null>(null);
  querying = $state(false);
  /** Why the last query failed; null after a success. */
  queryError = $state<string | null>(null);
  /** Keys (see `neighbourKey`) of the results chosen for the comparison, in the order chosen. */
  compared = $state.raw<readonly string[]>([]);
  comparing = $state(false);

  /** A set whose extraction runs and which is shown when it finishes. */
  #showWhenDone: number | null = null;
  readonly selectedSet = $derived.by<FeatureSetDto | null>(() => this.sets.byId(this.setId));
  readonly comparedNeighbours = $derived<readonly NeighbourDto[]>(
    this.compared.flatMap((key) => this.result?.neighbours.find((n) => neighbourKey(n) === key) ?? []),
  );
  readonly canCompareMore = $derived(this.compared.length < MAX_COMPARED);
  readonly comparePlan = $derived<ComparePlan | null>(
    this.result && this.comparing ? comparePlan(this.result, this.comparedNeighbours, this.#queryDuration()) : null,
  );

  readonly #api: PretextApi;
  readonly #errors: ErrorSink;
  readonly #queryRequest = new LatestRequest();
  readonly #videoRequest = new LatestRequest();
  #unsubscribers: Array<() => void> = [];
  /** The library the query belongs to; undefined before the first activation. */
  #library: string | null | undefined = undefined;

  constructor(api: PretextApi, errors: ErrorSink, shared: { sets: FeatureSetsState; runs: RunList }) {
    this.#api = api;
    this.#errors = errors;
    this.sets = shared.sets;
    this.runs = shared.runs;
    this.picker = new LibraryState(api, errors, { onlyStatus: 'ready' });
  }

  /** Follows finished extractions: the selected set may now hold the query's vector, or more neighbours. */
  listen(): () => void {
    if (this.#unsubscribers.length === 0) {
      this.#unsubscribers = [
        this.sets.onFinished((set) => {
          if (set.id === this.#showWhenDone) {
            this.#showWhenDone = null;
            if (set.videoCount > 0) void this.selectSet(set.id);
          } else if (set.id === this.setId && this.query) void this.run();
        }),
      ];
    }
    return () => this.dispose();
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribers) unsubscribe();
    this.#unsubscribers = [];
    this.picker.dispose();
  }

  /** The screen is shown for `libraryPath`: reloads sets, runs and videos; another library drops the query. */
  async activate(libraryPath: string | null): Promise<void> {
    if (this.#library !== undefined && libraryPath !== this.#library) this.#forgetLibrary();
    this.#library = libraryPath;
    await Promise.all([this.sets.activate(libraryPath), this.runs.refresh(), this.picker.start()]);
    if (!this.selectedSet) this.#selectDefaultSet();
  }

  /** Searches another set: the same query asks again, so the rankings can be compared. */
  selectSet(setId: number | null): Promise<void> {
    if (setId === this.setId) return Promise.resolve();
    this.setId = setId;
    const clips = this.selectedSet?.clipsPerVideo ?? 0;
    if (this.clipIndex !== null && this.clipIndex >= clips) this.clipIndex = clips > 0 ? clips - 1 : null;
    return this.run();
  }

  /** Asks for the neighbours of `video`. */
  selectQuery(video: VideoDto): Promise<void> {
    this.#videoRequest.drop();
    if (this.query?.id !== video.id) this.#clearComparison();
    this.query = video;
    this.picker.select(video);
    return this.run();
  }

  /** A query picked elsewhere (the embedding map): its record loads first. */
  async selectQueryById(videoId: number): Promise<void> {
    await this.#videoRequest.run(() => this.#api.call('videos.get', { id: videoId }), {
      ok: async (video) => {
        this.#errors.resolve(QUERY_VIDEO_CONTEXT);
        await this.selectQuery(video);
      },
      failed: (error) => this.#errors.report(error, QUERY_VIDEO_CONTEXT),
    });
  }

  setK(k: number): Promise<void> {
    if (k === this.k) return Promise.resolve();
    this.k = k;
    return this.run();
  }

  /** Clip retrieval with clip `index` of the query, or (null) whole videos. */
  setClipIndex(index: number | null): Promise<void> {
    if (index === this.clipIndex) return Promise.resolve();
    this.clipIndex = index;
    this.#clearComparison();
    return this.run();
  }

  /** Chooses a result for the comparison, or drops it; at most four at a time. */
  toggleCompared(neighbour: NeighbourDto): void {
    const key = neighbourKey(neighbour);
    if (this.compared.includes(key)) this.compared = this.compared.filter((k) => k !== key);
    else if (this.canCompareMore) this.compared = [...this.compared, key];
  }

  openComparison(): void {
    if (this.result && this.compared.length > 0) this.comparing = true;
  }

  closeComparison(): void {
    this.comparing = false;
  }

  /** Extracts (or updates) a set and shows it (once it has vectors, if another set is shown). */
  async extract(source: FeatureSourceInput, protocol: FeatureProtocol = 'compact'): Promise<void> {
    const set = await this.sets.extract(source, protocol);
    if (set) await this.#showExtracted(set);
  }

  /** Brings a set up to date (the videos it lacks) and shows it. */
  async update(setId: number): Promise<void> {
    const set = await this.sets.update(setId);
    if (set) await this.#showExtracted(set);
  }

  /**
   * A set just being extracted: shown at once when it already has vectors or nothing searchable is
   * shown; otherwise the shown results stay until it finishes (an empty set would only say "still
   * being extracted").
   */
  #showExtracted(set: FeatureSetDto): Promise<void> {
    const shown = this.selectedSet;
    if (set.videoCount > 0 || !shown || shown.videoCount === 0 || shown.id === set.id) {
      this.#showWhenDone = null;
      return this.selectSet(set.id);
    }
    this.#showWhenDone = set.id;
    return Promise.resolve();
  }

  /** Deletes a set; when it was the one shown, another is picked. */
  async deleteSet(setId: number): Promise<void> {
    if (!(await this.sets.delete(setId)) || setId !== this.setId) return;
    this.setId = null;
    this.result = null;
    this.queryError = null;
    this.#selectDefaultSet();
  }

  /** Asks for the neighbours of the current query; only the latest request's answer is used. */
  async run(): Promise<void> {
    const setId = this.setId;
    const query = this.query;
    if (setId === null || !query) return;
    const input: MethodInput<'retrieval.query'> = { setId, videoId: query.id, k: this.k };
    if (this.clipIndex !== null) input.clipIndex = this.clipIndex;
    this.querying = true;
    await this.#queryRequest.run(() => this.#api.call('retrieval.query', input), {
      ok: (result) => {
        this.result = result;
        this.queryError = null;
        // Keep the chosen results the new ranking still holds.
        const keys = result.neighbours.map(neighbourKey);
        this.compared = this.compared.filter((key) => keys.includes(key));
        if (this.compared.length === 0) this.comparing = false;
      },
      failed: (error) => {
        // Shown with the results, not as a notice: a query video without features in a set is common.
        this.result = null;
        this.comparing = false;
        this.queryError = toApiError(error).message;
      },
      settled: () => {
        this.querying = false;
      },
    });
  }

  /** The newest set with vectors, if any. */
  #selectDefaultSet(): void {
    const newest = this.sets.searchable.at(-1);
    if (newest) void this.selectSet(newest.id);
  }

  #queryDuration(): number | null {
    return this.query && this.result?.query.videoId === this.query.id ? this.query.durationS : null;
  }

  #clearComparison(): void {
    this.compared = [];
    this.comparing = false;
  }

  #forgetLibrary(): void {
    this.#queryRequest.drop();
    this.#videoRequest.drop();
    this.#showWhenDone = null;
    this.setId = null;
    this.query = null;
    this.result = null;
    this.querying = false;
    this.queryError = null;
    this.#clearComparison();
  }
}
