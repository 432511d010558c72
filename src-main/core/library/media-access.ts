/**
 * Whether a file the library recorded may still be served. The database holds a path; what lies at
 * that path can change after the import (replaced by a link to /etc/passwd, overwritten with text),
 * so every media request opens the file and checks it again before one byte is sent. Used by both
 * shells' media routes through MediaFiles (media-files.ts).
 */
import { lstat, realpath, stat } from 'node:fs/promises';
import { isAbsolute, join, relative, sep } from 'node:path';
import { ApiError } from '../../shared/errors.ts';
import { openRegularFile, type OpenFile } from '../util/user-files.ts';

/** Why a recorded file is not served: each has its own HTTP status and what the library records. */
export type MediaProblem = 'missing' | 'not-a-file' | 'outside' | 'changed';

export type MediaCheck = { ok: true; file: OpenFile } | { ok: false; problem: MediaProblem };

/** What a media route answers: an open file to stream, or a status without a body. */
export type MediaAnswer = { ok: true; file: OpenFile } | { ok: false; status: 404 | 409 };

export const MEDIA_NOT_FOUND: MediaAnswer = { ok: false, status: 404 };

/** What is recorded about a video's file at import. */
export interface RecordedFile {
  path: string;
  /** The imported folder it was found in. */
  root: string;
  sizeBytes: number;
  mtimeMs: number;
  /** When the record was written (ISO). */
  updatedAt: string;
}

/** 409 for a file that is there but differs from the one imported; 404 for the rest. */
export const MEDIA_PROBLEM_STATUS: Readonly<Record<MediaProblem, 404 | 409>> = {
  missing: 404,
  'not-a-file': 404,
  outside: 404,
  changed: 409,
};

/** The reason a video is marked missing, for the library list. */
export const MEDIA_PROBLEM_REASON: Readonly<Record<MediaProblem, string>> = {
  missing: 'file not found when it was played',
  'not-a-file': 'no longer a regular file',
  outside: 'now a link out of the imported folders',
  changed: 'changed on disk since the import (size or date differ); import its folder again',
};

async function realFolders(folders: readonly string[]): Promise<string[]> {
  const real = await Promise.all(folders.map((folder) => realpath(folder).catch(() => null)));
  return real.filter((folder): folder is string => folder !== null);
}

/**
 * Whether every symbolic link on the way from `root` down to `path` is older than `before` (ms):
 * links the user had when importing (the importer follows them), not links swapped in since.
 */
async function linksPredate(path: string, root: string, before: number): Promise<boolean> {
  const below = relative(root, path);
  if (below === '' || below.startsWith('..') || isAbsolute(below)) return false;
  let current = root;
  for (const part of below.split(sep)) {
    current = join(current, part);
    const info = await lstat(current).catch(() => null);
    if (!info || (info.isSymbolicLink() && info.ctimeMs > before)) return false;
  }
  return true;
}

/**
 * Opens `path` only if it is a regular file whose real path lies inside one of `folders` (real
 * paths compared, so a link out of them is refused; `importedThrough` admits links out that
 * already existed at the import) and is still the file the path names now (same device and
 * inode: a swap between the check and the open is caught).
 */
export async function openFileInside(
  path: string,
  folders: readonly string[],
  importedThrough?: { root: string; before: number },
): Promise<MediaCheck> {
  let file: OpenFile;
  try {
    file = await openRegularFile(path);
  } catch (error) {
    if (error instanceof ApiError && error.code === 'INVALID_INPUT') return { ok: false, problem: 'not-a-file' };
    return { ok: false, problem: 'missing' };
  }
  const inside =
    (await realFolders(folders)).some((folder) => file.realPath.startsWith(folder + sep)) ||
    (importedThrough !== undefined && (await linksPredate(path, importedThrough.root, importedThrough.before)));
  const now = inside ? await stat(file.realPath).catch(() => null) : null;
  if (!inside || !now || now.ino !== file.stats.ino || now.dev !== file.stats.dev) {
    await file.handle.close();
    return { ok: false, problem: inside ? 'changed' : 'outside' };
  }
  return { ok: true, file };
}

/**
 * Opens an imported video only if it still is the file imported: inside the folders (or reached
 * through links that predate its record), same size and mtime.
 */
export async function openRecordedFile(recorded: RecordedFile, folders: readonly string[]): Promise<MediaCheck> {
  const opened = await openFileInside(recorded.path, folders, { root: recorded.root, before: Date.parse(recorded.updatedAt) });
  if (!opened.ok) return opened;
  const { stats, handle } = opened.file;
  if (stats.size !== recorded.sizeBytes || Math.trunc(stats.mtimeMs) !== recorded.mtimeMs) {
    await handle.close();
    return { ok: false, problem: 'changed' };
  }
  return opened;
}
