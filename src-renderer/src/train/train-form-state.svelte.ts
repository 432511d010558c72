import type { PretextApi } from '@shared/contract.ts';
import type { BackendReport } from '@shared/dto.ts';
import { TASKS, type PresetName, type TaskId } from '@shared/tasks.ts';
import type { Backbone, BackendChoice, TrainConfig } from '@shared/training.ts';
import { toApiError } from '../lib/api/result.ts';
import { LatestRequest } from '../lib/latest-request.ts';
import type { ErrorSink } from '../lib/notices/notices.svelte.ts';
import { changedPaths, configFields, fieldErrorsFrom, valueAt, withValue } from '../lib/config-form/config-fields.ts';
import { TRAIN_FIELD_OPTIONS } from '../lib/train-options.ts';

export const PRESET_CONTEXT = 'Load training preset';
export const BACKENDS_CONTEXT = 'Read compute backends';

export interface TrainFormOptions {
  task?: TaskId;
  /** The preset a new task or backbone starts from; `tiny` trains in minutes on a CPU. */
  preset?: PresetName;
}

/** Which edits survive a new preset: none (a preset button), the schedule (a new task), all (a new backbone). */
type Keep = 'none' | 'schedule' | 'all';

/**
 * The Train form: a task, a backbone that fits it, a preset fetched from `training.preset`, and an
 * editable copy of that config (schedule and the nested task config) with the compute backend. Only
 * the answer to the latest preset request is used; a config that does not match the pickers (its
 * preset is still loading or failed) cannot be started.
 */
export class TrainFormState {
  taskId = $state<TaskId>('order-verification');
  backbone = $state<Backbone>('alexnet');
  preset = $state<PresetName>('tiny');
  /** The preset as `training.preset` answered it. */
  presetConfig = $state.raw<TrainConfig | null>(null);
  /** The editable copy (replaced, never mutated). */
  config = $state.raw<TrainConfig | null>(null);
  loadingPreset = $state(false);
  /** Why the last preset request failed; null after a success. */
  presetError = $state<string | null>(null);
  /** Messages per config path ("steps", "task.cropSize"): the schema's complaints and unparsable input. */
  fieldErrors = $state.raw<Readonly<Record<string, string>>>({});
  /** Bumped when the values are replaced wholesale (task, backbone, preset): inputs re-render. */
  formGeneration = $state(0);

  backends = $state.raw<BackendReport | null>(null);
  loadingBackends = $state(false);

  readonly backboneOptions = $derived<readonly Backbone[]>(TASKS[this.taskId].backbones);
  readonly backend = $derived<BackendChoice>(this.config?.backend ?? 'auto');
  readonly fields = $derived(
    this.config ? configFields(this.config, this.presetConfig ?? undefined, TRAIN_FIELD_OPTIONS) : [],
  );
  /** Paths where the config differs from the preset. */
  readonly modified = $derived<readonly string[]>(
    this.config && this.presetConfig ? changedPaths(this.presetConfig, this.config) : [],
  );
  /** The config is the one the pickers describe (not an older task's while its preset loads). */
  readonly ready = $derived(
    this.config !== null &&
      !this.loadingPreset &&
      this.config.task.task === this.taskId &&
      this.config.backbone === this.backbone,
  );

  readonly #api: PretextApi;
  readonly #errors: ErrorSink;
  readonly #presetRequest = new LatestRequest();

  constructor(api: PretextApi, errors: ErrorSink, options: TrainFormOptions = {}) {
    this.#api = api;
    this.#errors = errors;
    this.taskId = options.task ?? 'order-verification';
    this.backbone = TASKS[this.taskId].backbones[0];
    this.preset = options.preset ?? 'tiny';
  }

  /** Loads what is missing: the first preset and the backend report. */
  async load(): Promise<void> {
    await Promise.all([
      this.config || this.loadingPreset ? null : this.#loadPreset('none'),
      this.backends || this.loadingBackends ? null : this.loadBackends(),
    ]);
  }

  /** A new task: a backbone that fits it, its preset, and the schedule edits kept. */
  selectTask(id: TaskId): Promise<void> {
    if (id === this.taskId && this.config) return Promise.resolve();
    this.taskId = id;
    const { backbones } = TASKS[id];
    if (!backbones.includes(this.backbone)) this.backbone = backbones[0];
    return this.#loadPreset('schedule');
  }

  /** A new backbone (one the task takes): its preset, every edit kept. */
  selectBackbone(backbone: Backbone): Promise<void> {
    if (!this.backboneOptions.includes(backbone)) return Promise.resolve();
    if (backbone === this.backbone && this.config) return Promise.resolve();
    this.backbone = backbone;
    return this.#loadPreset('all');
  }

  /** A preset button (or the current one again, to drop the edits): a fresh copy of it. */
  selectPreset(name: PresetName): Promise<void> {
    this.preset = name;
    return this.#loadPreset('none');
  }

  resetConfig(): Promise<void> {
    return this.selectPreset(this.preset);
  }

  /** Sets one value by dotted path ("steps", "task.frameSize.width"). */
  setParam(path: string, value: number | boolean | string): void {
    if (!this.config) return;
    this.config = withValue(this.config, path, value);
    this.#clearFieldError(path);
  }

  setBackend(choice: BackendChoice): void {
    this.setParam('backend', choice);
  }

  /** A field holds something that is not a value (an empty number box). */
  setFieldError(path: string, message: string): void {
    this.fieldErrors = { ...this.fieldErrors, [path]: message };
  }

  /** A failed `training.start`: the schema's issues go onto their fields. */
  showStartError(error: unknown): void {
    this.fieldErrors = { ...this.fieldErrors, ...fieldErrorsFrom(error) };
  }

  /** A run started: the server accepted every value. */
  clearFieldErrors(): void {
    this.fieldErrors = {};
  }

  async loadBackends(): Promise<void> {
    if (this.loadingBackends) return;
    this.loadingBackends = true;
    try {
      this.backends = await this.#api.call('training.backends', {});
      this.#errors.resolve(BACKENDS_CONTEXT);
    } catch (error) {
      this.#errors.report(error, BACKENDS_CONTEXT);
    } finally {
      this.loadingBackends = false;
    }
  }

  async #loadPreset(keep: Keep): Promise<void> {
    const input = { task: this.taskId, backbone: this.backbone, preset: this.preset };
    this.loadingPreset = true;
    await this.#presetRequest.run(() => this.#api.call('training.preset', input), {
      ok: (preset) => this.#usePreset(preset, keep),
      failed: (error) => {
        this.presetError = toApiError(error).message;
        this.#errors.report(error, PRESET_CONTEXT);
      },
      settled: () => {
        this.loadingPreset = false;
      },
    });
  }

  /** A freshly loaded preset becomes the form's base; `keep` says which edits carry over. */
  #usePreset(preset: TrainConfig, keep: Keep): void {
    // Edits are measured against the preset they were made on, then replayed onto the new one.
    const previous = this.config;
    const previousPreset = this.presetConfig;
    let config = structuredClone(preset);
    if (keep !== 'none' && previous && previousPreset) {
      for (const path of changedPaths(previousPreset, previous)) {
        if (keep === 'schedule' && path.startsWith('task.')) continue;
        if (path === 'backbone' || path === 'task.task') continue;
        const value = valueAt(previous, path);
        const target = valueAt(config, path);
        if (value === undefined || typeof value === 'object' || target === undefined || typeof target === 'object') continue;
        config = withValue(config, path, value);
      }
    }
    this.presetConfig = preset;
    this.config = config;
    this.presetError = null;
    this.fieldErrors = {};
    this.formGeneration++;
    this.#errors.resolve(PRESET_CONTEXT);
  }

  #clearFieldError(path: string): void {
    if (!Object.hasOwn(this.fieldErrors, path)) return;
    const { [path]: _dropped, ...rest } = this.fieldErrors;
    this.fieldErrors = rest;
  }
}
