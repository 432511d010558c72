import { mkdirSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { ApiError } from '../../shared/errors.ts';
import { isPseudoFilesystemPath, isSystemFolder, realPathToBe, unreadable } from '../util/user-files.ts';

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

/** The folders of a library's cache, each named once here. */
export interface LibraryPaths {
  /** The cache folder; checkpoint folders are recorded relative to it. */
  cache: string;
  /** Decoded frames (frames/frame-cache.ts). */
  frames: string;
  /** Checkpoints, one folder per training run. */
  runs: string;
  thumbnails: string;
  /** H.264 copies of videos browsers cannot play. */
  playable: string;
  /** Single frames of videos (clip pictures), by content and time. */
  stills: string;
}

export function libraryPaths(libraryFile: string): LibraryPaths {
  const cache = resolve(cacheDirFor(libraryFile));
  return {
    cache,
    frames: resolve(cache, 'frames'),
    runs: resolve(cache, 'runs'),
    thumbnails: resolve(cache, 'thumbnails'),
    playable: resolve(cache, 'playable'),
    stills: resolve(cache, 'stills'),
  };
}
