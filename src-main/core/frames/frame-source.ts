/**
 * Frames of one video in the grid the samplers index: decoded once at an exact size and a fixed rate
 * into the frame cache, then read back by frame index. The grid's frame count is the number of frames
 * really decoded, not the container's estimate: give the samplers the grid (it is a VideoMeta).
 */
import { createHash } from 'node:crypto';
import { open, stat } from 'node:fs/promises';
import { mediaErrorFromFs } from '../media/errors.ts';
import type { MediaTools } from '../media/tools.ts';
import { decodeRaw, validateRawSpec, type FrameRate, type StreamFacts } from './decode.ts';
import type { FrameCache } from './frame-cache.ts';
import { GRID_FORMAT_VERSION, GridFileError, openGridFile, writeGridTrailer, type DecodedGrid } from './grid-file.ts';

/** A library video as far as decoding is concerned. */
export interface VideoRef {
  id: number;
  path: string;
  /** The library's content hash: the cache key survives moves and renames. Without it: id + mtime + size. */
  contentHash?: string | null;
  /**
   * What the library's import probe found (its VideoMedia fits). With it no ffprobe runs at decode
   * time, and a file that got shorter since the import is caught against the duration it had then.
   */
  media?: StreamFacts | null;
}

export interface GridSpec {
  /** Every frame is resized to exactly width × height (aspect not kept), e.g. VCOP's 171 × 128. */
  width: number;
  height: number;
  /** A fixed rate keeps frame n at n / fps s on every decode; 'native' keeps the file's own frames. */
  fps: FrameRate;
}

export interface FrameSource {
  openGrid(video: VideoRef, spec: GridSpec, options?: { signal?: AbortSignal }): Promise<DecodedGrid>;
}

/** What makes two decodes interchangeable: the content (or file version) and the grid. */
async function videoIdentity(video: VideoRef): Promise<string> {
  if (video.contentHash) return `hash:${video.contentHash}`;
  const stats = await stat(video.path).catch((error: unknown) => {
    throw mediaErrorFromFs(error, video.path);
  });
  return `id:${video.id}:mtime:${Math.trunc(stats.mtimeMs)}:size:${stats.size}`;
}

/** The cache key: a digest, because content hashes and paths hold characters file names cannot. */
export async function gridKey(video: VideoRef, spec: GridSpec): Promise<string> {
  const description = `v${GRID_FORMAT_VERSION}|${await videoIdentity(video)}|${spec.width}x${spec.height}|${spec.fps}`;
  return createHash('sha256').update(description).digest('hex').slice(0, 40);
}

/** ffmpeg writes the RGB frames straight into `tempPath`; the trailer follows once the count is known. */
async function decodeGridFile(
  tools: MediaTools,
  video: VideoRef,
  spec: GridSpec,
  tempPath: string,
  signal: AbortSignal,
): Promise<void> {
  const file = await open(tempPath, 'w');
  try {
    const raw = { ...spec, pixelFormat: 'rgb24' } as const;
    const facts = video.media ?? undefined;
    const { frameCount, fps } = await decodeRaw(tools, video.path, raw, { file }, { signal, facts });
    await writeGridTrailer(file, { width: spec.width, height: spec.height, fps, frameCount });
  } finally {
    await file.close();
  }
}

/** Decodes with `tools` into `cache` on a miss; every later open of the same grid only reads the file. */
export function createFfmpegFrameSource(tools: MediaTools, cache: FrameCache): FrameSource {
  return {
    async openGrid(video, spec, { signal } = {}) {
      validateRawSpec(spec);
      const key = await gridKey(video, spec);
      const produce = (tempPath: string, decodeSignal: AbortSignal) =>
        decodeGridFile(tools, video, spec, tempPath, decodeSignal);
      const open = async (): Promise<DecodedGrid> => {
        const lease = await cache.acquire(key, produce, { signal });
        return openGridFile(lease.path, video.id, () => lease.release()).catch((error: unknown) => {
          if (error instanceof GridFileError) lease.invalidate();
          lease.release();
          throw error;
        });
      };
      // A damaged file (disk trouble, another version's writer) is dropped and decoded once more.
      return open().catch((error: unknown) => {
        if (error instanceof GridFileError) return open();
        throw error;
      });
    },
  };
}
