import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { MethodInput, PretextApi } from '@shared/contract.ts';
import type { ExtractionProgress, FeatureProtocol, FeatureSetDto } from '@shared/dto.ts';
import { toApiError } from '../api/result.ts';
import { LatestRequest } from '../latest-request.ts';
import type { ErrorSink } from '../notices/notices.svelte.ts';

export const SETS_CONTEXT = 'Load feature sets';
export const EXTRACT_CONTEXT = 'Extract features';
export const CANCEL_EXTRACTION_CONTEXT = 'Cancel extraction';
export const DELETE_SET_CONTEXT = 'Delete feature set';

/** Where a new feature set's weights come from, as `features.extract` takes it. */
export type FeatureSourceInput = MethodInput<'features.extract'>['source'];

/**
 * The feature sets of the open library, shared by the Retrieve and Evaluate screens: extract (or
 * update) one, cancel, delete; live progress per set from `features.progress`, and
 * `features.finished` refreshes the list (counts, failures, errors).
 */
export class FeatureSetsState {
  sets = $state.raw<readonly FeatureSetDto[]>([]);
  loaded = $state(false);
  loading = $state(false);
  /** Why the last list load failed; null after a success. */
  loadError = $state<string | null>(null);
  /** The latest progress of each extracting set. */
  readonly progress = new SvelteMap<number, ExtractionProgress>();
  starting = $state(false);
  /** Sets whose cancel was asked for and which have not finished yet. */
  readonly cancelling = new SvelteSet<number>();
  readonly deleting = new SvelteSet<number>();

  /** The backend extracts one set at a time. */
  readonly extracting = $derived(this.sets.find((set) => set.status === 'extracting') ?? null);
  readonly busy = $derived(this.starting || this.extracting !== null);
  /** Sets with vectors to search (an extraction in progress has some already). */
  readonly searchable = $derived(this.sets.filter((set) => set.videoCount > 0));
  /** Sets to evaluate by default: finished, with vectors. */
  readonly ready = $derived(this.sets.filter((set) => set.status === 'ready' && set.videoCount > 0));

  readonly #api: PretextApi;
  readonly #errors: ErrorSink;
  #finishedListeners: Array<(set: FeatureSetDto) => void> = [];
  readonly #listRequest = new LatestRequest();
  #unsubscribers: Array<() => void> = [];
  /** The library the sets belong to; undefined before the first activation. */
  #library: string | null | undefined = undefined;

  constructor(api: PretextApi, errors: ErrorSink) {
    this.#api = api;
    this.#errors = errors;
  }

  /** Subscribes to the extraction events (idempotent); returns the teardown. */
  listen(): () => void {
    if (this.#unsubscribers.length === 0) {
      this.#unsubscribers = [
        this.#api.on('features.progress', (progress) => this.#handleProgress(progress)),
        this.#api.on('features.finished', (set) => this.#handleFinished(set)),
      ];
    }
    return () => this.dispose();
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribers) unsubscribe();
    this.#unsubscribers = [];
  }

  /** Calls `listener` after each finished extraction (the list already updated); returns the teardown. */
  onFinished(listener: (set: FeatureSetDto) => void): () => void {
    this.#finishedListeners = [...this.#finishedListeners, listener];
    return () => {
      this.#finishedListeners = this.#finishedListeners.filter((l) => l !== listener);
    };
  }

  /** A screen is shown for `libraryPath`: another library than last time drops the old sets. */
  async activate(libraryPath: string | null): Promise<void> {
    if (this.#library !== undefined && libraryPath !== this.#library) this.reset();
    this.#library = libraryPath;
    await this.refresh();
  }

  /** Forgets everything (another library); subscriptions stay. */
  reset(): void {
    this.#listRequest.drop();
    this.sets = [];
    this.loaded = false;
    this.loading = false;
    this.loadError = null;
    this.progress.clear();
    this.cancelling.clear();
    this.deleting.clear();
    this.#errors.resolve(SETS_CONTEXT);
  }

  byId(setId: number | null): FeatureSetDto | null {
    return this.sets.find((set) => set.id === setId) ?? null;
  }

  /** Reloads the list; only the latest answer is used. */
  async refresh(): Promise<void> {
    this.loading = true;
    await this.#listRequest.run(() => this.#api.call('features.sets', {}), {
      ok: (sets) => {
        this.sets = sets;
        this.loaded = true;
        this.loadError = null;
        this.#forgetStopped();
        this.#errors.resolve(SETS_CONTEXT);
      },
      failed: (error) => {
        this.loadError = toApiError(error).message;
        this.#errors.report(error, SETS_CONTEXT);
      },
      settled: () => {
        this.loading = false;
      },
    });
  }

  /**
   * Extracts features from `source`; the same source again continues its set with the videos it
   * lacks. Resolves with the set (extracting), or null when refused (the error is reported).
   */
  extract(source: FeatureSourceInput, protocol: FeatureProtocol = 'compact'): Promise<FeatureSetDto | null> {
    return this.#start(() => this.#api.call('features.extract', { source, protocol }));
  }

  /** Extracts only the videos `setId` lacks, with the weights it was made with. */
  update(setId: number): Promise<FeatureSetDto | null> {
    return this.#start(() => this.#api.call('features.update', { setId }));
  }

  async #start(call: () => Promise<FeatureSetDto>): Promise<FeatureSetDto | null> {
    if (this.busy) return null;
    this.starting = true;
    try {
      const set = await call();
      this.#errors.resolve(EXTRACT_CONTEXT);
      this.#upsert(set);
      void this.refresh();
      return set;
    } catch (error) {
      this.#errors.report(error, EXTRACT_CONTEXT);
      // Another extraction runs (from the CLI, another window): list it.
      if (toApiError(error).code === 'BUSY') void this.refresh();
      return null;
    } finally {
      this.starting = false;
    }
  }

  /** Asks an extraction to stop; `features.finished` follows with the videos done so far kept. */
  async cancel(setId: number): Promise<void> {
    if (this.cancelling.has(setId)) return;
    this.cancelling.add(setId);
    try {
      const set = await this.#api.call('features.cancel', { setId });
      this.#errors.resolve(CANCEL_EXTRACTION_CONTEXT);
      if (set.status !== 'extracting') {
        this.cancelling.delete(setId);
        this.#upsert(set);
      }
    } catch (error) {
      this.cancelling.delete(setId);
      this.#errors.report(error, CANCEL_EXTRACTION_CONTEXT);
      if (toApiError(error).code === 'NOT_FOUND') void this.refresh();
    }
  }

  /** Deletes a set and its vectors; true when it is gone. */
  async delete(setId: number): Promise<boolean> {
    if (this.deleting.has(setId)) return false;
    this.deleting.add(setId);
    try {
      await this.#api.call('features.delete', { setId });
      this.#errors.resolve(DELETE_SET_CONTEXT);
      this.sets = this.sets.filter((set) => set.id !== setId);
      this.progress.delete(setId);
      return true;
    } catch (error) {
      this.#errors.report(error, DELETE_SET_CONTEXT);
      void this.refresh();
      return false;
    } finally {
      this.deleting.delete(setId);
    }
  }

  #handleProgress(progress: ExtractionProgress): void {
    this.progress.set(progress.setId, progress);
    // A set we do not list yet (started elsewhere, or before `features.extract` answered).
    if (this.#library !== undefined && !this.loading && !this.sets.some((set) => set.id === progress.setId)) {
      void this.refresh();
    }
  }

  #handleFinished(set: FeatureSetDto): void {
    this.progress.delete(set.id);
    this.cancelling.delete(set.id);
    this.#upsert(set);
    for (const listener of this.#finishedListeners) listener(set);
    // The list may hold sets started elsewhere (the CLI) meanwhile.
    void this.refresh();
  }

  /** Puts a set into the list (id order), replacing the one with its id. */
  #upsert(set: FeatureSetDto): void {
    const others = this.sets.filter((s) => s.id !== set.id);
    this.sets = [...others, set].sort((a, b) => a.id - b.id);
  }

  /** After a reload: drops progress and cancel marks of sets that no longer extract. */
  #forgetStopped(): void {
    const stopped = (setId: number) => this.byId(setId)?.status !== 'extracting';
    for (const setId of [...this.progress.keys()]) if (stopped(setId)) this.progress.delete(setId);
    for (const setId of [...this.cancelling]) if (stopped(setId)) this.cancelling.delete(setId);
  }
}
