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
      if (entry.isDirectory()) {
        await visit(path);
      } else if (entry.isSymbolicLink()) {
        await visitLink(path, entry.name);
      } else if (entry.isFile() && isVideoFileName(entry.name)) {
        await addFile(path);
      }
    }
  }

  async function visitLink(path: string, name: string): Promise<void> {
    try {
      const target = await stat(path);
      if (target.isDirectory()) await visit(path);
      else if (target.isFile() && isVideoFileName(name)) await addFile(path);
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
