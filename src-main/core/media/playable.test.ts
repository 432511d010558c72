import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaKind } from '../../shared/routes.ts';
import { EventHub } from '../jobs/events.ts';
import { Studio } from '../studio.ts';
import { isBrowserPlayable } from './playable.ts';
import { probeVideo } from './probe.ts';
import { synthesizeVideo } from './synthesize.ts';
import { getMediaTools, type MediaTools } from './tools.ts';

let work: string;
let tools: MediaTools;
let library: Studio;
/** The path a media request would serve, its handle closed; null when refused. */
async function servedPath(kind: Exclude<MediaKind, 'frame'>, id: number): Promise<string | null> {
  const answer = await library.mediaFile({ kind, videoId: id });
  if (!answer.ok) return null;
  await answer.file.handle.close();
  return answer.file.path;
}
const idOf = (fileName: string) => library.videos({ offset: 0, limit: 10 }).items.find((video) => video.fileName === fileName)?.id as number;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pretext-playable-'));
  tools = await getMediaTools();
  mkdirSync(join(work, 'videos'));
  const spec = { seconds: 1, width: 64, height: 48, fps: 10, pattern: 'testsrc' } as const;
  await synthesizeVideo(tools, join(work, 'videos', 'a-h264.mp4'), { ...spec, codec: 'h264' });
  await synthesizeVideo(tools, join(work, 'videos', 'b-xvid.avi'), { ...spec, codec: 'mpeg4' });
  library = new Studio({ events: new EventHub() });
  library.open(join(work, 'lib.pretext'), true);
  await library.imports.wait((await library.imports.start(join(work, 'videos'))).id);
});

afterAll(async () => {
  await library.close();
  rmSync(work, { recursive: true, force: true });
});

describe('playable media', () => {
  it('knows what browsers play', () => {
    expect(isBrowserPlayable('h264', 'mp4')).toBe(true);
    expect(isBrowserPlayable('vp9', 'webm')).toBe(true);
    expect(isBrowserPlayable('mpeg4', 'avi')).toBe(false);
    expect(isBrowserPlayable('h264', 'avi')).toBe(false);
    expect(isBrowserPlayable(null, 'mp4')).toBe(false);
  });

  it('serves an H.264 MP4 as it is', async () => {
    expect(await servedPath('playable', idOf('a-h264.mp4'))).toBe(join(work, 'videos', 'a-h264.mp4'));
  });

  it('makes one H.264 copy of an MPEG-4 part 2 AVI, shared by concurrent requests and kept', async () => {
    const id = idOf('b-xvid.avi');
    const [first, second] = await Promise.all([servedPath('playable', id), servedPath('playable', id)]);
    expect(first).toBe(second);
    expect(first).toMatch(new RegExp(`playable[\\\\/]${id}-[0-9a-f]{16}\\.mp4$`));
    const copy = await probeVideo(tools, first as string);
    expect(copy).toMatchObject({ codec: 'h264', container: 'mp4', width: 64, height: 48, frameCount: 10 });
    const made = statSync(first as string).mtimeMs;
    expect(await servedPath('playable', id)).toBe(first);
    expect(statSync(first as string).mtimeMs).toBe(made);
    expect(await servedPath('video', id)).toBe(join(work, 'videos', 'b-xvid.avi'));
  });

  it('serves nothing for unknown videos', async () => {
    expect(await servedPath('playable', 99)).toBeNull();
  });
});
