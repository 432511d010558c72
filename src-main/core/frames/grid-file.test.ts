import { mkdtemp, readdir, rm, truncate } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveMediaTools } from '../media/tools.ts';
import { SHARED_MEDIA_DIR } from '../media/testing.ts';
import { FrameCache } from './frame-cache.ts';
import { createFfmpegFrameSource } from './frame-source.ts';
import { encodeGridTrailer, GRID_TRAILER_BYTES, GridFileError, parseGridTrailer } from './grid-file.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pretext-grid-file-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const header = { width: 171, height: 128, fps: 30000 / 1001, frameCount: 7 };
const fileBytes = 7 * 171 * 128 * 3 + GRID_TRAILER_BYTES;

describe('grid file trailer', () => {
  it('round-trips and is checked against the file size', () => {
    const bytes = encodeGridTrailer(header);
    expect(bytes.length).toBe(GRID_TRAILER_BYTES);
    expect(parseGridTrailer(bytes, fileBytes, 'x')).toEqual(header);
    expect(() => parseGridTrailer(bytes, fileBytes - 1, 'x')).toThrow(GridFileError);
  });

  it('refuses other files and other format versions', () => {
    const bytes = encodeGridTrailer(header);
    expect(() => parseGridTrailer(Buffer.alloc(GRID_TRAILER_BYTES), fileBytes, 'x')).toThrow(/no trailer/);
    bytes.writeUInt32LE(99, 8);
    expect(() => parseGridTrailer(bytes, fileBytes, 'x')).toThrow(/format version 99/);
  });

  it('a damaged cache file is dropped and decoded again', async () => {
    const cache = new FrameCache(path.join(dir, 'cache'), { maxBytes: 1e9 });
    const source = createFfmpegFrameSource(await resolveMediaTools(), cache);
    const video = { id: 1, path: path.join(SHARED_MEDIA_DIR, 'short_1s.mp4'), contentHash: 'h' };
    const spec = { width: 16, height: 12, fps: 10 };
    await (await source.openGrid(video, spec)).close();
    const [entry] = await readdir(cache.folder);
    await truncate(path.join(cache.folder, entry as string), 5 * 16 * 12 * 3);
    const grid = await source.openGrid(video, spec);
    expect(grid.frameCount).toBeGreaterThan(5);
    await grid.close();
    expect(cache.stats()).toMatchObject({ misses: 2, entries: 1 });
  });
});
