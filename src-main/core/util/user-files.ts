/**
 * Reading a file whose path came from outside (a user, a request, a database row) without ever
 * hanging or reading what is not a plain file: a FIFO blocks open() until a writer comes (and with
 * it a thread of libuv's small pool, which every fs call shares), /dev/zero never ends, /proc leaks
 * process state. Errors name the path, never the file's content.
 */
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync, type Stats } from 'node:fs';
import { open, realpath, type FileHandle } from 'node:fs/promises';
import { basename, dirname, join, parse, resolve, sep } from 'node:path';
import { ApiError } from '../../shared/errors.ts';

/** Kernel pseudo-filesystems: never a library, an import folder or a file to read. */
const PSEUDO_FILESYSTEMS = ['/proc', '/sys', '/dev'];

/** Whether a real (symlink-free) path lies in /proc, /sys or /dev. */
export function isPseudoFilesystemPath(realPath: string): boolean {
  if (sep !== '/') return false;
  return PSEUDO_FILESYSTEMS.some((root) => realPath === root || realPath.startsWith(`${root}/`));
}

/**
 * The real path of `path` even when it does not exist yet: its nearest existing ancestor resolved
 * (links and all), the rest appended (what `mkdir -p` would create, and where).
 */
export function realPathToBe(path: string): string {
  const given = resolve(path);
  try {
    return realpathSync(given);
  } catch {
    const parent = dirname(given);
    return parent === given ? given : join(realPathToBe(parent), basename(given));
  }
}

/**
 * Whether a folder is no place for a user's library or videos: inside /proc, /sys or /dev, or a
 * filesystem's root (/proc/self/root leads back to /). Checked by the path as given and by where it
 * really leads, also for a folder still to be created.
 */
export function isSystemFolder(path: string): boolean {
  const real = realPathToBe(path);
  return isPseudoFilesystemPath(resolve(path)) || isPseudoFilesystemPath(real) || parse(real).root === real;
}

/** O_NONBLOCK: opening a FIFO returns at once instead of waiting for a writer; no effect on files. */
const READ_NOW = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0);

/** The typed error for a path that cannot be opened, by errno. */
export function unreadable(path: string, error: unknown): ApiError {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return new ApiError('NOT_FOUND', `Not found: ${path}`);
  if (code === 'EACCES' || code === 'EPERM') return new ApiError('INVALID_INPUT', `Permission denied: ${path}`);
  if (code === 'ELOOP') return new ApiError('INVALID_INPUT', `Symbolic link loop: ${path}`);
  if (code === 'EISDIR') return new ApiError('INVALID_INPUT', `Not a regular file: ${path}`);
  return new ApiError('IO_ERROR', `Cannot read ${path}: ${code ?? 'unknown error'}`);
}

function refuseSpecial(path: string, stats: Stats, real: string): void {
  if (!stats.isFile()) throw new ApiError('INVALID_INPUT', `Not a regular file: ${path}`);
  if (isPseudoFilesystemPath(real)) throw new ApiError('INVALID_INPUT', `Not a regular file: ${path} (a system file)`);
}

/** A regular file opened for reading; whoever holds it closes the handle (a read stream does so itself). */
export interface OpenFile {
  path: string;
  /** Its real path when it was opened. */
  realPath: string;
  handle: FileHandle;
  stats: Stats;
}

/**
 * Opens a regular file for reading; anything else (FIFO, device, socket, folder, a file in /proc)
 * is INVALID_INPUT, a missing one NOT_FOUND.
 */
export async function openRegularFile(path: string): Promise<OpenFile> {
  let handle: FileHandle;
  let realPath: string;
  try {
    realPath = await realpath(path);
    handle = await open(path, READ_NOW);
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    const stats = await handle.stat();
    refuseSpecial(path, stats, realPath);
    return { path, realPath, handle, stats };
  } catch (error) {
    await handle.close();
    throw error instanceof ApiError ? error : unreadable(path, error);
  }
}

/** The text of a regular file of at most `maxBytes` (INVALID_INPUT when larger). */
export async function readTextFile(path: string, maxBytes: number): Promise<string> {
  const { handle, stats } = await openRegularFile(path);
  try {
    if (stats.size > maxBytes) {
      throw new ApiError('INVALID_INPUT', `${path} is too large (${stats.size} bytes; at most ${maxBytes}).`);
    }
    // Read one byte more than allowed: a file that grew since fstat is refused, not truncated.
    const buffer = Buffer.alloc(maxBytes + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > maxBytes) throw new ApiError('INVALID_INPUT', `${path} is too large (at most ${maxBytes} bytes).`);
    return buffer.subarray(0, bytesRead).toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * The first `length` bytes of a regular file, synchronously (for callers that are synchronous, like
 * opening a database). Same refusals as openRegularFile.
 */
export function readFileHeadSync(path: string, length: number): { head: Buffer; stats: Stats } {
  let fd: number;
  let realPath: string;
  try {
    realPath = realpathSync(path);
    fd = openSync(path, READ_NOW);
  } catch (error) {
    throw unreadable(path, error);
  }
  try {
    const stats = fstatSync(fd);
    refuseSpecial(path, stats, realPath);
    const head = Buffer.alloc(length);
    const bytesRead = readSync(fd, head, 0, length, 0);
    return { head: head.subarray(0, bytesRead), stats };
  } catch (error) {
    throw error instanceof ApiError ? error : unreadable(path, error);
  } finally {
    closeSync(fd);
  }
}
