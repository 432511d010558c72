/**
 * The real backend in-process for the UI tests: a temporary library, the contract's dispatch as the
 * transport and the real event hub, so a test of a screen fails when a backend rule changes.
 *
 * Test-only and outside `src-renderer/src`: it imports core (Node), which renderer code may not, so
 * lint and the tsconfigs give this folder and the renderer's test files their own rules
 * (see eslint.config.js and tsconfig.web-tests.json).
 */
import { cpSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
  PretextApi,
} from '@shared/contract.ts';
import type { ImportJobDto, LibraryInfo, MetricPoint, ProbePoint, RunDto, RunStatus } from '@shared/dto.ts';
import type { TrainConfig } from '@shared/training.ts';
import { ApiError } from '@shared/errors.ts';
import { dispatch, type Handlers } from '../src-main/core/api/dispatch.ts';
import { EventHub } from '../src-main/core/jobs/events.ts';
import { createHandlers } from '../src-main/core/api/handlers.ts';
import { recordProbes } from '../src-main/core/db/run-probes.ts';
import { createRun, getRun, recordCheckpoint, recordMetrics, setRunStatus } from '../src-main/core/db/runs.ts';
import { insertVideo, listVideos, markNotAsImported, type VideoMedia } from '../src-main/core/db/videos.ts';
import { libraryInfo } from '../src-main/core/library/open-library.ts';
import { Studio } from '../src-main/core/studio.ts';
import { publish, UI_VIDEOS_VERSION, uiVideos } from './videos.ts';

export type Override<M extends MethodName> = (
  input: MethodInput<M>,
  real: (input: MethodInput<M>) => Promise<MethodOutput<M>>,
) => MethodOutput<M> | Promise<MethodOutput<M>>;

/** What `recordVideos` varies per record. */
export interface RecordedVideo {
  label: string | null;
  /** Stores the video as failed with this reason. */
  error?: string;
  media?: Partial<VideoMedia>;
}

/** What `recordRun` stores of a run's history. */
export interface RecordedRun {
  status?: RunStatus;
  error?: string | null;
  backend?: string;
  /** The step reached (default: the last metric's). */
  step?: number;
  metrics?: MetricPoint[];
  checkpoints?: Array<{ step: number; validationAccuracy: number | null }>;
  probes?: ProbePoint[];
}

export interface RealApiOptions {
  /** What the folder dialog answers (the desktop shell's); absent: the browser's UNSUPPORTED. */
  pickFolder?: () => string | null;
  /** What `library.recent` answers (the shells keep this list outside the library). */
  recentLibraries?: string[];
}

/**
 * `PretextApi` over the real handlers. Inputs and answers cross by structured clone, as over IPC;
 * every call is recorded; a test may make one call fail or wrap a method (to hold an answer back).
 */
export class RealApi implements PretextApi {
  /** A temporary folder for libraries and videos, removed by `close`. */
  readonly work = mkdtempSync(join(tmpdir(), 'pretext-ui-'));
  readonly events = new EventHub();
  readonly library = new Studio({ events: this.events, importChangeIntervalMs: 0 });
  readonly calls: Array<{ method: MethodName; input: unknown }> = [];
  readonly #handlers: Handlers;
  readonly #failures = new Map<MethodName, ApiError[]>();
  readonly #overrides = new Map<MethodName, Override<MethodName>>();
  readonly #pending = new Set<Promise<void>>();
  readonly #listening = new Map<EventName, number>();
  recentLibraries: string[];

  constructor(options: RealApiOptions = {}) {
    this.recentLibraries = options.recentLibraries ?? [];
    const pickFolder = options.pickFolder;
    this.#handlers = createHandlers(this.library, {
      ...(pickFolder ? { pickFolder: async () => pickFolder() } : {}),
      recentLibraries: () => this.recentLibraries,
    });
  }

  /** A path inside the temporary folder. */
  path(...parts: string[]): string {
    return join(this.work, ...parts);
  }

  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    this.calls.push({ method, input: structuredClone(input) });
    const queued = this.#failures.get(method)?.shift();
    if (queued) return Promise.reject(queued);
    const real = (value: MethodInput<M>) => this.#dispatch(method, value);
    const override = this.#overrides.get(method) as Override<M> | undefined;
    const answer = override ? Promise.resolve().then(() => override(input, real)) : real(input);
    const done = answer.then(
      () => undefined,
      () => undefined,
    );
    this.#pending.add(done);
    void done.then(() => this.#pending.delete(done));
    return answer;
  }

  /** Resolves once no call is waiting for its answer (calls made meanwhile included). */
  async settled(): Promise<void> {
    // A macrotask first: what an event started (its listeners call later) is pending by then.
    do {
      await new Promise((resolve) => setTimeout(resolve, 0));
      await Promise.all([...this.#pending]);
    } while (this.#pending.size > 0);
  }

  async #dispatch<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const result = await dispatch(this.#handlers, method, structuredClone(input));
    if (!result.ok) throw ApiError.fromData(result.error);
    if (method === 'library.open') this.#remember((result.value as LibraryInfo).path);
    return structuredClone(result.value) as MethodOutput<M>;
  }

  /** Like the shells: an opened library goes to the front of the recent list. */
  #remember(path: string): void {
    this.recentLibraries = [path, ...this.recentLibraries.filter((entry) => entry !== path)];
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    const stop = this.events.on(event, (payload) => listener(structuredClone(payload)));
    this.#listening.set(event, this.listenerCount(event) + 1);
    let stopped = false;
    return () => {
      if (!stopped) this.#listening.set(event, this.listenerCount(event) - 1);
      stopped = true;
      stop();
    };
  }

  /** How many subscriptions to `event` the UI holds (to check that it lets go of them). */
  listenerCount(event: EventName): number {
    return this.#listening.get(event) ?? 0;
  }

  /** Makes the next call of `method` fail with `error` (a transport or backend failure). */
  failNext(method: MethodName, error: ApiError): void {
    this.#failures.set(method, [...(this.#failures.get(method) ?? []), error]);
  }

  /** Wraps a method: the override gets the input and the real handler (to delay or change its answer). */
  override<M extends MethodName>(method: M, override: Override<M>): void {
    this.#overrides.set(method, override as unknown as Override<MethodName>);
  }

  callsOf<M extends MethodName>(method: M): MethodInput<M>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.input as MethodInput<M>);
  }

  /** Resolves with the next payload of `event` that `accept` takes. */
  next<E extends EventName>(event: E, accept: (payload: EventPayload<E>) => boolean = () => true): Promise<EventPayload<E>> {
    return new Promise((resolve) => {
      const stop = this.events.on(event, (payload) => {
        if (!accept(payload)) return;
        stop();
        resolve(payload);
      });
    });
  }

  /** Creates and opens a library in the temporary folder (not recorded: the test's doing, not the UI's). */
  async openLibrary(name = 'lib.pretext'): Promise<LibraryInfo> {
    const info = await this.#dispatch('library.open', { path: this.path(name), create: true });
    return info;
  }

  /** Imports `folder` into the open library and waits for the job to end (not recorded as a call). */
  async importFolder(folder: string): Promise<ImportJobDto> {
    const job = await this.#dispatch('import.start', { folder });
    return this.library.imports.wait(job.id);
  }

  /**
   * Opens a copy of a library that imported the UI videos (`uiVideos()`): the import runs once per
   * machine, each copy is private to its test.
   */
  async openUiLibrary(folder = 'ui'): Promise<LibraryInfo> {
    const template = await uiLibraryTemplate();
    cpSync(template, this.path(folder), { recursive: true });
    const info = await this.#dispatch('library.open', { path: this.path(folder, LIBRARY_FILE), create: false });
    return info;
  }

  /**
   * Stores `count` video records without files (as an import of a big folder would leave them), for
   * what needs many videos and no frames: `pick(i)` chooses the label, a failure or other media of the
   * i-th (numbered from `first`). Silent: `announceChange` tells the UI, as an import would.
   */
  recordVideos(count: number, pick: (i: number) => RecordedVideo, first = 1): void {
    const { db } = this.library.requireOpen();
    for (let i = first; i < first + count; i++) {
      const { label, error = null, media } = pick(i);
      insertVideo(db, {
        path: `/videos/${label ?? 'unlabelled'}/v_${i}.avi`, root: '/videos', sizeBytes: 1000 + i, mtimeMs: 0,
        contentHash: `s256:record-${i}`, label, status: error === null ? 'ready' : 'failed', error, duplicateOf: null,
        thumbnail: null,
        media: error === null
          ? { durationS: 7.2, fps: 25, frameCount: 180, frameCountExact: true, width: 320, height: 240, codec: 'mpeg4', container: 'avi', ...media }
          : null,
      });
    }
  }

  /** The ids of the open library's videos in the order `videos.list` answers them (not recorded). */
  listedIds(): number[] {
    return listVideos(this.library.requireOpen().db, { offset: 0, limit: Number.MAX_SAFE_INTEGER }).items.map((v) => v.id);
  }

  /** Marks a video as its file no longer being the one imported (as a failed media request does); silent. */
  loseVideo(id: number, reason: string): void {
    markNotAsImported(this.library.requireOpen().db, id, reason);
  }

  /** Removes a video's record (as deleting it would); silent. */
  removeVideo(id: number): void {
    this.library.requireOpen().db.prepare('DELETE FROM videos WHERE id = ?').run(id);
  }

  /** Emits `library.changed` with the open library's info, as the backend does after an import stores videos. */
  announceChange(): void {
    this.events.emit('library.changed', libraryInfo(this.library.requireOpen()));
  }

  /**
   * Stores a run as training would have left it (status, metrics, checkpoints, probes), without
   * training: for what needs a run's history and not its weights. Answers the run as the API reads it.
   */
  recordRun(config: TrainConfig, history: RecordedRun = {}): RunDto {
    const { db, jobs } = this.library.requireOpen();
    // A running run belongs to a live process (this one, as if another window trained it); else it reads as interrupted.
    const run = history.status === 'running' ? jobs.own('training', () => createRun(db, config)) : createRun(db, config);
    const { status = 'completed', error = null, backend, metrics = [], checkpoints = [], probes = [] } = history;
    setRunStatus(db, run.id, status, { error, ...(backend ? { backend } : {}) });
    recordMetrics(db, run.id, metrics);
    if (history.step !== undefined) db.prepare('UPDATE training_runs SET step = ? WHERE id = ?').run(history.step, run.id);
    for (const { step, validationAccuracy } of checkpoints) {
      recordCheckpoint(db, run.id, { step, folder: join('runs', String(run.id), `step-${step}`), validationAccuracy });
    }
    recordProbes(db, run.id, probes);
    return getRun(db, run.id)!;
  }

  /** Stores points (and probes) of a run and emits `training.metrics`, as a training step does. */
  trainingMetrics(runId: number, points: MetricPoint[], probes: ProbePoint[] = []): void {
    const { db } = this.library.requireOpen();
    recordMetrics(db, runId, points);
    recordProbes(db, runId, probes);
    this.events.emit('training.metrics', { runId, points, probes });
  }

  /** Stores a checkpoint of a run (no weights), as training does before its next progress event. */
  trainingCheckpoint(runId: number, step: number, validationAccuracy: number | null): void {
    const folder = join('runs', String(runId), `step-${step}`);
    recordCheckpoint(this.library.requireOpen().db, runId, { step, folder, validationAccuracy });
  }

  /** Ends a recorded run with `status` and emits `training.finished`, as the backend does when a run stops. */
  trainingFinished(runId: number, status: Exclude<RunStatus, 'running'>): RunDto {
    const { db } = this.library.requireOpen();
    setRunStatus(db, runId, status, { error: null });
    const run = getRun(db, runId)!;
    this.events.emit('training.finished', run);
    return run;
  }

  /** Closes the library (waiting for its jobs) and removes the temporary folder. */
  async close(): Promise<void> {
    await this.library.close();
    rmSync(this.work, { recursive: true, force: true });
  }
}

const LIBRARY_FILE = 'lib.pretext';


/** A folder holding `lib.pretext` (and its cache) with the UI videos imported. */
async function uiLibraryTemplate(): Promise<string> {
  const folder = join(tmpdir(), `pretext-ui-library-v${UI_VIDEOS_VERSION}`);
  if (existsSync(folder)) return folder;
  const videos = await uiVideos();
  const partial = `${folder}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  const library = new Studio({ events: new EventHub() });
  try {
    library.open(join(partial, LIBRARY_FILE), true);
    const job = await library.imports.wait((await library.imports.start(videos)).id);
    if (job.status !== 'completed') throw new Error(`The UI library's import ended ${job.status}: ${job.error}`);
  } finally {
    await library.close();
  }
  publish(partial, folder);
  return folder;
}
