/** Helpers shared by the tests of frame consumers (not a test file itself). */
import type { Size } from '../tasks/crops.ts';
import type { CellMotion } from '../tasks/motion.ts';
import { movingSegment } from '../tasks/test-support.ts';
import type { FrameSource, GridSpec, VideoRef } from './frame-source.ts';
import type { DecodedGrid } from './grid-file.ts';
import type { PipelineVideo } from './pipeline.ts';

/** A distinct, reproducible byte for every (video, frame, x, y, channel). */
export function patternByte(videoId: number, frame: number, x: number, y: number, channel: number): number {
  return (videoId * 53 + frame * 31 + x * 7 + y * 13 + channel * 101) & 0xff;
}

/** Frame `frame` of a pattern video as packed RGB rows. */
export function patternFrame(videoId: number, frame: number, width: number, height: number): Uint8Array {
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      for (let c = 0; c < 3; c++) rgb[(y * width + x) * 3 + c] = patternByte(videoId, frame, x, y, c);
    }
  }
  return rgb;
}

export interface MemorySource extends FrameSource {
  /** Grids opened and not yet closed. */
  openCount(): number;
}

/**
 * A frame source without ffmpeg: video `id` has frameCounts.get(id) pattern frames at any requested
 * size. Opening waits `delayMs(id)` first, to shuffle completion order in determinism tests.
 */
export function memoryFrameSource(frameCounts: ReadonlyMap<number, number>, delayMs: (id: number) => number = () => 0): MemorySource {
  let open = 0;
  return {
    openCount: () => open,
    async openGrid(video: VideoRef, spec: GridSpec, { signal } = {}): Promise<DecodedGrid> {
      await new Promise((resolve) => setTimeout(resolve, delayMs(video.id)));
      signal?.throwIfAborted();
      const frameCount = frameCounts.get(video.id) ?? 0;
      const { width, height } = spec;
      open++;
      let closed = false;
      const readFrames = async (indices: readonly number[]) => {
        const out = new Uint8Array(indices.length * width * height * 3);
        indices.forEach((frame, i) => out.set(patternFrame(video.id, frame, width, height), i * width * height * 3));
        return out;
      };
      return {
        id: video.id,
        frameCount,
        width,
        height,
        fps: typeof spec.fps === 'number' ? spec.fps : 30,
        readFrames,
        readClip: (start, length, stride = 1) => readFrames(Array.from({ length }, (_, i) => start + i * stride)),
        close: async () => {
          if (!closed) open--;
          closed = true;
        },
      };
    },
  };
}

/** Pipeline videos for `memoryFrameSource`: motion in all but the first 10 and last 5 frames. */
export function memoryPipelineVideos(frameCounts: ReadonlyMap<number, number>, frameSize: Size): PipelineVideo[] {
  return [...frameCounts].map(([id, frameCount]) => {
    const cells: CellMotion = { rows: 4, cols: 4, frameCount, values: new Float32Array(frameCount * 16).fill(1) };
    return {
      ref: { id, path: `/videos/${id}.mp4` },
      meta: { id, frameCount, ...frameSize, fps: 25 },
      motion: movingSegment(frameCount, 10, frameCount - 5),
      cells,
    };
  });
}
