import type { PretextApi } from '@shared/contract.ts';
import type {
  ImportCounts,
  ImportFailure,
  ImportJobDto,
  ImportProgress,
} from '@shared/dto.ts';
import { toApiError } from '../lib/api/result.ts';
import type { ErrorSink } from '../lib/notices/notices.svelte.ts';

/** Where the panel is: nothing yet, asking to start, a job running or being cancelled, a summary. */
export type ImportPanelPhase = 'idle' | 'starting' | 'running' | 'cancelling' | 'finished';

export interface ImportStateOptions {
  /** How many recent jobs `import.jobs` lists. */
  recentLimit?: number;
  /** Told when a job this panel follows has ended (the library may want to refresh). */
  onFinished?: (job: ImportJobDto) => void;
}

export const START_CONTEXT = 'Start import';
export const CANCEL_CONTEXT = 'Cancel import';

/**
 * One import at a time: start it, follow `import.progress`, and on `import.finished` show the
 * summary and its per-file failures. Also adopts a job that is already running (started by the
 * CLI, another window, or before a reload) so it can be watched and cancelled.
 */
export class ImportState {
  folder = $state('');
  phase = $state<ImportPanelPhase>('idle');
  /** The job being followed, or the last one finished. */
  job = $state<ImportJobDto | null>(null);
  progress = $state<ImportProgress | null>(null);
  summary = $state<ImportJobDto | null>(null);
  failures = $state.raw<readonly ImportFailure[]>([]);
  failuresLoading = $state(false);
  jobs = $state.raw<readonly ImportJobDto[]>([]);
  picking = $state(false);

  readonly busy = $derived(
    this.phase === 'starting' || this.phase === 'running' || this.phase === 'cancelling',
  );
  /** The freshest counts of the job being followed. */
  readonly counts = $derived<ImportCounts | null>(this.progress?.counts ?? this.job ?? null);

  readonly #api: PretextApi;
  readonly #errors: ErrorSink;
  readonly #recentLimit: number;
  readonly #onFinished: ((job: ImportJobDto) => void) | undefined;
  /** `import.finished` events that arrived before `import.start` answered. */
  #finishedEarly: ImportJobDto[] = [];
  #unsubscribers: Array<() => void> = [];

  constructor(api: PretextApi, errors: ErrorSink, options: ImportStateOptions = {}) {
    this.#api = api;
    this.#errors = errors;
    this.#recentLimit = options.recentLimit ?? 10;
    this.#onFinished = options.onFinished;
  }

  /** Subscribes to the import events and loads the recent jobs (adopting a running one). */
  async start(): Promise<void> {
    if (this.#unsubscribers.length === 0) {
      this.#unsubscribers = [
        this.#api.on('import.progress', (progress) => this.#handleProgress(progress)),
        this.#api.on('import.finished', (job) => this.#handleFinished(job)),
      ];
    }
    await this.loadJobs({ adoptRunning: true });
  }

  dispose(): void {
    for (const unsubscribe of this.#unsubscribers) unsubscribe();
    this.#unsubscribers = [];
  }

  get jobId(): number | null {
    return this.job?.id ?? this.progress?.jobId ?? null;
  }

  /** Starts importing `folder`; errors (BUSY, INVALID_INPUT, MEDIA_TOOLS_MISSING…) are reported. */
  async startImport(): Promise<void> {
    if (this.busy) return;
    this.phase = 'starting';
    this.job = null;
    this.progress = null;
    this.summary = null;
    this.failures = [];
    try {
      const job = await this.#api.call('import.start', { folder: this.folder });
      this.#errors.resolve(START_CONTEXT);
      // `import.finished` may have been and gone while we awaited.
      if (this.#showsSummaryOf(job.id)) return;
      const early = this.#finishedEarly.find((finished) => finished.id === job.id);
      this.#finishedEarly = [];
      if (early) {
        this.#complete(early);
      } else if (job.status !== 'running') {
        this.#complete(job);
      } else {
        this.job = job;
        if (this.phase === 'starting') this.phase = 'running';
      }
    } catch (error) {
      if (this.phase === 'starting') this.phase = 'idle';
      this.#errors.report(error, START_CONTEXT);
      if (toApiError(error).code === 'BUSY') await this.loadJobs({ adoptRunning: true });
    }
  }

  async cancel(): Promise<void> {
    const jobId = this.jobId;
    if (jobId === null || (this.phase !== 'running' && this.phase !== 'starting')) return;
    this.phase = 'cancelling';
    try {
      const job = await this.#api.call('import.cancel', { jobId });
      this.#errors.resolve(CANCEL_CONTEXT);
      if (job.status !== 'running') this.#complete(job);
    } catch (error) {
      if (this.phase === 'cancelling') this.phase = 'running';
      this.#errors.report(error, CANCEL_CONTEXT);
    }
  }

  /** Electron only: the native folder dialog fills the folder field. */
  async pickFolder(): Promise<void> {
    if (this.picking) return;
    this.picking = true;
    try {
      const { path } = await this.#api.call('dialog.pickFolder', { title: 'Choose a folder of videos' });
      if (path !== null) this.folder = path;
    } catch (error) {
      this.#errors.report(error, 'Choose folder');
    } finally {
      this.picking = false;
    }
  }

  async loadJobs(options: { adoptRunning?: boolean } = {}): Promise<void> {
    try {
      const jobs = await this.#api.call('import.jobs', { limit: this.#recentLimit });
      this.jobs = jobs;
      const running = jobs.find((job) => job.status === 'running');
      if (options.adoptRunning && running && !this.busy) {
        this.job = running;
        this.progress = null;
        this.summary = null;
        this.failures = [];
        this.phase = 'running';
      }
    } catch (error) {
      this.#errors.report(error, 'Load import jobs');
    }
  }

  /** Forgets the panel's state (another library was opened); a running job keeps being followed. */
  reset(): void {
    if (this.busy) return;
    this.phase = 'idle';
    this.job = null;
    this.progress = null;
    this.summary = null;
    this.failures = [];
    this.jobs = [];
  }

  /** Hides the summary of the last job. */
  dismissSummary(): void {
    if (this.phase !== 'finished') return;
    this.phase = 'idle';
    this.summary = null;
    this.failures = [];
  }

  #handleProgress(progress: ImportProgress): void {
    const followed = this.jobId;
    if (followed === progress.jobId) {
      if (this.phase === 'finished') return; // a late event after the summary
      this.progress = progress;
      return;
    }
    if (this.phase === 'starting' || !this.busy) {
      // Ours before `import.start` answered, or one started elsewhere: follow it.
      if (this.#showsSummaryOf(progress.jobId)) return;
      this.progress = progress;
      if (this.job?.id !== progress.jobId) this.job = null;
      if (this.phase !== 'starting') {
        this.summary = null;
        this.failures = [];
        this.phase = 'running';
      }
    }
  }

  #handleFinished(job: ImportJobDto): void {
    if (this.phase === 'starting' && this.jobId === null) {
      this.#finishedEarly.push(job);
      return;
    }
    if (this.jobId === job.id) {
      this.#complete(job);
    } else {
      void this.loadJobs();
    }
  }

  #showsSummaryOf(jobId: number): boolean {
    return this.phase === 'finished' && this.summary?.id === jobId;
  }

  #complete(job: ImportJobDto): void {
    if (this.#showsSummaryOf(job.id)) {
      this.summary = job;
      this.job = job;
      return;
    }
    this.phase = 'finished';
    this.job = job;
    this.summary = job;
    this.failures = [];
    void this.#loadFailures(job.id);
    void this.loadJobs();
    this.#onFinished?.(job);
  }

  async #loadFailures(jobId: number): Promise<void> {
    this.failuresLoading = true;
    try {
      const failures = await this.#api.call('import.failures', { jobId });
      if (this.summary?.id === jobId) this.failures = failures;
    } catch (error) {
      this.#errors.report(error, 'Load import failures');
    } finally {
      this.failuresLoading = false;
    }
  }
}
