import { statSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import type { ImportFailure, ImportJobDto, ImportProgress } from '../../shared/dto.ts';
import { ApiError } from '../../shared/errors.ts';
import { createJob, getJob, listFailures, listJobs } from '../db/jobs.ts';
import type { EventHub } from '../jobs/events.ts';
import { JobSlot } from '../jobs/job-slot.ts';
import { isSystemFolder } from '../util/user-files.ts';
import { runImport } from './importer.ts';
import { libraryInfo, type RequireLibrary } from './open-library.ts';

export interface ImportOptions {
  /** Files probed and hashed at once (default: the cores, 2 to 8). */
  concurrency?: number | undefined;
  /** Least time between two `library.changed` events while an import stores videos (default 1 s). */
  changeIntervalMs?: number | undefined;
}

/**
 * Imports folders of videos into the open library, one import at a time. Opening another library is
 * refused while one runs, and closing waits for it, so an import always reports to its own library.
 */
export class ImportService {
  private readonly slot = new JobSlot<ImportJobDto>(() => 'An import is already running; wait for it or cancel it first.');

  constructor(
    private readonly library: RequireLibrary,
    private readonly events: EventHub,
    private readonly options: ImportOptions = {},
  ) {}

  get isBusy(): boolean {
    return this.slot.isBusy;
  }

  async start(folder: string): Promise<ImportJobDto> {
    const library = this.library();
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
    const tools = await library.tools();
    // After the await, so no second import can start between this check and the slot's.
    this.slot.assertIdle();
    const job = library.jobs.own('import', () => createJob(library.db, root));
    const { events } = this;
    // The library's grid and counts follow the import as files are stored, not only at its end.
    const changeInterval = this.options.changeIntervalMs ?? 1000;
    let lastChange = Date.now();
    let lastProcessed = 0;
    const onProgress = (progress: ImportProgress): void => {
      events.emit('import.progress', progress);
      const now = Date.now();
      if (progress.counts.processed === lastProcessed || now - lastChange < changeInterval) return;
      lastChange = now;
      lastProcessed = progress.counts.processed;
      events.emit('library.changed', libraryInfo(library));
    };
    const settings = {
      db: library.db,
      tools,
      thumbnailDir: library.paths.thumbnails,
      concurrency: this.options.concurrency ?? Math.max(2, Math.min(8, cpus().length)),
    };
    this.slot.start(
      job.id,
      (signal) =>
        runImport(settings, job, { signal, onProgress }).catch((error: unknown): ImportJobDto => {
          // Even recording the failure failed (e.g. the database's disk is full): report it without the db.
          const message = error instanceof Error ? error.message : String(error);
          return { ...job, status: 'failed', finishedAt: new Date().toISOString(), error: `Import failed: ${message}` };
        }),
      (finished) => {
        events.emit('import.finished', finished);
        events.emit('library.changed', libraryInfo(library));
      },
    );
    return job;
  }

  cancel(jobId: number): ImportJobDto {
    const job = this.requireJob(jobId);
    this.slot.cancel(jobId);
    return job;
  }

  /** Resolves when the job ends (immediately for a finished job). */
  async wait(jobId: number): Promise<ImportJobDto> {
    return this.slot.wait(jobId) ?? this.requireJob(jobId);
  }

  jobs(limit: number): ImportJobDto[] {
    return listJobs(this.library().db, limit);
  }

  failures(jobId: number): ImportFailure[] {
    this.requireJob(jobId);
    return listFailures(this.library().db, jobId);
  }

  /** Cancels a running import and waits for it to record its state. */
  close(): Promise<void> {
    return this.slot.close();
  }

  private requireJob(jobId: number): ImportJobDto {
    const job = getJob(this.library().db, jobId);
    if (!job) throw new ApiError('NOT_FOUND', `No import job ${jobId}.`);
    return job;
  }
}
