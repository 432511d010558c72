import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TASK_IDS, TASK_PRESETS } from '../../shared/tasks.ts';
import { EventHub } from '../jobs/events.ts';
import { Studio } from '../studio.ts';
import { copySharedClip } from '../media/testing.ts';
import { synthesizeVideo } from '../media/synthesize.ts';
import { getMediaTools } from '../media/tools.ts';

let work: string;
let library: Studio;
let shortClipId: number;

function pngSize(dataUrl: string): { width: number; height: number } {
  const bytes = Buffer.from(dataUrl.replace(/^data:image\/png;base64,/, ''), 'base64');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pretext-preview-'));
  const tools = await getMediaTools();
  const videos = join(work, 'videos');
  for (const direction of ['left', 'up'] as const) {
    mkdirSync(join(videos, direction), { recursive: true });
    await synthesizeVideo(tools, join(videos, direction, 'clip.mp4'), {
      seconds: 4, width: 96, height: 64, fps: 25, pattern: 'moving-box', direction, seed: 1,
    });
  }
  await copySharedClip('short_1s.mp4', join(videos, 'short'));
  library = new Studio({ events: new EventHub(), frameCacheBytes: 64 * 1024 ** 2 });
  library.open(join(work, 'lib.pretext'), true);
  const job = await library.imports.start(videos);
  await library.imports.wait(job.id);
  shortClipId = library.videos({ offset: 0, limit: 10, label: 'short' }).items[0]?.id as number;
});

afterAll(async () => {
  await library.close();
  rmSync(work, { recursive: true, force: true });
});

describe('previewTuple', () => {
  it.each(TASK_IDS)('renders a %s tuple as the network sees it', async (task) => {
    const config = structuredClone(TASK_PRESETS[task].tiny);
    const preview = await library.previewTuple({ config, seed: 7 });
    expect(preview.task).toBe(task);
    expect(preview.label).toBeGreaterThanOrEqual(0);
    expect(preview.label).toBeLessThan(preview.classCount);
    expect(preview.elements.length).toBeGreaterThan(1);
    const output = 'cropSize' in config ? config.cropSize : 'patchSize' in config ? config.patchSize : null;
    for (const frame of preview.elements.flatMap((element) => element.frames)) {
      expect(frame.frame).toBeGreaterThanOrEqual(preview.window.start);
      expect(frame.frame).toBeLessThanOrEqual(preview.window.end);
      if (output !== null) expect(pngSize(frame.image)).toEqual({ width: output, height: output });
    }
    expect(preview.window.end).toBeLessThan(preview.video.frameCount);
    expect(preview.motion).toHaveLength(preview.video.frameCount);
    expect(preview.video.width).toBe(config.frameSize.width);
  });

  it('is reproducible for a seed', async () => {
    const config = structuredClone(TASK_PRESETS['sequence-sorting'].tiny);
    const first = await library.previewTuple({ config, seed: 11 });
    const second = await library.previewTuple({ config, seed: 11 });
    expect(second).toEqual(first);
  });

  it('explains why a chosen video is too short, and skips short videos when choosing itself', async () => {
    const config = structuredClone(TASK_PRESETS['clip-order'].paper);
    await expect(library.previewTuple({ config, seed: 1, videoId: shortClipId })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringMatching(/too short.*needs 64 frames/),
    });
    const preview = await library.previewTuple({ config, seed: 1 });
    expect(preview.video.id).not.toBe(shortClipId);
    expect(preview).toMatchObject({ usableVideos: 2, skippedVideos: 1 });
  });

  it('refuses an unknown video', async () => {
    const config = structuredClone(TASK_PRESETS['odd-one-out'].tiny);
    await expect(library.previewTuple({ config, seed: 1, videoId: 9999 })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
