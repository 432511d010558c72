import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import { extname, join } from 'node:path';

/** Containers ffmpeg reads that people keep videos in. */
export const VIDEO_EXTENSIONS: ReadonlySet<string> = new Set([
  '.mp4', '.m4v', '.mov', '.avi', '.mkv', '.webm', '.mpg', '.mpeg', '.wmv', '.flv', '.3gp', '.ts',
  '.mts', '.m2ts', '.ogv', '.vob',
]);

export function isVideoFileName(name: string): boolean {
  return VIDEO_EXTENSIONS.has(extname(name).toLowerCase());
}

export interface FoundFile {
  path: string;
  sizeBytes: number;
  mtimeMs: number;
}

/** A path the scan could not read; the import lists it as a failure and goes on. */
export interface ScanProblem {
  path: string;
  reason: string;
}

export interface ScanResult {
  files: FoundFile[];
  problems: ScanProblem[];
}

function describe(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case 'ENOENT':
      return 'disappeared during the scan';
    case 'EACCES':
    case 'EPERM':
      return 'unreadable: permission denied';
    case 'ELOOP':
      return 'unreadable: symbolic link loop';
    default:
      return `unreadable: ${error instanceof Error ? error.message : String(error)}`;
  }
}

interface EntryKind {
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}

/** What a non-regular file is, for the skipped list; reading a FIFO would block the import. */
function specialFileKind(entry: EntryKind): string | null {
  if (entry.isFIFO()) return 'a named pipe (FIFO)';
  if (entry.isSocket()) return 'a socket';
  if (entry.isCharacterDevice() || entry.isBlockDevice()) return 'a device';
  return null;
}

const skippedSpecialFile = (kind: string): string => `skipped: ${kind}, not a video file`;
const SKIPPED_FOLDER = 'skipped: a folder named like a video (videos inside it are still imported)';
const SKIPPED_NAME =
  'skipped: its name is not valid UTF-8, so it cannot be passed to ffmpeg; rename it to import it';

/**
 * Node decodes a file name that is not valid UTF-8 with U+FFFD in place of the bad bytes, and that
 * path leads nowhere. (A name may hold a real U+FFFD: then the path exists.)
 */
async function isUndecodableName(name: string, path: string): Promise<boolean> {
  if (!name.includes('\uFFFD')) return false;
  try {
    await lstat(path);
    return false;
  } catch {
    return true;
  }
}

/**
 * Lists the video files below `root`, following symbolic links but visiting each real directory
 * once (so link loops end), skipping hidden entries. Sorted by path for a stable import order.
 */
export async function scanVideoFiles(
  root: string,
  options: { signal?: AbortSignal } = {},
): Promise<ScanResult> {
  const files: FoundFile[] = [];
  const problems: ScanProblem[] = [];
  const visitedDirectories = new Set<string>();

  async function visit(directory: string): Promise<void> {
    options.signal?.throwIfAborted();
    let real: string;
    let entries;
    try {
      real = await realpath(directory);
      if (visitedDirectories.has(real)) return;
      visitedDirectories.add(real);
      entries = await readdir(directory, { withFileTypes: true });
    } catch (error) {
      problems.push({ path: directory, reason: `folder ${describe(error)}` });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(directory, entry.name);
      const videoName = isVideoFileName(entry.name);
      if ((entry.isDirectory() || videoName) && (await isUndecodableName(entry.name, path))) {
        problems.push({ path, reason: entry.isDirectory() ? `folder ${SKIPPED_NAME}` : SKIPPED_NAME });
      } else if (entry.isDirectory()) {
        if (videoName) problems.push({ path, reason: SKIPPED_FOLDER });
        await visit(path);
      } else if (entry.isSymbolicLink()) {
        await visitLink(path, entry.name);
      } else if (entry.isFile()) {
        if (videoName) await addFile(path);
      } else if (videoName) {
        problems.push({ path, reason: skippedSpecialFile(specialFileKind(entry) ?? 'a special file') });
      }
    }
  }

  async function visitLink(path: string, name: string): Promise<void> {
    try {
      const target = await stat(path);
      const videoName = isVideoFileName(name);
      if (target.isDirectory()) await visit(path);
      else if (target.isFile()) {
        if (videoName) await addFile(path);
      } else if (videoName) {
        problems.push({ path, reason: skippedSpecialFile(specialFileKind(target) ?? 'a special file') });
      }
    } catch (error) {
      // A broken or looping link that looks like a video is worth reporting; other links are not.
      if (!isVideoFileName(name)) return;
      const broken = (error as NodeJS.ErrnoException).code === 'ENOENT';
      problems.push({ path, reason: broken ? 'unreadable: broken symbolic link' : describe(error) });
    }
  }

  async function addFile(path: string): Promise<void> {
    try {
      const info = await stat(path);
      files.push({ path, sizeBytes: info.size, mtimeMs: Math.trunc(info.mtimeMs) });
    } catch (error) {
      problems.push({ path, reason: describe(error) });
    }
  }

  const rootInfo = await lstat(root);
  if (!rootInfo.isDirectory() && !rootInfo.isSymbolicLink()) {
    throw new Error(`${root} is not a folder`);
  }
  await visit(root);
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, problems };
}
