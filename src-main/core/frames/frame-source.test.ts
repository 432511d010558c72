import { open as openFile, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaError } from '../media/errors.ts';
import { fileArg } from '../media/input.ts';
import { runTool } from '../media/run.ts';
import { isAbortError } from '../util/abort.ts';
import { synthesizeVideo } from '../media/synthesize.ts';
import { copySharedClip, resolveTestToolsets, SHARED_MEDIA_DIR, toolsetLabel } from '../media/testing.ts';
import type { MediaTools } from '../media/tools.ts';
import type { FrameRate } from './decode.ts';
import { FrameCache } from './frame-cache.ts';
import { createFfmpegFrameSource, type GridSpec } from './frame-source.ts';
import type { DecodedGrid } from './grid-file.ts';

const toolsets = await resolveTestToolsets();
const tools = toolsets[0] as MediaTools;
/** A source whose ffmpeg and ffprobe cannot run: anything it returns came from the cache. */
const noTools: MediaTools = { ...tools, ffmpeg: '/nonexistent/ffmpeg', ffprobe: '/nonexistent/ffprobe' };
let dir: string;
let folderCount = 0;
const freshCache = (maxBytes = 1e9) => new FrameCache(path.join(dir, `cache-${folderCount++}`), { maxBytes });
const shared = (fileName: string) => ({ id: 1, path: path.join(SHARED_MEDIA_DIR, fileName) });

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pretext-frame-source-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Frame `index` as ffmpeg decodes it on its own: same size and rate, picked with `select`. */
async function ffmpegFrame(toolset: MediaTools, filePath: string, spec: GridSpec, index: number): Promise<Uint8Array> {
  const filters = [
    ...(spec.fps === 'native' ? [] : [`fps=fps=${spec.fps}`]),
    `scale=${spec.width}:${spec.height}:flags=bilinear`,
    `select=eq(n\\,${index})`,
  ];
  const args = ['-nostdin', '-v', 'error', '-i', fileArg(filePath), '-map', '0:V:0', '-vf', filters.join(','),
    '-frames:v', '1', '-pix_fmt', 'rgb24', '-f', 'rawvideo', 'pipe:1'];
  return (await runTool(toolset.ffmpeg, args)).stdout;
}

function maxDifference(a: Uint8Array, b: Uint8Array): number {
  let most = 0;
  for (let i = 0; i < a.length; i++) most = Math.max(most, Math.abs((a[i] as number) - (b[i] as number)));
  return most;
}

interface PixelCase {
  fileName: string;
  spec: GridSpec;
  seconds: number;
}

const PIXEL_CASES: PixelCase[] = [
  // MPEG-4 part 2 in AVI at VCOP's 171×128 (odd width).
  { fileName: 'ucf101_v_ApplyEyeMakeup_g01_c01.avi', spec: { width: 171, height: 128, fps: 25 }, seconds: 6.56 },
  // H.264 at 28 fps, resampled down to 10 fps.
  { fileName: 'kinetics_demo.mp4', spec: { width: 64, height: 48, fps: 10 }, seconds: 10 },
  // 6 fps footage at its own rate, and resampled up to 25 fps.
  { fileName: 'ava_spatiotemporal_demo.mp4', spec: { width: 64, height: 48, fps: 'native' }, seconds: 9.5 },
  { fileName: 'ava_spatiotemporal_demo.mp4', spec: { width: 48, height: 32, fps: 25 }, seconds: 9.5 },
  // The 1 s clip.
  { fileName: 'short_1s.mp4', spec: { width: 48, height: 32, fps: 30 }, seconds: 1.0667 },
];

const expectedRate = (spec: GridSpec, nativeFps: number): number => (spec.fps === 'native' ? nativeFps : spec.fps);

describe.each(toolsets.map((toolset) => [toolsetLabel(toolset), toolset] as const))('frame source with %s', (_, toolset) => {
  it.each(PIXEL_CASES.map((c) => [`${c.fileName} ${c.spec.width}×${c.spec.height} @ ${c.spec.fps}`, c] as const))(
    'reads back the frames ffmpeg decodes on its own: %s',
    async (_label, { fileName, spec, seconds }) => {
      const source = createFfmpegFrameSource(toolset, freshCache());
      const grid = await source.openGrid(shared(fileName), spec);
      try {
        const fps = expectedRate(spec, 6);
        expect(grid).toMatchObject({ id: 1, width: spec.width, height: spec.height, fps });
        expect(Math.abs(grid.frameCount - seconds * fps)).toBeLessThanOrEqual(2);
        const filePath = path.join(SHARED_MEDIA_DIR, fileName);
        const last = grid.frameCount - 1;
        const picks = [0, Math.floor(last / 2), last];
        const frames = await grid.readFrames(picks);
        const frameBytes = spec.width * spec.height * 3;
        for (const [i, index] of picks.entries()) {
          const own = await ffmpegFrame(toolset, filePath, spec, index);
          expect(own.length, `frame ${index}`).toBe(frameBytes);
          expect(maxDifference(frames.subarray(i * frameBytes, (i + 1) * frameBytes), own), `frame ${index}`).toBeLessThanOrEqual(1);
        }
        // The count is what was decoded: ffmpeg has no frame at that index.
        expect((await ffmpegFrame(toolset, filePath, spec, grid.frameCount)).length).toBe(0);
      } finally {
        await grid.close();
      }
    },
  );
});

describe('decoded grids', () => {
  it('reads clips with a stride, repeated and unordered frames, and refuses indices outside the grid', async () => {
    const source = createFfmpegFrameSource(tools, freshCache());
    const grid = await source.openGrid(shared('short_1s.mp4'), { width: 16, height: 12, fps: 30 });
    const frameBytes = 16 * 12 * 3;
    const single = async (index: number) => grid.readFrames([index]);
    const clip = await grid.readClip(2, 4, 3);
    expect(clip.length).toBe(4 * frameBytes);
    expect(clip.subarray(3 * frameBytes)).toEqual(await single(11));
    const mixed = await grid.readFrames([5, 1, 5]);
    expect(mixed.subarray(0, frameBytes)).toEqual(await single(5));
    expect(mixed.subarray(frameBytes, 2 * frameBytes)).toEqual(await single(1));
    expect(mixed.subarray(2 * frameBytes)).toEqual(await single(5));
    await expect(grid.readFrames([grid.frameCount])).rejects.toThrow(RangeError);
    await expect(grid.readFrames([-1])).rejects.toThrow(RangeError);
    await grid.close();
    await expect(grid.readFrames([0])).rejects.toThrow(/closed/);
  });

  it('decodes on a miss only: a second open reads the same file without running ffmpeg', async () => {
    const cache = freshCache();
    const video = { ...shared('short_1s.mp4'), contentHash: 's256:short' };
    const spec: GridSpec = { width: 32, height: 24, fps: 15 };
    // Two requests at once share one decode.
    const grids = await Promise.all([0, 1].map(() => createFfmpegFrameSource(tools, cache).openGrid(video, spec)));
    const first = grids[0] as DecodedGrid;
    const firstFrames = await first.readClip(0, first.frameCount);
    await Promise.all(grids.map((grid) => grid.close()));
    const [entry] = await readdir(cache.folder);
    const inode = (await stat(path.join(cache.folder, entry as string))).ino;

    const second = await createFfmpegFrameSource(noTools, cache).openGrid(video, spec);
    expect(await second.readClip(0, second.frameCount)).toEqual(firstFrames);
    await second.close();
    expect((await stat(path.join(cache.folder, entry as string))).ino).toBe(inode);
    expect(cache.stats()).toMatchObject({ hits: 1, misses: 1, joined: 1, entries: 1, openEntries: 0 });

    // Another size or rate is another grid.
    await expect(createFfmpegFrameSource(noTools, cache).openGrid(video, { ...spec, fps: 'native' })).rejects.toThrow();
  });

  it('kills ffmpeg on abort and leaves no entry or temp file', async () => {
    const cache = freshCache();
    const controller = new AbortController();
    const opening = createFfmpegFrameSource(tools, cache).openGrid(shared('kinetics_demo.mp4'), { width: 340, height: 256, fps: 'native' }, { signal: controller.signal });
    // Abort once ffmpeg is writing frames, i.e. in the middle of the decode.
    const writing = async () => {
      const temps = (await readdir(cache.folder).catch(() => [])).filter((name) => name.includes('.tmp-'));
      const sizes = await Promise.all(temps.map((name) => stat(path.join(cache.folder, name)).then((s) => s.size, () => 0)));
      return sizes.some((size) => size > 0);
    };
    while (!(await writing())) await new Promise((resolve) => setTimeout(resolve, 1));
    controller.abort();
    expect(isAbortError(await opening.catch((error: unknown) => error))).toBe(true);
    await cache.flush();
    expect(await readdir(cache.folder)).toEqual([]);
  });

  it('fails a video that breaks part way with a MediaError for that video only, caching nothing', async () => {
    const cache = freshCache();
    const source = createFfmpegFrameSource(tools, cache);
    const spec: GridSpec = { width: 32, height: 24, fps: 25 };
    const good = { id: 1, path: await copySharedClip('short_1s.mp4', path.join(dir, 'good')) };
    const changing = { id: 2, path: path.join(dir, 'changing', 'clip.mp4') };
    await synthesizeVideo(tools, changing.path, { seconds: 2, width: 64, height: 48, fps: 25, pattern: 'testsrc', codec: 'mpeg4' });
    await (await source.openGrid(changing, spec)).close();

    // The file is cut in half after import (the index at the front survives, the frames do not).
    const { size } = await stat(changing.path);
    const handle = await openFile(changing.path, 'r+');
    await handle.truncate(Math.floor(size / 2));
    await handle.close();
    const error = await source.openGrid(changing, spec).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).reason).toMatch(/^decode failed after \d+ frames \(\d\.\d s of 2\.0 s\): \S/);
    expect((error as MediaError).filePath).toBe(changing.path);
    // Checked against the library's import facts instead, without running ffprobe at all.
    const probeless = createFfmpegFrameSource({ ...tools, ffprobe: '/nonexistent/ffprobe' }, cache);
    const imported = { ...changing, media: { durationS: 2, fps: 25 } };
    const againstImport = await probeless.openGrid(imported, spec).catch((caught: unknown) => caught);
    expect((againstImport as MediaError).reason).toMatch(/^decode failed after \d+ frames \(\d\.\d s of 2\.0 s\)/);

    const other = await probeless.openGrid({ ...good, media: { durationS: 1.0667, fps: 30 } }, spec);
    expect(other.frameCount).toBeGreaterThan(0);
    await other.close();
    await cache.flush();
    expect(cache.stats()).toMatchObject({ entries: 2, misses: 4 });
  });

  it('refuses sizes and rates it cannot decode to', async () => {
    const source = createFfmpegFrameSource(noTools, freshCache());
    for (const spec of [{ width: 0, height: 8, fps: 25 }, { width: 8, height: 8.5, fps: 25 }, { width: 8, height: 8, fps: 0 as FrameRate }]) {
      await expect(source.openGrid(shared('short_1s.mp4'), spec)).rejects.toThrow(RangeError);
    }
  });
});
