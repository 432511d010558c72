import { SvelteMap, SvelteSet } from 'svelte/reactivity';
import type { PretextApi } from '@shared/contract.ts';
import {
  RESUMABLE_RUN_STATUSES,
  type CheckpointDto,
  type MetricPoint,
  type ProbePoint,
  type RunDetail,
  type RunDto,
  type TrainingMetrics,
  type TrainingProgress,
} from '@shared/dto.ts';
import type { TrainConfig } from '@shared/training.ts';
import { ApiError } from '@shared/errors.ts';
import { runMatches, type RunFilter } from '@shared/runs.ts';
import { toApiError } from '../lib/api/result.ts';
import { LatestRequest } from '../lib/latest-request.ts';
import type { ErrorSink } from '../lib/notices/notices.svelte.ts';
import { MetricSeries } from './metric-series.ts';

export const RUNS_CONTEXT = 'Load training runs';
export const RUN_CONTEXT = 'Load training run';
export const START_CONTEXT = 'Start training';
export const CANCEL_CONTEXT = 'Cancel training';
export const RESUME_CONTEXT = 'Resume training';
export const SAVE_RUN_CONTEXT = 'Save run name and note';
export const DELETE_RUN_CONTEXT = 'Delete run';

/** A run's metric points for the chart. The arrays are live (they grow); the object is new per change. */
export interface SeriesView {
  train: readonly MetricPoint[];
  validation: readonly MetricPoint[];
  probes: readonly ProbePoint[];
  /** Bumped whenever a point is added, replaced or dropped. */
  version: number;
}

const NO_SERIES: SeriesView = { train: [], validation: [], probes: [], version: 0 };

/** A run as the list shows it: its record with what is live about it. */
export interface RunRow {
  run: RunDto;
  /** Steps done: the live step while it runs. */
  step: number;
  bestValidationAccuracy: number | null;
  backend: string | null;
  cancelling: boolean;
  resuming: boolean;
  resumable: boolean;
}

export type StartResult = { ok: true; run: RunDto } | { ok: false; error: ApiError };

export interface RunsStateOptions {
  /**
   * Fewest milliseconds between two chart updates from live metrics: a fast run emits a point per
   * step, the chart redraws at most this often (the first change of a quiet period shows at once).
   * 0 redraws on every event.
   */
  redrawMs?: number;
}

/**
 * The runs of the open library and what is live about them: start, cancel and resume; progress per
 * running run from `training.progress`; metric series from `training.metrics` (per run, so events of
 * another run never mix in); `training.finished` refreshes. A selected run loads its full series and
 * checkpoints from `training.run`, and live points join it without duplicates (one per split and step).
 */
export class RunsState {
  runs = $state.raw<readonly RunDto[]>([]);
  loaded = $state(false);
  loading = $state(false);
  /** Why the last list load failed; null after a success. */
  loadError = $state<string | null>(null);
  /** The latest progress of each running run. */
  readonly progress = new SvelteMap<number, TrainingProgress>();
  starting = $state(false);
  /** Runs whose cancel was asked for and which have not finished yet. */
  readonly cancelling = new SvelteSet<number>();
  /** Runs with a resume request in flight. */
  readonly resuming = new SvelteSet<number>();
  /** What the list shows; the running runs are followed whatever it hides. */
  filter = $state<RunFilter>({});
  /** Runs whose name/note or deletion is being saved. */
  readonly saving = new SvelteSet<number>();
  readonly deleting = new SvelteSet<number>();

  selectedId = $state<number | null>(null);
  /** `training.run` of the selected run (its checkpoints; its record may be older than `runs`). */
  detail = $state.raw<RunDetail | null>(null);
  loadingDetail = $state(false);

  readonly running = $derived(this.runs.filter((run) => run.status === 'running'));
  readonly busy = $derived(this.starting || this.running.length > 0);
  readonly selectedRun = $derived<RunDto | null>(
    this.runs.find((run) => run.id === this.selectedId) ??
      (this.detail?.run.id === this.selectedId ? (this.detail?.run ?? null) : null),
  );
  readonly selectedProgress = $derived<TrainingProgress | null>(
    this.selectedId === null ? null : (this.progress.get(this.selectedId) ?? null),
  );
  readonly checkpoints = $derived<readonly CheckpointDto[]>(
    this.detail && this.detail.run.id === this.selectedId ? this.detail.checkpoints : [],
  );
  readonly filtering = $derived(
    this.filter.task !== undefined || this.filter.status !== undefined || (this.filter.search ?? '').trim() !== '',
  );
  readonly rows = $derived<readonly RunRow[]>(
    this.runs.filter((run) => runMatches(run, this.filter)).map((run) => ({
      run,
      step: this.stepOf(run),
      bestValidationAccuracy: this.bestAccuracyOf(run),
      backend: this.backendOf(run),
      cancelling: this.cancelling.has(run.id),
      resuming: this.resuming.has(run.id),
      resumable: this.isResumable(run),
    })),
  );
  readonly selectedSeries = $derived.by<SeriesView>(() => {
    const version = this.#version;
    const series = this.selectedId === null ? undefined : this.#series.get(this.selectedId);
    return series ? { train: series.train, validation: series.validation, probes: series.probes, version } : NO_SERIES;
  });

  readonly #api: PretextApi;
  readonly #errors: ErrorSink;
  readonly #redrawMs: number;
  /** Metric points per run: the selected run's and the running ones'. They grow in place: `#version` says when. */
  readonly #series = new SvelteMap<number, MetricSeries>();
  #version = $state(0);
  #redrawTimer: ReturnType<typeof setTimeout> | null = null;
  #redrawPending = false;
  readonly #runsRequest = new LatestRequest();
  readonly #detailRequest = new LatestRequest();
  #unsubscribers: Array<() => void> = [];
  /** Whether the screen was shown for a library: before that, unknown runs do not trigger loads. */
  #active = false;

  constructor(api: PretextApi, errors: ErrorSink, options: RunsStateOptions = {}) {
    this.#api = api;
    this.#errors = errors;
    this.#redrawMs = options.redrawMs ?? 100;
  }

  /** Subscribes to the training events (idempotent); returns the teardown. */
  listen(): () => void {
    if (this.#unsubscribers.length === 0) {
      this.#unsubscribers = [
        this.#api.on('training.progress', (progress) => this.#handleProgress(progress)),
        this.#api.on('training.metrics', (metrics) => this.#handleMetrics(metrics)),
        this.#api.on('training.finished', (run) => this.#handleFinished(run)),
      ];
    }
    return () => this.dispose();
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribers) unsubscribe();
    this.#unsubscribers = [];
    if (this.#redrawTimer) clearTimeout(this.#redrawTimer);
    this.#redrawTimer = null;
  }

  /** The screen is shown: (re)loads the runs and the selected run. */
  async activate(): Promise<void> {
    this.#active = true;
    await Promise.all([this.refresh(), this.selectedId === null ? null : this.#loadDetail(this.selectedId)]);
  }

  /** Forgets everything (another library); subscriptions stay. */
  reset(): void {
    this.#runsRequest.drop();
    this.#detailRequest.drop();
    this.runs = [];
    this.loaded = false;
    this.loading = false;
    this.loadError = null;
    this.progress.clear();
    this.cancelling.clear();
    this.resuming.clear();
    this.saving.clear();
    this.deleting.clear();
    this.filter = {};
    this.selectedId = null;
    this.detail = null;
    this.loadingDetail = false;
    this.#series.clear();
    this.#redraw(true);
    this.#errors.resolve(RUN_CONTEXT);
    this.#errors.resolve(RUNS_CONTEXT);
  }

  /** Reloads the run list; only the latest answer is used. */
  async refresh(): Promise<void> {
    this.loading = true;
    await this.#runsRequest.run(() => this.#api.call('training.runs', {}), {
      ok: (runs) => {
        this.runs = runs;
        this.loaded = true;
        this.loadError = null;
        this.#forgetStopped();
        this.#errors.resolve(RUNS_CONTEXT);
      },
      failed: (error) => {
        this.loadError = toApiError(error).message;
        this.#errors.report(error, RUNS_CONTEXT);
      },
      settled: () => {
        this.loading = false;
      },
    });
  }

  /** Starts a run of `config`; the new run is listed and selected. Errors are reported and returned. */
  async start(config: TrainConfig): Promise<StartResult> {
    if (this.starting) return { ok: false, error: new ApiError('BUSY', 'A run is already starting.') };
    this.starting = true;
    try {
      const run = await this.#api.call('training.start', { config });
      this.#errors.resolve(START_CONTEXT);
      this.#upsert(run);
      void this.select(run.id);
      void this.refresh();
      return { ok: true, run };
    } catch (error) {
      const apiError = toApiError(error);
      this.#errors.report(apiError, START_CONTEXT);
      // Another run is training (from the CLI, another window): list it.
      if (apiError.code === 'BUSY') void this.refresh();
      return { ok: false, error: apiError };
    } finally {
      this.starting = false;
    }
  }

  /** Asks a running run to stop; it finishes (with a checkpoint) shortly after. */
  async cancel(runId: number): Promise<void> {
    if (this.cancelling.has(runId)) return;
    this.cancelling.add(runId);
    try {
      const run = await this.#api.call('training.cancel', { runId });
      this.#errors.resolve(CANCEL_CONTEXT);
      // Usually still 'running': `training.finished` follows (and may already have come).
      this.#upsert(run, { onlyIfNewer: true });
      if (run.status !== 'running') this.#stopCancelling(runId);
    } catch (error) {
      this.#stopCancelling(runId);
      this.#errors.report(error, CANCEL_CONTEXT);
      if (toApiError(error).code === 'NOT_FOUND') void this.refresh();
    }
  }

  /** Continues a cancelled, failed or interrupted run from its last checkpoint, and selects it. */
  async resume(runId: number): Promise<void> {
    if (this.resuming.has(runId)) return;
    this.resuming.add(runId);
    try {
      const run = await this.#api.call('training.resume', { runId });
      this.#errors.resolve(RESUME_CONTEXT);
      this.#upsert(run);
      // The backend dropped the points after the checkpoint; so do we, then reload the rest.
      const series = this.#series.get(runId);
      if (series?.truncateAfter(run.step)) this.#redraw(true);
      this.#setProgress(runId, null);
      void this.select(runId);
      void this.refresh();
    } catch (error) {
      this.#errors.report(error, RESUME_CONTEXT);
      const code = toApiError(error).code;
      if (code === 'BUSY' || code === 'NOT_FOUND' || code === 'INVALID_INPUT') void this.refresh();
    } finally {
      this.resuming.delete(runId);
    }
  }

  /** Narrows the list (changes merge into the current filter; undefined clears a field). */
  setFilter(changes: RunFilter): void {
    this.filter = { ...this.filter, ...changes };
  }

  /** Renames and/or annotates a run; true when saved. */
  async saveNotes(runId: number, fields: { name?: string | null; note?: string }): Promise<boolean> {
    if (this.saving.has(runId)) return false;
    this.saving.add(runId);
    try {
      this.#upsert(await this.#api.call('training.update', { runId, ...fields }));
      this.#errors.resolve(SAVE_RUN_CONTEXT);
      return true;
    } catch (error) {
      this.#errors.report(error, SAVE_RUN_CONTEXT);
      return false;
    } finally {
      this.saving.delete(runId);
    }
  }

  /** Deletes a stopped run with its checkpoints and feature sets (the screen asks first). */
  async remove(runId: number): Promise<boolean> {
    if (this.deleting.has(runId)) return false;
    this.deleting.add(runId);
    try {
      await this.#api.call('training.delete', { runId });
      this.#errors.resolve(DELETE_RUN_CONTEXT);
      this.runs = this.runs.filter((run) => run.id !== runId);
      this.#series.delete(runId);
      if (this.selectedId === runId) await this.select(null);
      return true;
    } catch (error) {
      this.#errors.report(error, DELETE_RUN_CONTEXT);
      // It may have started training elsewhere, or be gone already.
      void this.refresh();
      return false;
    } finally {
      this.deleting.delete(runId);
    }
  }

  /** Shows a run: its full series and checkpoints load; live points keep joining it. */
  async select(runId: number | null): Promise<void> {
    const previous = this.selectedId;
    this.selectedId = runId;
    if (previous !== null && previous !== runId && !this.#isRunning(previous)) this.#series.delete(previous);
    if (runId === null) {
      this.#detailRequest.drop();
      this.detail = null;
      this.loadingDetail = false;
      this.#redraw(true);
      return;
    }
    this.#redraw(true);
    await this.#loadDetail(runId);
  }

  isResumable(run: RunDto): boolean {
    return RESUMABLE_RUN_STATUSES.has(run.status);
  }

  /** The step to show for a run: the live one while it runs. */
  stepOf(run: RunDto): number {
    const live = run.status === 'running' ? this.progress.get(run.id) : undefined;
    return live && live.phase !== 'preparing' ? live.step : run.step;
  }

  /** The best validation accuracy of a run: its checkpoints' and, while it runs, the live points'. */
  bestAccuracyOf(run: RunDto): number | null {
    void this.#version;
    const live = run.status === 'running' ? (this.#series.get(run.id)?.bestValidationAccuracy() ?? null) : null;
    if (live === null) return run.bestValidationAccuracy;
    return run.bestValidationAccuracy === null ? live : Math.max(live, run.bestValidationAccuracy);
  }

  /** The backend a run uses: the live report while it runs. */
  backendOf(run: RunDto): string | null {
    return (run.status === 'running' ? this.progress.get(run.id)?.backend : null) ?? run.backend;
  }

  async #loadDetail(runId: number): Promise<void> {
    this.loadingDetail = true;
    await this.#detailRequest.run(() => this.#api.call('training.run', { runId }), {
      ok: (detail) => {
        if (this.selectedId !== runId) return;
        this.detail = detail;
        // Stored points first, live ones on top (as new or newer).
        const series = MetricSeries.from(detail.metrics, detail.probes);
        const live = this.#series.get(runId);
        if (live) {
          series.add(live.all());
          series.addProbes(live.probes);
        }
        this.#series.set(runId, series);
        this.#upsert(detail.run, { onlyIfNewer: true });
        this.#redraw(true);
        this.#errors.resolve(RUN_CONTEXT);
      },
      failed: (error) => this.#errors.report(error, RUN_CONTEXT),
      settled: () => {
        this.loadingDetail = false;
      },
    });
  }

  #handleProgress(progress: TrainingProgress): void {
    const before = this.progress.get(progress.runId);
    this.#setProgress(progress.runId, progress);
    this.#ensureListed(progress.runId);
    // A checkpoint was written: the selected run's table is out of date.
    if (
      before?.phase === 'checkpointing' &&
      progress.phase !== 'checkpointing' &&
      progress.runId === this.selectedId
    ) {
      void this.#loadDetail(progress.runId);
    }
  }

  #handleMetrics({ runId, points, probes }: TrainingMetrics): void {
    let series = this.#series.get(runId);
    if (!series) {
      // Only the selected run and running ones keep series; a stopped run's come with its detail.
      if (runId !== this.selectedId && this.#isStopped(runId)) return;
      this.#series.set(runId, (series = new MetricSeries()));
    }
    const changed = series.add(points);
    if ((series.addProbes(probes) || changed) && runId === this.selectedId) this.#redraw(false);
    this.#ensureListed(runId);
  }

  #handleFinished(run: RunDto): void {
    this.#upsert(run);
    this.#setProgress(run.id, null);
    this.#stopCancelling(run.id);
    if (run.id === this.selectedId) void this.#loadDetail(run.id);
    else this.#series.delete(run.id);
    void this.refresh();
  }

  #setProgress(runId: number, progress: TrainingProgress | null): void {
    if (progress) this.progress.set(runId, progress);
    else this.progress.delete(runId);
  }

  /** Puts a run record into the list (newest first), replacing the one with its id. */
  #upsert(run: RunDto, options: { onlyIfNewer?: boolean } = {}): void {
    const index = this.runs.findIndex((r) => r.id === run.id);
    if (index < 0) {
      this.runs = [...this.runs, run].sort((a, b) => b.id - a.id);
      return;
    }
    const current = this.runs[index] as RunDto;
    if (options.onlyIfNewer && current.updatedAt > run.updatedAt) return;
    const next = [...this.runs];
    next[index] = run;
    this.runs = next;
  }

  /** A run we hear about but do not list (started elsewhere, or before `training.start` answered). */
  #ensureListed(runId: number): void {
    if (!this.#active || this.loading || this.runs.some((run) => run.id === runId)) return;
    void this.refresh();
  }

  #isRunning(runId: number): boolean {
    return this.runs.find((run) => run.id === runId)?.status === 'running' || this.progress.has(runId);
  }

  /** Listed and not running. */
  #isStopped(runId: number): boolean {
    const run = this.runs.find((r) => r.id === runId);
    return run !== undefined && run.status !== 'running';
  }

  #stopCancelling(runId: number): void {
    this.cancelling.delete(runId);
  }

  /** After a reload: drops progress and cancel marks of runs that are no longer running. */
  #forgetStopped(): void {
    for (const runId of [...this.progress.keys()]) if (this.#isStopped(runId)) this.#setProgress(runId, null);
    for (const runId of [...this.cancelling]) if (this.#isStopped(runId)) this.#stopCancelling(runId);
  }

  /** Tells the chart the series changed: at once, or (live points) at most every `redrawMs`. */
  #redraw(now: boolean): void {
    if (now || this.#redrawMs <= 0) {
      if (this.#redrawTimer) clearTimeout(this.#redrawTimer);
      this.#redrawTimer = null;
      this.#redrawPending = false;
      this.#version++;
      return;
    }
    if (this.#redrawTimer) {
      this.#redrawPending = true;
      return;
    }
    this.#version++;
    this.#redrawTimer = setTimeout(() => this.#flushRedraw(), this.#redrawMs);
  }

  #flushRedraw(): void {
    this.#redrawTimer = null;
    if (!this.#redrawPending) return;
    this.#redrawPending = false;
    this.#version++;
    this.#redrawTimer = setTimeout(() => this.#flushRedraw(), this.#redrawMs);
  }
}
