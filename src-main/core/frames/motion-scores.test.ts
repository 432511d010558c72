import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMemoryDatabase, type WritableDB } from '../db/connection.ts';
import { loadMotion } from '../db/motion.ts';
import { insertVideo } from '../db/videos.ts';
import { MediaError } from '../media/errors.ts';
import { fileArg } from '../media/input.ts';
import { runTool } from '../media/run.ts';
import { synthesizeVideo } from '../media/synthesize.ts';
import { resolveMediaTools, type MediaTools } from '../media/tools.ts';
import { SHARED_MEDIA_DIR, writeCorruptFixtures } from '../media/testing.ts';
import { frameDifferenceCells, frameDifferenceScores } from '../tasks/motion.ts';
import { FrameCache } from './frame-cache.ts';
import { createFfmpegFrameSource, type VideoRef } from './frame-source.ts';
import { computeMotion, ensureMotion, MOTION_GRID, motionOfFrames, type MotionComputer } from './motion-scores.ts';

const tools = await resolveMediaTools();
const noTools: MediaTools = { ...tools, ffmpeg: '/nonexistent/ffmpeg', ffprobe: '/nonexistent/ffprobe' };
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pretext-motion-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function* streamOf(frames: Uint8Array[]): AsyncGenerator<Uint8Array> {
  yield* frames;
}

/** Seeded grey frames of 8×6 pixels. */
function greyFrames(count: number): Uint8Array[] {
  return Array.from({ length: count }, (_, f) => Uint8Array.from({ length: 48 }, (_, i) => (f * 37 + i * i * 11) & 0xff));
}

function addVideo(db: WritableDB, filePath: string, contentHash: string | null = null): VideoRef {
  const id = insertVideo(db, {
    path: filePath, root: path.dirname(filePath), sizeBytes: 1, mtimeMs: 1, contentHash, media: null,
    label: null, status: 'ready', error: null, duplicateOf: null, thumbnail: null,
  });
  return { id, path: filePath, contentHash };
}

/** Mean of each grid row's cells over all frames. */
function rowMotion(values: Float32Array, rows: number, cols: number): number[] {
  const sums = new Array<number>(rows).fill(0);
  values.forEach((value, i) => {
    const row = Math.floor((i % (rows * cols)) / cols);
    sums[row] = (sums[row] as number) + value;
  });
  return sums.map((sum) => sum / (values.length / rows));
}

const mean = (values: Float32Array) => values.reduce((sum, value) => sum + value, 0) / values.length;

describe('motionOfFrames', () => {
  it.each([0, 1, 2, 5])('streams the same scores and cells as the whole-video functions (%i frames)', async (count) => {
    const frames = greyFrames(count);
    const size = { width: 8, height: 6 };
    const grid = { rows: 2, cols: 2 };
    const streamed = await motionOfFrames(streamOf(frames), size, grid);
    expect(streamed.scores).toEqual(frameDifferenceScores(frames, size));
    expect(streamed.cells).toEqual(frameDifferenceCells(frames, size, grid));
  });
});

describe('computeMotion and ensureMotion', () => {
  it('scores a moving box above a still clip, and most in the box’s lane', async () => {
    const moving = path.join(dir, 'moving.mp4');
    const still = path.join(dir, 'still.mp4');
    await synthesizeVideo(tools, moving, { seconds: 2, width: 64, height: 48, fps: 10, pattern: 'moving-box', direction: 'right', codec: 'mpeg4', seed: 3 });
    const stillGraph = 'color=c=0x5a3c28:s=64x48:r=10:d=2';
    await runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-f', 'lavfi', '-i', stillGraph, '-c:v', 'mpeg4', '-pix_fmt', 'yuv420p', fileArg(still)]);

    const [box, calm] = await Promise.all([computeMotion(tools, { path: moving }, 10), computeMotion(tools, { path: still }, 10)]);
    expect(box.frameCount).toBe(20);
    expect(box.cells).toMatchObject({ ...MOTION_GRID, frameCount: 20 });
    expect(mean(calm.scores)).toBeLessThan(0.5);
    expect(mean(box.scores)).toBeGreaterThan(5 * Math.max(mean(calm.scores), 0.1));
    // A box moving right stays in one horizontal lane: one grid row carries the motion.
    const rows = rowMotion(box.cells.values, MOTION_GRID.rows, MOTION_GRID.cols);
    expect(Math.max(...rows)).toBeGreaterThan(4 * Math.min(...rows) + 1);
  });

  it('computes once, stores, and reloads the scores identically', async () => {
    const db = openMemoryDatabase();
    const video = addVideo(db, path.join(SHARED_MEDIA_DIR, 'short_1s.mp4'), 's256:short');
    const computed = await ensureMotion(db, tools, video, 15);
    expect(loadMotion(db, video.id, 15)).toEqual(computed);
    // Tools that cannot run prove the second call reads the library.
    expect(await ensureMotion(db, noTools, video, 15)).toEqual(computed);
    // Other content (re-imported file) or another rate is computed anew.
    await expect(ensureMotion(db, noTools, { ...video, contentHash: 's256:changed' }, 15)).rejects.toThrow();
    await expect(ensureMotion(db, noTools, video, 'native')).rejects.toThrow();
  });

  it('computes with the computer it is given (another thread) instead of decoding here', async () => {
    const db = openMemoryDatabase();
    const video = addVideo(db, path.join(SHARED_MEDIA_DIR, 'short_1s.mp4'), 's256:elsewhere');
    const asked: string[] = [];
    const compute: MotionComputer = (ref, rate, options) => {
      asked.push(`${ref.path}@${rate}`);
      return computeMotion(tools, ref, rate, options);
    };
    // Tools that cannot run: only the given computer could have produced the scores.
    const computed = await ensureMotion(db, noTools, video, 15, { compute });
    expect(asked).toEqual([`${video.path}@15`]);
    expect(loadMotion(db, video.id, 15)).toEqual(computed);
    await ensureMotion(db, noTools, video, 15, { compute });
    expect(asked).toHaveLength(1);
  });

  it('counts exactly the frames of the RGB grid at the same rate', async () => {
    const source = createFfmpegFrameSource(tools, new FrameCache(path.join(dir, 'cache'), { maxBytes: 1e9 }));
    for (const [fileName, rate] of [['kinetics_demo.mp4', 10], ['ava_spatiotemporal_demo.mp4', 'native']] as const) {
      const filePath = path.join(SHARED_MEDIA_DIR, fileName);
      const [motion, grid] = await Promise.all([
        computeMotion(tools, { path: filePath }, rate),
        source.openGrid({ id: 1, path: filePath }, { width: 40, height: 30, fps: rate }),
      ]);
      expect([motion.frameCount, motion.fps]).toEqual([grid.frameCount, grid.fps]);
      await grid.close();
    }
  });

  it('fails a truncated video with a MediaError', async () => {
    const fixtures = await writeCorruptFixtures(path.join(dir, 'corrupt'), tools);
    for (const kind of ['truncated-faststart', 'truncated-avi'] as const) {
      const fixture = fixtures.find((candidate) => candidate.kind === kind);
      const error = await computeMotion(tools, { path: fixture?.path ?? '' }, 25).catch((caught: unknown) => caught);
      expect(error, kind).toBeInstanceOf(MediaError);
      expect((error as MediaError).reason, kind).toMatch(/^(decode failed after \d+ frames \(|truncated: )/);
    }
  });
});
