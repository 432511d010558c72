import { framesAtSamplingRate } from '@shared/sampling.ts';
import type { MethodInput, PretextApi } from '@shared/contract.ts';
import type { TaskInfo, TuplePreview, VideoDto } from '@shared/dto.ts';
import type { PresetName, TaskConfig, TaskId } from '@shared/tasks.ts';
import { toApiError } from '../lib/api/result.ts';
import { LatestRequest } from '../lib/latest-request.ts';
import type { ErrorSink } from '../lib/notices/notices.svelte.ts';
import { MAX_SEED, nextSeed, normalizeSeed } from '../lib/seed.ts';
import { changedPaths, configFields, fieldErrorsFrom, withValue } from '../lib/config-form/config-fields.ts';

export const TASKS_CONTEXT = 'Load tasks';
export const SAMPLE_CONTEXT = 'Sample tuple';
export const VIDEOS_CONTEXT = 'Load videos for preview';

/** What the video picker lists. */
export interface VideoOption {
  id: number;
  fileName: string;
  label: string | null;
  /** Frames at the sampling rate (what the task lengths and their errors count), null when unknown. */
  frameCount: number | null;
}

const toOption = (video: VideoDto): VideoOption => ({
  id: video.id,
  fileName: video.fileName,
  label: video.label,
  frameCount: video.durationS === null ? null : framesAtSamplingRate(video.durationS),
});

/** What a shown preview was sampled with. */
export interface SampleRequest {
  config: TaskConfig;
  seed: number;
  /** null: a usable video chosen by the seed. */
  videoId: number | null;
}

export interface PreviewStateOptions {
  /** Draws a fresh seed in [0, 1); Math.random by default. */
  random?: () => number;
  initialSeed?: number;
  /** The preset a newly picked task starts from. */
  preset?: PresetName;
  /** Quiet time before typed video-filter text is applied. */
  searchDebounceMs?: number;
  /** Most videos the picker lists at once (the filter narrows the rest). */
  videoLimit?: number;
}

/**
 * The Task preview screen: pick a task and preset, edit a copy of its config, pick a seed and
 * optionally a video, and see one sampled tuple as the network gets it. Any change samples again;
 * only the answer to the latest request is shown.
 */
export class PreviewState {
  tasks = $state.raw<readonly TaskInfo[]>([]);
  tasksLoaded = $state(false);
  loadingTasks = $state(false);

  taskId = $state<TaskId | null>(null);
  preset = $state<PresetName>('paper');
  /** The editable copy of the preset (replaced, never mutated). */
  config = $state.raw<TaskConfig | null>(null);
  seed = $state(0);
  /** null: let the seed pick a usable video. */
  videoId = $state<number | null>(null);

  /** Ready videos matching `videoSearch`, for the picker. */
  videos = $state.raw<readonly VideoOption[]>([]);
  videoTotal = $state<number | null>(null);
  videoSearch = $state('');

  preview = $state.raw<TuplePreview | null>(null);
  /** What `preview` was sampled with. */
  shown = $state.raw<SampleRequest | null>(null);
  sampling = $state(false);
  /** The last sample's failure, shown next to the (older) preview; null after a success. */
  sampleError = $state<string | null>(null);
  /** Messages per config path ("frameSize.width"): the schema's complaints and unparsable input. */
  fieldErrors = $state.raw<Readonly<Record<string, string>>>({});
  revealed = $state(false);
  /** Bumped when the form's values are replaced wholesale (task, preset, reset): inputs re-render. */
  formGeneration = $state(0);

  readonly task = $derived(this.tasks.find((t) => t.id === this.taskId) ?? null);
  readonly presetConfig = $derived<TaskConfig | null>(this.task?.presets[this.preset] ?? null);
  /** Paths where the config differs from the preset. */
  readonly modified = $derived<readonly string[]>(
    this.config && this.presetConfig ? changedPaths(this.presetConfig, this.config) : [],
  );
  readonly fields = $derived(this.config ? configFields(this.config, this.presetConfig ?? undefined) : []);
  /** The picker's options; a video picked from elsewhere stays listed while the filter hides it. */
  readonly videoOptions = $derived.by<readonly VideoOption[]>(() => {
    const pinned = this.#pinned;
    if (!pinned || pinned.id !== this.videoId || this.videos.some((v) => v.id === pinned.id)) return this.videos;
    return [pinned, ...this.videos];
  });
  /** The preview on screen no longer matches the controls (a newer sample is pending or failed). */
  readonly outdated = $derived.by(() => {
    const shown = this.shown;
    if (!this.preview || !shown || !this.config) return false;
    return (
      shown.seed !== this.seed ||
      shown.videoId !== this.videoId ||
      changedPaths(shown.config, this.config).length > 0
    );
  });

  readonly #api: PretextApi;
  readonly #errors: ErrorSink;
  readonly #random: () => number;
  readonly #searchDebounceMs: number;
  readonly #videoLimit: number;
  #pinned = $state.raw<VideoOption | null>(null);
  readonly #sampleRequest = new LatestRequest();
  readonly #videosRequest = new LatestRequest();
  /** The library the videos and preview belong to; undefined before the first activation. */
  #library: string | null | undefined = undefined;
  #searchTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(api: PretextApi, errors: ErrorSink, options: PreviewStateOptions = {}) {
    this.#api = api;
    this.#errors = errors;
    this.#random = options.random ?? Math.random;
    this.seed = normalizeSeed(options.initialSeed ?? 0) ?? 0;
    this.preset = options.preset ?? 'paper';
    this.#searchDebounceMs = options.searchDebounceMs ?? 250;
    this.#videoLimit = options.videoLimit ?? 500;
  }

  /**
   * The screen is shown for `libraryPath`: loads the tasks once, and the video list each time (imports
   * may have added videos). Another library than last time drops the video choice and the preview.
   */
  async activate(libraryPath: string | null): Promise<void> {
    if (this.#library !== undefined && libraryPath !== this.#library) this.#forgetLibrary();
    this.#library = libraryPath;
    await Promise.all([this.tasksLoaded ? null : this.loadTasks(), this.refreshVideos()]);
  }

  dispose(): void {
    if (this.#searchTimer) clearTimeout(this.#searchTimer);
    this.#searchTimer = null;
  }

  async loadTasks(): Promise<void> {
    if (this.loadingTasks) return;
    this.loadingTasks = true;
    try {
      this.tasks = await this.#api.call('tasks.list', {});
      this.tasksLoaded = true;
      this.#errors.resolve(TASKS_CONTEXT);
    } catch (error) {
      this.#errors.report(error, TASKS_CONTEXT);
    } finally {
      this.loadingTasks = false;
    }
  }

  /** Picks a task: its config starts as a copy of the current preset, and a tuple is sampled. */
  selectTask(id: TaskId): Promise<void> {
    if (id === this.taskId && this.config) return Promise.resolve();
    const task = this.tasks.find((t) => t.id === id);
    if (!task) return Promise.resolve();
    this.taskId = id;
    this.revealed = false;
    this.preview = null;
    this.shown = null;
    this.sampleError = null;
    this.#copyPreset();
    return this.sample();
  }

  /** Switches preset (or re-picks the same one to drop edits): the config becomes a fresh copy. */
  selectPreset(name: PresetName): Promise<void> {
    this.preset = name;
    if (!this.task) return Promise.resolve();
    this.#copyPreset();
    return this.sample();
  }

  /** Drops the edits: back to a copy of the current preset. */
  resetConfig(): Promise<void> {
    return this.selectPreset(this.preset);
  }

  /** Sets one config value by dotted path ("cropSize", "frameSize.width") and samples again. */
  setParam(path: string, value: number | boolean | string): Promise<void> {
    if (!this.config) return Promise.resolve();
    this.config = withValue(this.config, path, value);
    this.#clearFieldError(path);
    return this.sample();
  }

  /** A field holds something that is not a value (an empty number box): say so, sample nothing. */
  setFieldError(path: string, message: string): void {
    this.fieldErrors = { ...this.fieldErrors, [path]: message };
  }

  /** Uses a typed seed; anything that is not a number is ignored (false). */
  setSeed(value: number): boolean {
    const seed = normalizeSeed(value);
    if (seed === null) return false;
    if (seed !== this.seed) {
      this.seed = seed;
      void this.sample();
    }
    return true;
  }

  /** "Sample again": the next seed. */
  sampleAgain(): Promise<void> {
    this.seed = nextSeed(this.seed);
    return this.sample();
  }

  /** A random seed. */
  randomSeed(): Promise<void> {
    this.seed = Math.min(MAX_SEED, Math.floor(this.#random() * (MAX_SEED + 1)));
    return this.sample();
  }

  /** Samples from one video (null: any usable one, chosen by the seed). */
  setVideo(id: number | null, option?: VideoOption): Promise<void> {
    if (option && option.id === id) this.#pinned = option;
    if (id === this.videoId) return Promise.resolve();
    this.videoId = id;
    return this.sample();
  }

  /** The video selected in the library grid. */
  useVideo(video: VideoDto): Promise<void> {
    return this.setVideo(video.id, toOption(video));
  }

  /** Keeps sampling from the video the seed picked for the shown preview. */
  keepShownVideo(): Promise<void> {
    const video = this.preview?.video;
    if (!video) return Promise.resolve();
    // The shown preview's frame count is the decoded grid's, at the sampling rate.
    return this.setVideo(video.id, { id: video.id, fileName: video.fileName, label: video.label, frameCount: video.frameCount });
  }

  /** Updates the video filter; the list reloads after the debounce. */
  setVideoSearch(text: string): void {
    this.videoSearch = text;
    if (this.#searchTimer) clearTimeout(this.#searchTimer);
    this.#searchTimer = setTimeout(() => {
      this.#searchTimer = null;
      void this.refreshVideos();
    }, this.#searchDebounceMs);
  }

  toggleReveal(): void {
    this.revealed = !this.revealed;
  }

  /** Reloads the picker's ready videos for the current filter; older answers are dropped. */
  async refreshVideos(): Promise<void> {
    const query: MethodInput<'videos.list'> = { status: 'ready', limit: this.#videoLimit };
    const search = this.videoSearch.trim();
    if (search) query.search = search;
    await this.#videosRequest.run(() => this.#api.call('videos.list', query), {
      ok: (page) => {
        this.videos = page.items.map(toOption);
        this.videoTotal = page.total;
        this.#errors.resolve(VIDEOS_CONTEXT);
      },
      failed: (error) => this.#errors.report(error, VIDEOS_CONTEXT),
    });
  }

  /** Samples a tuple for the current controls. Only the latest request's answer is used. */
  async sample(): Promise<void> {
    const config = this.config;
    if (!config) return;
    const request: SampleRequest = { config, seed: this.seed, videoId: this.videoId };
    const input: MethodInput<'tasks.sample'> = { config, seed: request.seed };
    if (request.videoId !== null) input.videoId = request.videoId;
    this.sampling = true;
    await this.#sampleRequest.run(() => this.#api.call('tasks.sample', input), {
      ok: (preview) => {
        this.preview = preview;
        this.shown = request;
        this.sampleError = null;
        this.fieldErrors = {};
        this.#errors.resolve(SAMPLE_CONTEXT);
      },
      failed: (error) => {
        this.sampleError = toApiError(error).message;
        this.fieldErrors = fieldErrorsFrom(error);
        this.#errors.report(error, SAMPLE_CONTEXT);
      },
      settled: () => {
        this.sampling = false;
      },
    });
  }

  #copyPreset(): void {
    const preset = this.presetConfig;
    this.config = preset ? structuredClone(preset) : null;
    this.fieldErrors = {};
    this.formGeneration++;
  }

  #clearFieldError(path: string): void {
    if (!Object.hasOwn(this.fieldErrors, path)) return;
    const { [path]: _dropped, ...rest } = this.fieldErrors;
    this.fieldErrors = rest;
  }

  #forgetLibrary(): void {
    this.#sampleRequest.drop();
    this.#videosRequest.drop();
    this.sampling = false;
    this.videoId = null;
    this.#pinned = null;
    this.videos = [];
    this.videoTotal = null;
    this.videoSearch = '';
    if (this.#searchTimer) clearTimeout(this.#searchTimer);
    this.#searchTimer = null;
    this.preview = null;
    this.shown = null;
    this.sampleError = null;
    this.#errors.resolve(SAMPLE_CONTEXT);
  }
}
