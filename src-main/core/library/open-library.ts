import type { LibraryInfo } from '../../shared/dto.ts';
import type { WritableDB } from '../db/connection.ts';
import { importRoots } from '../db/jobs.ts';
import { schemaVersion } from '../db/migrations/index.ts';
import { labelCounts, statusCounts, unlessChanged } from '../db/videos.ts';
import type { JobOwnership } from '../jobs/ownership.ts';
import type { MediaTools } from '../media/tools.ts';
import type { LibraryPaths } from './library-files.ts';

/**
 * The library open now, as the services see it: what they read and write, and nothing of the studio
 * that opened it. core/studio.ts builds it in one place when a library opens.
 */
export interface OpenLibrary {
  db: WritableDB;
  /** The database file. */
  file: string;
  paths: LibraryPaths;
  /** Resolves ffmpeg/ffprobe when a job needs them. */
  tools: () => Promise<MediaTools>;
  /** Disk the decoded-frame cache may use. */
  frameCacheBytes: number;
  /** This process as the owner of the jobs it runs in this library. */
  jobs: JobOwnership;
}

/** How a service reaches the open library: throws NO_LIBRARY when none is open. */
export type RequireLibrary = () => OpenLibrary;

/** The library's summary; library.current asks for it on every call, so it is kept until the database changes. */
export function libraryInfo({ db, file }: OpenLibrary): LibraryInfo {
  return unlessChanged(db, `info:${file}`, () => ({
    path: file,
    schemaVersion: schemaVersion(db),
    counts: statusCounts(db),
    labels: labelCounts(db),
    roots: importRoots(db),
  }));
}
