/**
 * An in-memory `PretextApi` for unit tests: the contract's methods over a small dataset, typed
 * errors like the real backend's, events the test emits by hand, and every call recorded.
 * Test-only: nothing in the app imports it.
 */
import type {
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
  PretextApi,
} from '../../../../src-main/shared/contract.ts';
import type {
  AppInfo,
  ImportFailure,
  ImportJobDto,
  LabelCount,
  LibraryInfo,
  VideoDto,
} from '../../../../src-main/shared/dto.ts';
import { VIDEO_STATUSES } from '../../../../src-main/shared/dto.ts';
import { ApiError } from '../../../../src-main/shared/errors.ts';

export type FakeHandler<M extends MethodName> = (
  input: MethodInput<M>,
) => MethodOutput<M> | Promise<MethodOutput<M>>;
export type FakeHandlers = { [M in MethodName]: FakeHandler<M> };

export interface FakeApiData {
  /** Path of the library open at start, or null. */
  openPath?: string | null;
  /** Library folders that exist (may be opened without `create`). */
  knownLibraries?: string[];
  videos?: VideoDto[];
  jobs?: ImportJobDto[];
  failures?: Record<number, ImportFailure[]>;
  /** What the folder dialog answers. */
  pickedFolder?: string | null;
  appInfo?: AppInfo;
}

export function makeVideo(id: number, overrides: Partial<VideoDto> = {}): VideoDto {
  return {
    id,
    path: `/videos/Class${id % 3}/v_${id}.avi`,
    fileName: `v_${id}.avi`,
    sizeBytes: 1_000_000 + id,
    durationS: 7.2,
    fps: 25,
    frameCount: 180,
    width: 320,
    height: 240,
    codec: 'xvid',
    label: `Class${id % 3}`,
    status: 'ready',
    error: null,
    duplicateOfId: null,
    hasThumbnail: true,
    importedAt: '2025-01-01T00:00:00.000Z',
    updatedAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

export function makeVideos(count: number, overrides: (id: number) => Partial<VideoDto> = () => ({})): VideoDto[] {
  return Array.from({ length: count }, (_, i) => makeVideo(i + 1, overrides(i + 1)));
}

export function makeJob(id: number, overrides: Partial<ImportJobDto> = {}): ImportJobDto {
  return {
    id,
    root: '/videos',
    status: 'running',
    startedAt: '2025-01-01T00:00:00.000Z',
    finishedAt: null,
    error: null,
    found: 0,
    processed: 0,
    imported: 0,
    updated: 0,
    unchanged: 0,
    moved: 0,
    duplicates: 0,
    failed: 0,
    missing: 0,
    ...overrides,
  };
}

export function libraryInfo(path: string, videos: readonly VideoDto[], roots: string[] = []): LibraryInfo {
  const counts = { ready: 0, failed: 0, missing: 0, duplicate: 0, total: videos.length };
  const labels = new Map<string | null, number>();
  for (const video of videos) {
    counts[video.status]++;
    labels.set(video.label, (labels.get(video.label) ?? 0) + 1);
  }
  const labelCounts: LabelCount[] = [...labels]
    .map(([label, count]) => ({ label, count }))
    .sort((a, b) => (a.label ?? '\uffff').localeCompare(b.label ?? '\uffff'));
  return { path, schemaVersion: 1, counts, labels: labelCounts, roots };
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(value: T): void;
  reject(error: unknown): void;
}

export function deferred<T>(): Deferred<T> {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

/** Lets pending promise callbacks run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

export class FakeApi implements PretextApi {
  openPath: string | null;
  readonly knownLibraries: Set<string>;
  videos: VideoDto[];
  jobs: ImportJobDto[];
  failures: Record<number, ImportFailure[]>;
  pickedFolder: string | null;
  appInfo: AppInfo;
  readonly calls: Array<{ method: MethodName; input: unknown }> = [];
  readonly handlers: FakeHandlers;
  readonly #listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  readonly #failures = new Map<MethodName, ApiError[]>();

  constructor(data: FakeApiData = {}) {
    this.openPath = data.openPath ?? null;
    this.knownLibraries = new Set(data.knownLibraries ?? (data.openPath ? [data.openPath] : []));
    this.videos = data.videos ?? [];
    this.jobs = data.jobs ?? [];
    this.failures = data.failures ?? {};
    this.pickedFolder = data.pickedFolder ?? null;
    this.appInfo = data.appInfo ?? {
      version: '0.1.0-test',
      platform: 'test',
      mediaTools: { ok: true, ffmpeg: '/usr/bin/ffmpeg', ffprobe: '/usr/bin/ffprobe', source: 'system', message: null },
    };
    this.handlers = this.#defaultHandlers();
  }

  call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    this.calls.push({ method, input });
    const queued = this.#failures.get(method)?.shift();
    if (queued) return Promise.reject(queued);
    const handler = this.handlers[method] as FakeHandler<M>;
    try {
      return Promise.resolve(handler(input));
    } catch (error) {
      return Promise.reject(error);
    }
  }

  on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    const wrapped = (payload: unknown) => listener(payload as EventPayload<E>);
    set.add(wrapped);
    return () => set.delete(wrapped);
  }

  emit<E extends EventName>(event: E, payload: EventPayload<E>): void {
    for (const listener of [...(this.#listeners.get(event) ?? [])]) listener(payload);
  }

  listenerCount(event: EventName): number {
    return this.#listeners.get(event)?.size ?? 0;
  }

  /** Makes the next call of `method` fail with `error`. */
  failNext(method: MethodName, error: ApiError): void {
    const queue = this.#failures.get(method) ?? [];
    queue.push(error);
    this.#failures.set(method, queue);
  }

  /** Replaces a method's behaviour. */
  override<M extends MethodName>(method: M, handler: FakeHandler<M>): void {
    (this.handlers as Record<MethodName, unknown>)[method] = handler;
  }

  callsOf<M extends MethodName>(method: M): MethodInput<M>[] {
    return this.calls.filter((c) => c.method === method).map((c) => c.input as MethodInput<M>);
  }

  info(): LibraryInfo {
    if (!this.openPath) throw new ApiError('NO_LIBRARY', 'No library is open.');
    return libraryInfo(this.openPath, this.videos, [...new Set(this.jobs.map((j) => j.root))]);
  }

  #defaultHandlers(): FakeHandlers {
    return {
      'app.info': () => this.appInfo,
      'library.current': () => (this.openPath ? this.info() : null),
      'library.open': ({ path, create }) => {
        const trimmed = path.trim();
        if (!trimmed) throw new ApiError('INVALID_INPUT', 'Invalid input for library.open: path: a path is required');
        if (!this.knownLibraries.has(trimmed)) {
          if (!create) throw new ApiError('NOT_FOUND', `No library at ${trimmed}`);
          this.knownLibraries.add(trimmed);
          this.videos = [];
        }
        this.openPath = trimmed;
        return this.info();
      },
      'videos.list': ({ offset = 0, limit = 200, label, status, search }) => {
        this.info();
        if (status !== undefined && !VIDEO_STATUSES.includes(status)) {
          throw new ApiError('INVALID_INPUT', `Invalid status ${String(status)}`);
        }
        const needle = search?.trim().toLowerCase() ?? '';
        const matches = this.videos.filter(
          (v) =>
            (label === undefined || v.label === label) &&
            (status === undefined || v.status === status) &&
            (needle === '' || v.path.toLowerCase().includes(needle)),
        );
        return { total: matches.length, offset, items: matches.slice(offset, offset + limit) };
      },
      'videos.get': ({ id }) => {
        const video = this.videos.find((v) => v.id === id);
        if (!video) throw new ApiError('NOT_FOUND', `No video ${id}`);
        return video;
      },
      'import.start': ({ folder }) => {
        this.info();
        if (!folder.trim()) throw new ApiError('INVALID_INPUT', 'Invalid input for import.start: folder: a path is required');
        if (this.jobs.some((j) => j.status === 'running')) {
          throw new ApiError('BUSY', 'An import is already running.');
        }
        const job = makeJob(Math.max(0, ...this.jobs.map((j) => j.id)) + 1, { root: folder.trim() });
        this.jobs = [job, ...this.jobs];
        return job;
      },
      'import.cancel': ({ jobId }) => {
        const index = this.jobs.findIndex((j) => j.id === jobId);
        const job = this.jobs[index];
        if (!job) throw new ApiError('NOT_FOUND', `No import job ${jobId}`);
        const cancelled: ImportJobDto = {
          ...job,
          status: job.status === 'running' ? 'cancelled' : job.status,
          finishedAt: job.finishedAt ?? '2025-01-01T00:01:00.000Z',
        };
        this.jobs[index] = cancelled;
        return cancelled;
      },
      'import.jobs': ({ limit = 20 }) => this.jobs.slice(0, limit),
      'import.failures': ({ jobId }) => this.failures[jobId] ?? [],
      'dialog.pickFolder': () => ({ path: this.pickedFolder }),
    };
  }
}
