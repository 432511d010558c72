import { createHash } from 'node:crypto';
import { mkdirSync, statSync } from 'node:fs';
import { access } from 'node:fs/promises';
import { cpus } from 'node:os';
import { dirname, extname, join, resolve } from 'node:path';
import type { Worker } from 'node:worker_threads';
import type {
  ImportFailure,
  ImportJobDto,
  ImportProgress,
  LibraryInfo,
  VideoDto,
  VideoPage,
} from '../../shared/dto.ts';
import { ApiError } from '../../shared/errors.ts';
import type { MediaKind } from '../../shared/routes.ts';
import type { EventHub } from '../jobs/events.ts';
import { openLibraryDatabase, type WritableDB } from '../db/connection.ts';
import { createJob, getJob, importRoots, listFailures, listJobs } from '../db/jobs.ts';
import { closeAbandonedJobs, orphanedJobIds, type JobKind } from '../db/job-owners.ts';
import { schemaVersion } from '../db/migrations/index.ts';
import {
  getVideo,
  getVideoFiles,
  labelCounts,
  listVideos,
  markNotAsImported,
  statusCounts,
  type VideoFiles,
  type VideoFilter,
} from '../db/videos.ts';
import { FrameCache } from '../frames/frame-cache.ts';
import { createFfmpegFrameSource, type FrameSource } from '../frames/frame-source.ts';
import { isBrowserPlayable, writePlayableCopy } from '../media/playable.ts';
import { getMediaTools, type MediaTools } from '../media/tools.ts';
import { JobSlot } from '../jobs/job-slot.ts';
import { previewTuple, type PreviewRequest } from '../preview/tuple-preview.ts';
import { TrainingService } from '../training/service.ts';
import { FeatureService } from '../retrieval/service.ts';
import { RetrievalService } from '../retrieval/queries.ts';
import { isPseudoFilesystemPath, isSystemFolder, realPathToBe, unreadable } from '../util/user-files.ts';
import { runImport } from './importer.ts';
import { goneFromHere, JobOwnership } from './job-ownership.ts';
import {
  MEDIA_NOT_FOUND,
  MEDIA_PROBLEM_REASON,
  MEDIA_PROBLEM_STATUS,
  openFileInside,
  openRecordedFile,
  type MediaAnswer,
} from './media-access.ts';

export interface LibraryServiceOptions {
  events: EventHub;
  /** Resolves ffmpeg/ffprobe when an import starts (injected so tests can pin the tools). */
  resolveTools?: () => Promise<MediaTools>;
  importConcurrency?: number;
  /** Disk the decoded-frame cache may use (default 2 GiB, or PRETEXT_FRAME_CACHE_MB). */
  frameCacheBytes?: number;
  /** Starts the training worker thread (injected by tests). */
  spawnTrainingWorker?: () => Worker;
  /** Least time between two `library.changed` events while an import stores videos (default 1 s). */
  importChangeIntervalMs?: number;
}

const DEFAULT_FRAME_CACHE_BYTES = 2 * 1024 ** 3;

function frameCacheBytes(options: LibraryServiceOptions): number {
  if (options.frameCacheBytes !== undefined) return options.frameCacheBytes;
  const megabytes = Number(process.env.PRETEXT_FRAME_CACHE_MB);
  return Number.isFinite(megabytes) && megabytes > 0 ? megabytes * 1024 ** 2 : DEFAULT_FRAME_CACHE_BYTES;
}

/** The database file of a library in a folder (what a folder given as the library holds). */
export const LIBRARY_FILE_NAME = 'library.pretext';

/**
 * The database file for a path the user gave: a .pretext file, or a folder holding one (an existing
 * folder, or, when creating, any path without the .pretext extension). Creating makes missing parents.
 */
export function libraryFileFor(path: string, create: boolean): string {
  const given = resolve(path);
  let isFolder = false;
  try {
    isFolder = statSync(given).isDirectory();
  } catch (error) {
    // Only a path that does not exist yet may be created; a link loop or a forbidden path says so.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw unreadable(given, error);
    isFolder = create && extname(given).toLowerCase() !== '.pretext';
  }
  const file = isFolder ? join(given, LIBRARY_FILE_NAME) : given;
  // Never a library in /proc, /sys or /dev (nor folders made there), nor a folder that is a filesystem's root.
  if (isFolder ? isSystemFolder(given) : isPseudoFilesystemPath(realPathToBe(given))) {
    throw new ApiError('INVALID_INPUT', `Not a place for a library: ${given} is a system folder.`);
  }
  if (create) {
    try {
      mkdirSync(dirname(file), { recursive: true });
    } catch (error) {
      throw new ApiError('IO_ERROR', `Cannot create the folder ${dirname(file)}: ${(error as Error).message}`);
    }
  }
  return file;
}

/** Files that belong to a library: its database and a cache folder beside it. */
export function cacheDirFor(libraryFile: string): string {
  return `${libraryFile}.cache`;
}

/**
 * The open library and its jobs. One library is open at a time; the shells (Electron, bridge, CLI)
 * all drive this same object through the contract handlers.
 */
export class LibraryService {
  private db: WritableDB | null = null;
  private file: string | null = null;
  /** This process as the owner of the jobs it runs in the open library. */
  private ownership: JobOwnership | null = null;
  private readonly imports = new JobSlot<ImportJobDto>(() => 'An import is already running; wait for it or cancel it first.');
  private frameSource: FrameSource | null = null;
  /** Playable copies being made, so concurrent requests for one video share one ffmpeg. */
  private readonly playableCopies = new Map<string, Promise<string>>();
  /** Training runs of this library, in a worker thread. */
  readonly training: TrainingService;
  /** Retrieval features of this library, extracted in a worker thread. */
  readonly features: FeatureService;
  /** Nearest neighbours, evaluation and maps over extracted features. */
  readonly retrieval: RetrievalService;

  constructor(private readonly options: LibraryServiceOptions) {
    this.training = new TrainingService(this, options.events, options.spawnTrainingWorker);
    this.features = new FeatureService(this, options.events);
    this.retrieval = new RetrievalService(this, options.events);
  }

  get isOpen(): boolean {
    return this.db !== null;
  }

  /**
   * Opens a library. Jobs whose owning process is gone are closed as interrupted (resumable); jobs
   * another live process runs are left alone. `readOnly` (listings) changes no job state at all.
   */
  open(path: string, create: boolean, options: { readOnly?: boolean } = {}): LibraryInfo {
    if (this.imports.isBusy || this.training.isBusy || this.features.isBusy) {
      throw new ApiError('BUSY', 'A job is running; cancel it or wait before switching libraries.');
    }
    const file = libraryFileFor(path, create);
    const db = openLibraryDatabase(file, { create });
    if (!options.readOnly) closeAbandonedJobs(db, goneFromHere());
    this.ownership?.release();
    this.db?.close();
    this.db = db;
    this.ownership = new JobOwnership(db);
    this.file = file;
    this.frameSource = null;
    mkdirSync(this.thumbnailDir(), { recursive: true });
    const info = this.info();
    this.options.events.emit('library.changed', info);
    return info;
  }

  current(): LibraryInfo | null {
    return this.db ? this.info() : null;
  }

  info(): LibraryInfo {
    const db = this.requireDb();
    return {
      path: this.file as string,
      schemaVersion: schemaVersion(db),
      counts: statusCounts(db),
      labels: labelCounts(db),
      roots: importRoots(db),
    };
  }

  thumbnailDir(): string {
    if (!this.file) throw new ApiError('NO_LIBRARY', 'No library is open.');
    return resolve(cacheDirFor(this.file), 'thumbnails');
  }

  async startImport(folder: string): Promise<ImportJobDto> {
    const db = this.requireDb();
    const root = resolve(folder);
    let isFolder = false;
    try {
      isFolder = statSync(root).isDirectory();
    } catch {
      throw new ApiError('NOT_FOUND', `Folder not found: ${root}`);
    }
    if (!isFolder) throw new ApiError('INVALID_INPUT', `Not a folder: ${root}`);
    // /proc/self/root leads back to / and /dev holds endless files: no video library lives there.
    if (isSystemFolder(root)) {
      throw new ApiError('INVALID_INPUT', `Not a video folder: ${root} is a system folder.`);
    }
    const tools = await this.resolveTools();
    // After the await, so no second import can start between this check and the slot's.
    this.imports.assertIdle();
    const job = this.ownJob('import', () => createJob(db, root));
    const { events } = this.options;
    // The library's grid and counts follow the import as files are stored, not only at its end.
    const changeInterval = this.options.importChangeIntervalMs ?? 1000;
    let lastChange = Date.now();
    let lastProcessed = 0;
    const onProgress = (progress: ImportProgress): void => {
      events.emit('import.progress', progress);
      const now = Date.now();
      if (progress.counts.processed === lastProcessed || now - lastChange < changeInterval || this.db !== db) return;
      lastChange = now;
      lastProcessed = progress.counts.processed;
      events.emit('library.changed', this.info());
    };
    const settings = {
      db,
      tools,
      thumbnailDir: this.thumbnailDir(),
      concurrency: this.options.importConcurrency ?? Math.max(2, Math.min(8, cpus().length)),
    };
    this.imports.start(
      job.id,
      (signal) =>
        runImport(settings, job, { signal, onProgress }).catch((error: unknown): ImportJobDto => {
          // Even recording the failure failed (e.g. the database's disk is full): report it without the db.
          const message = error instanceof Error ? error.message : String(error);
          return { ...job, status: 'failed', finishedAt: new Date().toISOString(), error: `Import failed: ${message}` };
        }),
      (finished) => {
        events.emit('import.finished', finished);
        if (this.db === db) events.emit('library.changed', this.info());
      },
    );
    return job;
  }

  cancelImport(jobId: number): ImportJobDto {
    const job = getJob(this.requireDb(), jobId);
    if (!job) throw new ApiError('NOT_FOUND', `No import job ${jobId}.`);
    this.imports.cancel(jobId);
    return job;
  }

  /** Resolves when the job ends (immediately for a finished job). */
  async waitForImport(jobId: number): Promise<ImportJobDto> {
    const running = this.imports.wait(jobId);
    if (running) return running;
    const job = getJob(this.requireDb(), jobId);
    if (!job) throw new ApiError('NOT_FOUND', `No import job ${jobId}.`);
    return job;
  }

  jobs(limit: number): ImportJobDto[] {
    return listJobs(this.requireDb(), limit);
  }

  failures(jobId: number): ImportFailure[] {
    const db = this.requireDb();
    if (!getJob(db, jobId)) throw new ApiError('NOT_FOUND', `No import job ${jobId}.`);
    return listFailures(db, jobId);
  }

  videos(filter: VideoFilter): VideoPage {
    return listVideos(this.requireDb(), filter);
  }

  video(id: number): VideoDto {
    const video = getVideo(this.requireDb(), id);
    if (!video) throw new ApiError('NOT_FOUND', `No video ${id} in this library.`);
    return video;
  }

  /** The open library's database and cache folder, for the services built on the library. */
  requireOpen(): { db: WritableDB; file: string; cacheDir: string } {
    const db = this.requireDb();
    const file = this.file as string;
    return { db, file, cacheDir: resolve(cacheDirFor(file)) };
  }

  /**
   * Runs `start`, which sets a job running and returns it (or its id), in one transaction with
   * recording this process as its owner, so no other process can see it running without an owner.
   */
  ownJob<T extends number | { id: number }>(kind: JobKind, start: () => T): T {
    const db = this.requireDb();
    const ownership = this.ownership as JobOwnership;
    return db.transaction(() => {
      const job = start();
      ownership.claim(kind, typeof job === 'number' ? job : job.id);
      return job;
    })();
  }

  /** Running jobs of `kind` whose process is gone: what the next opening for work closes as interrupted. */
  orphanedJobs(kind: JobKind): Set<number> {
    return orphanedJobIds(this.requireDb(), kind, goneFromHere(this.ownership?.id));
  }

  /** Closes jobs whose process died while this library was open here (before resuming one of them). */
  closeOrphanedJobs(): void {
    closeAbandonedJobs(this.requireDb(), goneFromHere(this.ownership?.id));
  }

  resolveTools(): Promise<MediaTools> {
    return (this.options.resolveTools ?? getMediaTools)();
  }

  get frameCacheBytes(): number {
    return frameCacheBytes(this.options);
  }

  /** A sampled tuple rendered as the network sees it (Task preview). */
  async previewTuple(request: PreviewRequest) {
    const db = this.requireDb();
    const tools = await this.resolveTools();
    return previewTuple({ db, tools, frames: this.frames(tools) }, request);
  }

  /** The decoded-frame source of the open library, its cache beside the library file. */
  private frames(tools: MediaTools): FrameSource {
    if (!this.frameSource) {
      const cache = new FrameCache(resolve(cacheDirFor(this.file as string), 'frames'), {
        maxBytes: frameCacheBytes(this.options),
      });
      this.frameSource = createFfmpegFrameSource(tools, cache);
    }
    return this.frameSource;
  }

  /**
   * The file behind a media request, opened, or the status to answer. Only files the library knows
   * are served, so a request can never name an arbitrary path, and each is checked again at request
   * time (media-access.ts): a video that is no longer the file imported is marked missing and
   * refused. 'playable' makes (once) an H.264 copy of a video browsers cannot play; when that fails
   * the original is served and the player says why.
   */
  async mediaFile(kind: MediaKind, videoId: number): Promise<MediaAnswer> {
    const db = this.db;
    if (!db) return MEDIA_NOT_FOUND;
    const files = getVideoFiles(db, videoId);
    if (!files) return MEDIA_NOT_FOUND;
    if (kind === 'thumbnail') {
      if (!files.thumbnail) return MEDIA_NOT_FOUND;
      const thumbnail = await openFileInside(resolve(this.thumbnailDir(), files.thumbnail), [this.thumbnailDir()]);
      return thumbnail.ok ? thumbnail : MEDIA_NOT_FOUND;
    }
    if (files.status !== 'ready' && files.status !== 'duplicate') return MEDIA_NOT_FOUND;
    const original = await openRecordedFile(files, [files.root, ...importRoots(db)]);
    if (!original.ok) {
      if (this.db === db) {
        markNotAsImported(db, videoId, MEDIA_PROBLEM_REASON[original.problem]);
        this.options.events.emit('library.changed', this.info());
      }
      return { ok: false, status: MEDIA_PROBLEM_STATUS[original.problem] };
    }
    if (kind === 'video' || isBrowserPlayable(files.codec, files.container)) return original;
    const copy = await this.playableCopy(videoId, files).catch(() => null);
    // The copy must be a file of its own folder in the cache, not a link out of it.
    const opened = copy ? await openFileInside(copy, [dirname(copy)]) : null;
    if (!opened?.ok) return original;
    await original.file.handle.close();
    return opened;
  }

  /** The path of a video's H.264 copy, made once; concurrent requests for one video share one ffmpeg. */
  private playableCopy(videoId: number, files: VideoFiles): Promise<string> {
    // Named by content, so a changed file gets a new copy; a digest, because hashes hold ':'.
    const version = createHash('sha256').update(files.contentHash ?? files.path).digest('hex').slice(0, 16);
    const copy = resolve(cacheDirFor(this.file as string), 'playable', `${videoId}-${version}.mp4`);
    let making = this.playableCopies.get(copy);
    if (!making) {
      making = access(copy)
        .catch(async () => writePlayableCopy(await this.resolveTools(), files.path, copy))
        .then(() => copy)
        .finally(() => this.playableCopies.delete(copy));
      this.playableCopies.set(copy, making);
    }
    return making;
  }

  /** Cancels running jobs, waits for them to record their state (training checkpoints), and closes the database. */
  async close(): Promise<void> {
    await this.training.close();
    await this.features.close();
    await this.imports.close();
    this.ownership?.release();
    this.ownership = null;
    this.db?.close();
    this.db = null;
    this.file = null;
    this.frameSource = null;
  }

  private requireDb(): WritableDB {
    if (!this.db) throw new ApiError('NO_LIBRARY', 'No library is open. Open or create one first.');
    return this.db;
  }
}
