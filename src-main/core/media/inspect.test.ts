import { chmod, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaError } from './errors.ts';
import { fileArg } from './input.ts';
import { endCheckTime, inspectVideo, latestPacketEnd, thumbnailTime } from './inspect.ts';
import { runTool } from './run.ts';
import { synthesizeVideo } from './synthesize.ts';
import { probeVideo } from './probe.ts';
import { resolveTestToolsets, SHARED_CLIPS, SHARED_MEDIA_DIR, toolsetLabel, writeAviWithDamagedHeader, writeCorruptFixtures } from './testing.ts';
import type { MediaTools } from './tools.ts';

const toolsets = await resolveTestToolsets();
const labelled = toolsets.map((tools) => [toolsetLabel(tools), tools] as [string, MediaTools]);
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pretext-inspect-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Width and height of an image as a second, independent decode (ffprobe) sees them. */
async function imageSize(tools: MediaTools, imagePath: string): Promise<{ width: number; height: number; codec: string }> {
  const result = await runTool(tools.ffprobe, ['-v', 'error', '-print_format', 'json', '-show_streams', fileArg(imagePath)]);
  const stream = (JSON.parse(result.stdout.toString()) as { streams: { width: number; height: number; codec_name: string }[] }).streams[0];
  return { width: stream?.width ?? 0, height: stream?.height ?? 0, codec: stream?.codec_name ?? '' };
}

async function leftovers(folder: string): Promise<string[]> {
  return (await readdir(folder).catch(() => [])).filter((name) => name.includes('.tmp-'));
}

describe.each(labelled)('inspectVideo with %s', (label, tools) => {
  it('accepts every shared clip and writes a JPEG thumbnail 320 px wide', async () => {
    const thumbs = path.join(dir, tools.ffmpegVersion, 'thumbs');
    for (const clip of SHARED_CLIPS) {
      const thumbnailPath = path.join(thumbs, `${clip.fileName}.jpg`);
      const started = performance.now();
      const probe = await inspectVideo(tools, path.join(SHARED_MEDIA_DIR, clip.fileName), { thumbnailPath });
      console.log(`inspectVideo ${clip.fileName} (${label}): ${Math.round(performance.now() - started)} ms`);

      expect(probe).toMatchObject({ width: clip.width, height: clip.height, codec: clip.codec, frameCount: clip.frameCount });
      const jpeg = await readFile(thumbnailPath);
      expect([jpeg[0], jpeg[1]]).toEqual([0xff, 0xd8]);
      const size = await imageSize(tools, thumbnailPath);
      expect(size.codec).toBe('mjpeg');
      expect(size.width).toBe(320);
      expect(size.height % 2).toBe(0);
      expect(Math.abs(size.height - (320 * clip.height) / clip.width)).toBeLessThanOrEqual(2);
    }
    expect(await leftovers(thumbs)).toEqual([]);
  });

  it('fails every broken file with its reason and leaves no thumbnail or temp file', async () => {
    const fixtures = await writeCorruptFixtures(path.join(dir, tools.ffmpegVersion, 'corrupt'), tools);
    const thumbs = path.join(dir, tools.ffmpegVersion, 'corrupt-thumbs');
    for (const fixture of fixtures) {
      const error = await inspectVideo(tools, fixture.path, { thumbnailPath: path.join(thumbs, `${fixture.kind}.jpg`) }).catch(
        (caught: unknown) => caught,
      );
      expect(error, fixture.kind).toBeInstanceOf(MediaError);
      expect((error as MediaError).reason, fixture.kind).toMatch(fixture.expectedReason);
    }
    expect(await readdir(thumbs).catch(() => [])).toEqual([]);
  });

  it('accepts sound videos whose frames are few or long: one H.264 frame, three frames at 0.1 fps', async () => {
    const folder = path.join(dir, tools.ffmpegVersion, 'sparse');
    const oneFrame = path.join(folder, 'one-frame.mp4');
    const slow = path.join(folder, 'slow.mp4');
    await synthesizeVideo(tools, oneFrame, { seconds: 0.04, width: 64, height: 48, fps: 25, pattern: 'testsrc', codec: 'h264' });
    await synthesizeVideo(tools, slow, { seconds: 30, width: 64, height: 48, fps: 0.1, pattern: 'testsrc', codec: 'h264' });
    const one = await inspectVideo(tools, oneFrame, { thumbnailPath: path.join(folder, 'one-frame.jpg') });
    expect(one).toMatchObject({ frameCount: 1, codec: 'h264' });
    expect(one.durationS).toBeCloseTo(0.04, 2);
    const three = await inspectVideo(tools, slow, { thumbnailPath: path.join(folder, 'slow.jpg') });
    expect(three).toMatchObject({ frameCount: 3, codec: 'h264' });
    expect(three.durationS).toBeCloseTo(30, 0);
    expect((await imageSize(tools, path.join(folder, 'slow.jpg'))).codec).toBe('mjpeg');
  });

  it('keeps the true length of a complete AVI whose header counts 108 times its frames', async () => {
    const folder = path.join(dir, tools.ffmpegVersion, 'avi-count');
    const damaged = await writeAviWithDamagedHeader(folder, 'frame-count');
    expect((await probeVideo(tools, damaged)).durationS).toBeCloseTo(708.5, 0);
    const probe = await inspectVideo(tools, damaged, { thumbnailPath: path.join(folder, 'thumb.jpg') });
    expect(probe).toMatchObject({ frameCount: 164, frameCountExact: true, fps: 25 });
    expect(probe.durationS).toBeCloseTo(6.56, 1);
  });

  it('rejects an AVI whose stream header stretches its frames 108 times, naming the two rates', async () => {
    const folder = path.join(dir, tools.ffmpegVersion, 'avi-rate');
    const damaged = await writeAviWithDamagedHeader(folder, 'frame-rate');
    const error = await inspectVideo(tools, damaged, { thumbnailPath: path.join(folder, 'thumb.jpg') }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(MediaError);
    expect((error as MediaError).reason).toBe(
      'corrupt: the AVI stream header gives 0.231 fps (708.5 s), while its main header (25.0 fps) and the audio agree on 6.6 s; ' +
        're-mux it at the right frame rate to import it',
    );
  });
});

describe('inspectVideo details', () => {
  const tools = toolsets[0] as MediaTools;
  const avi = path.join(SHARED_MEDIA_DIR, 'ucf101_v_ApplyEyeMakeup_g01_c01.avi');

  it('honours thumbnailWidth and creates missing parent folders', async () => {
    const thumbnailPath = path.join(dir, 'deep', 'er', 'small.jpg');
    await inspectVideo(tools, avi, { thumbnailPath, thumbnailWidth: 160 });
    expect(await imageSize(tools, thumbnailPath)).toMatchObject({ width: 160, height: 120 });
  });

  it('shows a video recorded sideways upright: rotated size and a portrait thumbnail', async () => {
    const plain = path.join(dir, 'landscape.mp4');
    const rotated = path.join(dir, 'rotated.mp4');
    await synthesizeVideo(tools, plain, { seconds: 1, width: 320, height: 240, fps: 10, pattern: 'testsrc', codec: 'mpeg4' });
    const remux = await runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-i', fileArg(plain), '-c', 'copy', '-metadata:s:v:0', 'rotate=90', fileArg(rotated)]);
    expect(remux.code).toBe(0);
    const thumbnailPath = path.join(dir, 'rotated.jpg');
    expect(await inspectVideo(tools, rotated, { thumbnailPath })).toMatchObject({ width: 240, height: 320 });
    expect(await imageSize(tools, thumbnailPath)).toMatchObject({ width: 320, height: 426 });
  });

  it('removes its temp file when the thumbnail cannot be put in place', async () => {
    const parent = path.join(dir, 'blocked');
    const thumbnailPath = path.join(parent, 'thumb.jpg');
    // A non-empty folder where the thumbnail should go makes the final rename fail.
    await mkdir(path.join(thumbnailPath, 'occupied'), { recursive: true });
    const error = await inspectVideo(tools, avi, { thumbnailPath }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toBeInstanceOf(MediaError);
    expect(await readdir(parent)).toEqual(['thumb.jpg']);
  });

  it('rejects with an AbortError when cancelled', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(inspectVideo(tools, avi, { thumbnailPath: path.join(dir, 'never.jpg'), signal: controller.signal })).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it.skipIf(process.platform === 'win32')('runs ffmpeg/ffprobe at most three times per video', async () => {
    const log = path.join(dir, 'spawns.log');
    const wrap = async (name: string, target: string): Promise<string> => {
      const wrapper = path.join(dir, `counting-${name}`);
      await writeFile(wrapper, `#!/bin/sh\necho ${name} >> '${log}'\nexec '${target}' "$@"\n`);
      await chmod(wrapper, 0o755);
      return wrapper;
    };
    const counting = { ...tools, ffmpeg: await wrap('ffmpeg', tools.ffmpeg), ffprobe: await wrap('ffprobe', tools.ffprobe) };
    await inspectVideo(counting, avi, { thumbnailPath: path.join(dir, 'counted.jpg') });
    expect((await readFile(log, 'utf8')).trim().split('\n')).toEqual(['ffprobe', 'ffmpeg', 'ffmpeg']);
  });

  it('picks the thumbnail frame at 10 % of the video, at most 3 s in, never after the last frame starts', () => {
    expect(thumbnailTime(1, 25)).toBeCloseTo(0.1);
    expect(thumbnailTime(600, 25)).toBe(3);
    expect(thumbnailTime(0.04, 25)).toBe(0);
  });

  it('checks the end where the last frame still starts, also when frames last seconds', () => {
    expect(endCheckTime(10, 25)).toBeCloseTo(9.5);
    expect(endCheckTime(30, 0.1)).toBeCloseTo(15);
    expect(endCheckTime(0.04, 25)).toBe(0);
  });

  it('finds how far packets reach, whatever their decode order', () => {
    expect(latestPacketEnd('0.000000,0.040000\n0.160000,0.040000\n0.080000,0.040000\nN/A,N/A\n')).toBeCloseTo(0.2);
    expect(latestPacketEnd('')).toBeNull();
  });
});
