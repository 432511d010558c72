import type { PretextApi } from '@shared/contract.ts';
import type { RunDto } from '@shared/dto.ts';
import type { ErrorSink } from '../lib/notices/notices.svelte.ts';
import { BundleExportState } from './bundle-export-state.svelte.ts';
import { RunsState, type RunsStateOptions } from './runs-state.svelte.ts';
import { TrainFormState, type TrainFormOptions } from './train-form-state.svelte.ts';

export type TrainStateOptions = TrainFormOptions & RunsStateOptions;

/**
 * The Train screen: the form that describes a run and the runs of the open library. Pressing Train
 * starts the form's config; the schema's complaints go back onto the form's fields.
 */
export class TrainState {
  readonly form: TrainFormState;
  readonly runs: RunsState;
  readonly bundleExport: BundleExportState;

  readonly canStart = $derived.by(() => this.form.ready && !this.runs.busy);

  /** The library the runs belong to; undefined before the first activation. */
  #library: string | null | undefined = undefined;

  constructor(api: PretextApi, errors: ErrorSink, options: TrainStateOptions = {}) {
    this.form = new TrainFormState(api, errors, options);
    this.runs = new RunsState(api, errors, options);
    this.bundleExport = new BundleExportState(api, errors);
  }

  /** Subscribes to the training events (the app does this at start, so no event is missed). */
  listen(): () => void {
    return this.runs.listen();
  }

  dispose(): void {
    this.runs.dispose();
  }

  /** The screen is shown for `libraryPath`: another library than last time drops the old runs. */
  async activate(libraryPath: string | null): Promise<void> {
    if (this.#library !== undefined && libraryPath !== this.#library) this.runs.reset();
    this.#library = libraryPath;
    await Promise.all([this.form.load(), this.runs.activate()]);
  }

  /** Starts a run of the form's config; null when it could not (not now, or refused: the error is reported). */
  async start(): Promise<RunDto | null> {
    const config = this.form.config;
    if (!config || !this.canStart) return null;
    const result = await this.runs.start(config);
    if (result.ok) {
      this.form.clearFieldErrors();
      return result.run;
    }
    this.form.showStartError(result.error);
    return null;
  }
}
