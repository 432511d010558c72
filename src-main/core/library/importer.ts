import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import type { ImportCounts, ImportJobDto, ImportProgress } from '../../shared/dto.ts';
import type { WritableDB } from '../db/connection.ts';
import { addFailure, emptyCounts, finishJob, getJob, saveJobCounts } from '../db/jobs.ts';
import {
  findVideoByPath,
  findVideosByHash,
  insertVideo,
  markMissing,
  presentPathsUnder,
  replaceVideo,
  type StoredVideo,
  type VideoRecord,
} from '../db/videos.ts';
import { isMediaError } from '../media/errors.ts';
import { contentHash } from '../media/hash.ts';
import { inspectVideo } from '../media/inspect.ts';
import { isAbortError } from '../util/abort.ts';
import type { MediaTools } from '../media/tools.ts';
import { forEachBounded } from '../util/pool.ts';
import { labelFor } from './label.ts';
import { scanVideoFiles, type FoundFile } from './scan.ts';
import { thumbnailFileName, thumbnailPath } from './thumbnails.ts';

export interface ImportContext {
  db: WritableDB;
  tools: MediaTools;
  thumbnailDir: string;
  /** Files inspected at once; each inspection runs ffprobe/ffmpeg child processes. */
  concurrency: number;
}

export interface ImportOptions {
  signal?: AbortSignal;
  onProgress?: (progress: ImportProgress) => void;
  /** Minimum time between progress callbacks (the last one always comes). */
  progressIntervalMs?: number;
}

type Outcome = Exclude<keyof ImportCounts, 'found' | 'processed'>;

const COUNTER_OF: Record<Outcome, Outcome> = {
  imported: 'imported',
  updated: 'updated',
  unchanged: 'unchanged',
  moved: 'moved',
  duplicates: 'duplicates',
  failed: 'failed',
  missing: 'missing',
};

/**
 * Failures of the library's own storage (disk full, read-only disk, cache folder unusable, database
 * errors) stop the whole job: every following file would fail the same way. File read problems
 * arrive as MediaErrors and stay per file.
 */
function isStorageError(error: unknown): boolean {
  if (isMediaError(error)) return false;
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' && (/^E[A-Z]+$/.test(code) || code.startsWith('SQLITE_'));
}

function storageFailureMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const code = (error as NodeJS.ErrnoException).code;
  const hint =
    code === 'ENOSPC' || code === 'SQLITE_FULL'
      ? 'The disk is full: free some space and import again.'
      : 'Check that the library folder is writable and import again.';
  return `Import stopped: the library could not store its data (${message}). ${hint} Videos imported so far are kept.`;
}

function unchanged(stored: StoredVideo, file: FoundFile): boolean {
  return stored.status !== 'missing' && stored.sizeBytes === file.sizeBytes && stored.mtimeMs === file.mtimeMs;
}

/**
 * Imports one folder into the library for an already created job: scan, mark vanished videos missing,
 * then inspect every new or changed file with bounded concurrency. Each file is written in its own
 * transaction after its inspection succeeded or failed, so a crash or cancel never leaves a half row.
 */
export async function runImport(
  context: ImportContext,
  job: ImportJobDto,
  options: ImportOptions = {},
): Promise<ImportJobDto> {
  const { db } = context;
  const root = job.root;
  const counts = emptyCounts();
  const startedAt = Date.now();
  let lastProgressAt = 0;
  let currentFile: string | null = null;
  let phase: ImportProgress['phase'] = 'scanning';

  const report = (force = false): void => {
    const now = Date.now();
    if (!force && now - lastProgressAt < (options.progressIntervalMs ?? 100)) return;
    lastProgressAt = now;
    saveJobCounts(db, job.id, counts);
    const remaining = counts.found - counts.processed;
    const etaSeconds =
      counts.processed > 0 && phase === 'importing'
        ? Math.round((((now - startedAt) / counts.processed) * remaining) / 1000)
        : null;
    options.onProgress?.({ jobId: job.id, phase, counts: { ...counts }, currentFile, etaSeconds });
  };

  const fail = (path: string, reason: string): void => {
    addFailure(db, job.id, { path, reason });
  };

  try {
    report(true);
    const scan = await scanVideoFiles(root, options.signal ? { signal: options.signal } : {});
    counts.found = scan.files.length + scan.problems.length;
    for (const problem of scan.problems) {
      fail(problem.path, problem.reason);
      counts.failed++;
      counts.processed++;
    }

    // Vanished videos are marked first so that a file moved within this folder is recognised by hash.
    const seen = new Set(scan.files.map((file) => file.path));
    const vanished = presentPathsUnder(db, root, sep).filter((path) => !seen.has(path));
    db.transaction(() => vanished.forEach((path) => markMissing(db, path)))();
    counts.missing = vanished.length;

    phase = 'importing';
    report(true);
    const inFlightByHash = new Map<string, Promise<void>>();

    await forEachBounded(
      scan.files,
      context.concurrency,
      async (file) => {
        currentFile = file.path;
        const outcome = await importFile(context, root, file, inFlightByHash, fail, options.signal);
        if (outcome) {
          counts[COUNTER_OF[outcome]]++;
          counts.processed++;
        }
        report();
      },
      options.signal,
    );

    // A vanished path that a moved file took over is not missing any more.
    counts.missing = vanished.filter((path) => findVideoByPath(db, path)?.status === 'missing').length;
    currentFile = null;
    phase = 'finishing';
    const cancelled = options.signal?.aborted ?? false;
    report(true);
    finishJob(db, job.id, cancelled ? 'cancelled' : 'completed');
  } catch (error) {
    saveJobCounts(db, job.id, counts);
    if (isAbortError(error) || options.signal?.aborted) {
      finishJob(db, job.id, 'cancelled');
    } else {
      const message = isStorageError(error)
        ? storageFailureMessage(error)
        : error instanceof Error
          ? error.message
          : String(error);
      finishJob(db, job.id, 'failed', message);
    }
  }
  return getJob(db, job.id) as ImportJobDto;
}

/** Imports one file; returns what happened, or null when cancelled before it was recorded. */
async function importFile(
  context: ImportContext,
  root: string,
  file: FoundFile,
  inFlightByHash: Map<string, Promise<void>>,
  fail: (path: string, reason: string) => void,
  signal: AbortSignal | undefined,
): Promise<Outcome | null> {
  const { db } = context;
  const stored = findVideoByPath(db, file.path);
  if (stored && unchanged(stored, file)) return 'unchanged';

  const base = {
    path: file.path,
    root,
    sizeBytes: file.sizeBytes,
    mtimeMs: file.mtimeMs,
    label: labelFor(root, file.path),
  };
  let hash: string | null = null;
  let release = (): void => {};
  try {
    const fileHash = await contentHash(file.path, signal ? { signal } : {});
    hash = fileHash;
    // Two copies of one file in the same import: the second waits for the first, then is a duplicate.
    const earlier = inFlightByHash.get(fileHash);
    const mine = new Promise<void>((resolve) => (release = resolve));
    inFlightByHash.set(fileHash, (earlier ?? Promise.resolve()).then(() => mine));
    if (earlier) await earlier;

    const sameContent = findVideosByHash(db, fileHash).filter((video) => video.path !== file.path);
    if (!stored) {
      const moved = sameContent.find((video) => video.status === 'missing' && video.media !== null);
      if (moved) {
        const record: VideoRecord = {
          ...base,
          contentHash: fileHash,
          media: moved.media,
          status: 'ready',
          error: null,
          duplicateOf: null,
          thumbnail: moved.thumbnail,
        };
        db.transaction(() => replaceVideo(db, moved.id, record))();
        return 'moved';
      }
      const original = sameContent.find((video) => video.status === 'ready');
      if (original) {
        const record: VideoRecord = {
          ...base,
          contentHash: fileHash,
          media: original.media,
          status: 'duplicate',
          error: `same content as ${original.path}`,
          duplicateOf: original.id,
          thumbnail: original.thumbnail,
        };
        db.transaction(() => insertVideo(db, record))();
        return 'duplicates';
      }
    }

    const probe = await inspectVideo(context.tools, file.path, {
      thumbnailPath: thumbnailPath(context.thumbnailDir, fileHash),
      ...(signal ? { signal } : {}),
    });
    const record: VideoRecord = {
      ...base,
      contentHash: fileHash,
      media: probe,
      status: 'ready',
      error: null,
      duplicateOf: null,
      thumbnail: thumbnailFileName(fileHash),
    };
    db.transaction(() => (stored ? replaceVideo(db, stored.id, record) : insertVideo(db, record)))();
    return stored ? 'updated' : 'imported';
  } catch (error) {
    if (isAbortError(error) || signal?.aborted) return null;
    if (isStorageError(error)) throw error;
    const reason = isMediaError(error)
      ? error.reason
      : `import error: ${error instanceof Error ? error.message : String(error)}`;
    db.transaction(() => {
      fail(file.path, reason);
      // A file that vanished mid-import gets no row: the next scan will not find it either.
      if (!existsSync(file.path)) return;
      const record: VideoRecord = {
        ...base,
        contentHash: hash,
        media: null,
        status: 'failed',
        error: reason,
        duplicateOf: null,
        thumbnail: null,
      };
      if (stored) replaceVideo(db, stored.id, record);
      else insertVideo(db, record);
    })();
    return 'failed';
  } finally {
    release();
  }
}
