/**
 * Motion scores of a video, computed once from a cheap grey decode (64 × 48, at the same fixed rate
 * as the frame grids the samplers use, so score i belongs to grid frame i) and kept in the library.
 * Streaming: only the previous and the current frame are held, so memory does not grow with length
 * (the results themselves are 17 floats per frame).
 */
import type { WritableDB } from '../db/connection.ts';
import { loadMotion, saveMotion, type MotionRecord } from '../db/motion.ts';
import type { MediaTools } from '../media/tools.ts';
import type { Size } from '../tasks/crops.ts';
import { frameDifferenceCells, frameDifferenceScores, type CellMotion, type GridShape } from '../tasks/motion.ts';
import { decodeRaw, frameBytesOf, splitFrames, type FrameRate, type RawDecodeSpec } from './decode.ts';
import type { VideoRef } from './frame-source.ts';

export const MOTION_FRAME_SIZE: Readonly<Size> = { width: 64, height: 48 };
export const MOTION_GRID: Readonly<GridShape> = { rows: 4, cols: 4 };

export interface VideoMotion {
  frameCount: number;
  fps: number;
  scores: Float32Array;
  cells: CellMotion;
}

/** The frame-difference scores and cells of a stream of grey frames, holding two frames at a time. */
export async function motionOfFrames(
  frames: AsyncIterable<Uint8Array>,
  size: Size,
  grid: GridShape,
): Promise<{ scores: Float32Array; cells: CellMotion }> {
  const cellCount = grid.rows * grid.cols;
  let scores: number[] = [];
  let cells: number[] = [];
  let previous: Uint8Array | null = null;
  let frameCount = 0;
  for await (const frame of frames) {
    // Every pair goes through the pure functions, so their conventions hold here too.
    const pair = previous ? [previous, frame] : [frame];
    const pairScores = frameDifferenceScores(pair, size);
    const pairCells = frameDifferenceCells(pair, size, grid).values;
    if (frameCount <= 1) {
      // The first frame alone, then the first pair, which also settles frame 0 (it copies frame 1).
      scores = Array.from(pairScores);
      cells = Array.from(pairCells);
    } else {
      scores.push(pairScores[1] as number);
      cells.push(...pairCells.subarray(cellCount));
    }
    previous = frame;
    frameCount++;
  }
  return { scores: Float32Array.from(scores), cells: { ...grid, frameCount, values: Float32Array.from(cells) } };
}

/** How motion gets computed: here (computeMotion) or in another thread (the batch loader's). */
export type MotionComputer = (
  video: Pick<VideoRef, 'path' | 'media'>,
  rate: FrameRate,
  options?: { signal?: AbortSignal },
) => Promise<VideoMotion>;

/** Decodes grey frames at `rate` and scores them; fails like the frame source for a broken video. */
export async function computeMotion(
  tools: MediaTools,
  video: Pick<VideoRef, 'path' | 'media'>,
  rate: FrameRate,
  { signal }: { signal?: AbortSignal } = {},
): Promise<VideoMotion> {
  const spec: RawDecodeSpec = { ...MOTION_FRAME_SIZE, fps: rate, pixelFormat: 'gray' };
  let motion: { scores: Float32Array; cells: CellMotion } | undefined;
  const decoded = await decodeRaw(
    tools,
    video.path,
    spec,
    {
      consume: async (chunks) => {
        motion = await motionOfFrames(splitFrames(chunks, frameBytesOf(spec)), MOTION_FRAME_SIZE, MOTION_GRID);
      },
    },
    { signal, facts: video.media ?? undefined },
  );
  if (!motion) throw new Error('the motion decode finished without scoring its frames');
  return { ...decoded, ...motion };
}

/** How the library stores a rate: frames per second, 0 for native. */
export function storedRate(rate: FrameRate): number {
  return rate === 'native' ? 0 : rate;
}

function isCurrent(record: MotionRecord, video: VideoRef): boolean {
  return (
    record.contentHash === (video.contentHash ?? null) &&
    record.cells.rows === MOTION_GRID.rows &&
    record.cells.cols === MOTION_GRID.cols
  );
}

/**
 * The stored motion of `video` at `rate`, computed and saved first when it is missing or was computed
 * for other content. Concurrent calls for the same video may both compute; the results are identical.
 * `compute` moves the decode and scoring elsewhere (a worker thread); by default they run here.
 */
export async function ensureMotion(
  db: WritableDB,
  tools: MediaTools,
  video: VideoRef,
  rate: FrameRate,
  { signal, compute }: { signal?: AbortSignal; compute?: MotionComputer } = {},
): Promise<MotionRecord> {
  const stored = loadMotion(db, video.id, storedRate(rate));
  if (stored && isCurrent(stored, video)) return stored;
  const motion = compute ? await compute(video, rate, { signal }) : await computeMotion(tools, video, rate, { signal });
  const record: MotionRecord = {
    videoId: video.id,
    rate: storedRate(rate),
    ...motion,
    contentHash: video.contentHash ?? null,
    computedAt: new Date().toISOString(),
  };
  saveMotion(db, record);
  return record;
}
