import type { PretextApi } from '@shared/contract.ts';
import type { RunDto, TrainingProgress } from '@shared/dto.ts';
import { FROM_SCRATCH } from '@shared/finetune.ts';
import type { PresetName } from '@shared/tasks.ts';
import type { ErrorSink } from '../lib/notices/notices.svelte.ts';

export const FINETUNE_CONTEXT = 'Fine-tune a run';

/** The split a fine-tune trains and tests on: the Evaluate screen's seeded split. */
export interface FinetuneSplit {
  seed: number;
  testFraction: number;
}

/**
 * "Fine-tune" on the Evaluate screen (issue 12.4): a finished pretext run's encoder plus a new
 * classifier trained on the labelled train split chosen there, tested on its test videos. The run
 * trains like any other (the Train screen shows its curves); this follows its progress and result.
 */
export class FinetuneState {
  /** Finished pretext runs with a checkpoint, newest first. */
  parents = $state.raw<readonly RunDto[]>([]);
  /** Fine-tune runs, newest first. */
  runs = $state.raw<readonly RunDto[]>([]);
  parentRunId = $state<number | null>(null);
  preset = $state<PresetName>('tiny');
  /** Start from the run's trained encoder, or from its network at random init (the baseline to beat). */
  fromScratch = $state(false);
  starting = $state(false);
  /** The fine-tune run started here that is still training, and its latest progress. */
  active = $state.raw<RunDto | null>(null);
  progress = $state.raw<TrainingProgress | null>(null);

  readonly canStart = $derived(this.parentRunId !== null && !this.starting && this.active === null);

  readonly #api: PretextApi;
  readonly #errors: ErrorSink;
  #unsubscribe: (() => void) | null = null;

  constructor(api: PretextApi, errors: ErrorSink) {
    this.#api = api;
    this.#errors = errors;
  }

  /** Lists the runs (and starts following training events, once). */
  async load(): Promise<void> {
    this.#listen();
    try {
      const all = await this.#api.call('training.runs', {});
      this.parents = all.filter((run) => run.kind === 'pretext' && run.status === 'completed' && run.lastCheckpointStep !== null);
      this.runs = all.filter((run) => run.kind === 'finetune');
      if (this.parentRunId === null || !this.parents.some((run) => run.id === this.parentRunId)) this.parentRunId = this.parents[0]?.id ?? null;
      const running = this.runs.find((run) => run.status === 'running');
      if (running && !this.active) this.active = running;
    } catch (error) {
      this.#errors.report(error, FINETUNE_CONTEXT);
    }
  }

  async start(split: FinetuneSplit): Promise<void> {
    if (!this.canStart || this.parentRunId === null) return;
    this.starting = true;
    try {
      const run = await this.#api.call('training.finetune', {
        parentRunId: this.parentRunId,
        preset: this.preset,
        split,
        ...(this.fromScratch ? { checkpoint: FROM_SCRATCH } : {}),
      });
      this.active = run;
      this.progress = null;
      this.runs = [run, ...this.runs.filter((other) => other.id !== run.id)];
      this.#errors.resolve(FINETUNE_CONTEXT);
    } catch (error) {
      this.#errors.report(error, FINETUNE_CONTEXT);
    } finally {
      this.starting = false;
    }
  }

  async cancel(): Promise<void> {
    if (!this.active) return;
    try {
      await this.#api.call('training.cancel', { runId: this.active.id });
    } catch (error) {
      this.#errors.report(error, FINETUNE_CONTEXT);
    }
  }

  /** Stops following training events. */
  dispose(): void {
    this.#unsubscribe?.();
    this.#unsubscribe = null;
  }

  #listen(): void {
    if (this.#unsubscribe) return;
    const stopProgress = this.#api.on('training.progress', (progress) => {
      if (progress.runId === this.active?.id) this.progress = progress;
    });
    const stopFinished = this.#api.on('training.finished', (run) => {
      if (run.kind === 'finetune') this.runs = this.runs.some((other) => other.id === run.id) ? this.runs.map((other) => (other.id === run.id ? run : other)) : [run, ...this.runs];
      if (run.id !== this.active?.id) return;
      this.active = null;
      this.progress = null;
    });
    this.#unsubscribe = () => {
      stopProgress();
      stopFinished();
    };
  }
}
