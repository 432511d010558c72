/**
 * The file format of one cached frame grid: every frame as packed RGB24 rows, frame after frame, then
 * a 64-byte trailer. Frame n of a W×H grid starts at byte n·W·H·3, so any frame or clip is one
 * positional read. The facts go last because ffmpeg writes the frames into the file itself, from byte
 * 0, and the frame count is known only at the end; a file cut short has no valid trailer.
 *
 * Trailer (little-endian): "PTXFRAME" · u32 format version · u32 width · u32 height · u32 channels (3)
 * · u32 frame count · u32 reserved · f64 fps · zero padding.
 */
import { open, type FileHandle } from 'node:fs/promises';
import type { VideoMeta } from '../tasks/samplers/types.ts';

/** One decoded video. Frames are packed RGB24 rows: frame k of a result starts at k · height · width · 3. */
export interface DecodedGrid extends VideoMeta {
  /** The frames at `indices`, in that order (repeats allowed). */
  readFrames(indices: readonly number[]): Promise<Uint8Array>;
  /** `length` frames from `start`, `stride` apart (default 1). */
  readClip(start: number, length: number, stride?: number): Promise<Uint8Array>;
  /** Releases the file; the cache may evict the grid afterwards. Always call it. */
  close(): Promise<void>;
}

export const GRID_FORMAT_VERSION = 1;
export const GRID_TRAILER_BYTES = 64;
const MAGIC = 'PTXFRAME';
const CHANNELS = 3;

export interface GridFacts {
  width: number;
  height: number;
  fps: number;
  frameCount: number;
}

/** A cache file that is not a complete grid of this format version. */
export class GridFileError extends Error {
  constructor(filePath: string, problem: string) {
    super(`${filePath}: not a usable frame grid (${problem})`);
    this.name = 'GridFileError';
  }
}

export function encodeGridTrailer(facts: GridFacts): Buffer {
  const bytes = Buffer.alloc(GRID_TRAILER_BYTES);
  bytes.write(MAGIC, 0, 'latin1');
  bytes.writeUInt32LE(GRID_FORMAT_VERSION, 8);
  bytes.writeUInt32LE(facts.width, 12);
  bytes.writeUInt32LE(facts.height, 16);
  bytes.writeUInt32LE(CHANNELS, 20);
  bytes.writeUInt32LE(facts.frameCount, 24);
  bytes.writeDoubleLE(facts.fps, 32);
  return bytes;
}

/** The trailer, checked against the file's size so that a short or padded file is refused. */
export function parseGridTrailer(bytes: Buffer, fileBytes: number, filePath: string): GridFacts {
  if (bytes.length < GRID_TRAILER_BYTES || bytes.toString('latin1', 0, 8) !== MAGIC) {
    throw new GridFileError(filePath, 'no trailer');
  }
  const version = bytes.readUInt32LE(8);
  if (version !== GRID_FORMAT_VERSION) throw new GridFileError(filePath, `format version ${version}`);
  const facts = {
    width: bytes.readUInt32LE(12),
    height: bytes.readUInt32LE(16),
    frameCount: bytes.readUInt32LE(24),
    fps: bytes.readDoubleLE(32),
  };
  const expected = facts.frameCount * frameBytesOf(facts) + GRID_TRAILER_BYTES;
  if (bytes.readUInt32LE(20) !== CHANNELS || fileBytes !== expected) {
    throw new GridFileError(filePath, `${fileBytes} bytes, expected ${expected}`);
  }
  return facts;
}

function frameBytesOf(facts: GridFacts): number {
  return facts.width * facts.height * CHANNELS;
}

/** Appends the trailer to a file that holds exactly `facts.frameCount` frames. */
export async function writeGridTrailer(handle: FileHandle, facts: GridFacts): Promise<void> {
  const bytes = encodeGridTrailer(facts);
  await handle.write(bytes, 0, bytes.length, facts.frameCount * frameBytesOf(facts));
}

/** Opens a grid file for reading; `onClose` runs once when the grid is closed. */
export async function openGridFile(filePath: string, videoId: number, onClose: () => void): Promise<DecodedGrid> {
  const handle = await open(filePath, 'r');
  try {
    const { size } = await handle.stat();
    const bytes = Buffer.alloc(GRID_TRAILER_BYTES);
    const length = Math.min(size, GRID_TRAILER_BYTES);
    await readFully(handle, bytes, 0, length, size - length);
    return new FileGrid(handle, videoId, parseGridTrailer(bytes, size, filePath), onClose);
  } catch (error) {
    await handle.close();
    throw error;
  }
}

interface Run {
  /** Position in the requested list. */
  at: number;
  firstFrame: number;
  length: number;
}

/** Consecutive ascending indices merged, so a clip is one read. */
function consecutiveRuns(indices: readonly number[]): Run[] {
  const runs: Run[] = [];
  indices.forEach((frame, at) => {
    const last = runs[runs.length - 1];
    if (last && frame === last.firstFrame + last.length) last.length++;
    else runs.push({ at, firstFrame: frame, length: 1 });
  });
  return runs;
}

async function readFully(handle: FileHandle, target: Uint8Array, offset: number, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    const { bytesRead } = await handle.read(target, offset + done, length - done, position + done);
    if (bytesRead === 0) throw new Error(`frame grid ended early at byte ${position + done}`);
    done += bytesRead;
  }
}

class FileGrid implements DecodedGrid {
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly frameCount: number;
  private readonly frameBytes: number;
  private closed = false;

  constructor(
    private readonly handle: FileHandle,
    readonly id: number,
    facts: GridFacts,
    private readonly onClose: () => void,
  ) {
    ({ width: this.width, height: this.height, fps: this.fps, frameCount: this.frameCount } = facts);
    this.frameBytes = frameBytesOf(facts);
  }

  async readFrames(indices: readonly number[]): Promise<Uint8Array> {
    if (this.closed) throw new Error(`the frame grid of video ${this.id} is closed`);
    const bad = indices.find((frame) => !Number.isInteger(frame) || frame < 0 || frame >= this.frameCount);
    if (bad !== undefined) throw new RangeError(`frame ${bad} is outside 0..${this.frameCount - 1} of video ${this.id}`);
    const pixels = new Uint8Array(indices.length * this.frameBytes);
    await Promise.all(
      consecutiveRuns(indices).map((run) =>
        readFully(
          this.handle,
          pixels,
          run.at * this.frameBytes,
          run.length * this.frameBytes,
          run.firstFrame * this.frameBytes,
        ),
      ),
    );
    return pixels;
  }

  readClip(start: number, length: number, stride = 1): Promise<Uint8Array> {
    return this.readFrames(Array.from({ length }, (_, i) => start + i * stride));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    try {
      await this.handle.close();
    } finally {
      this.onClose();
    }
  }
}
