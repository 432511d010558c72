import { mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MediaError } from './errors.ts';
import { looksLikeText, parseFrameRate, probeVideo, videoProbeFromFfprobe, type FfprobeOutput } from './probe.ts';
import {
  resolveTestToolsets,
  SHARED_CLIPS,
  SHARED_MEDIA_DIR,
  toolsetLabel,
  writeCorruptFixtures,
  type CorruptFixture,
} from './testing.ts';
import type { MediaTools } from './tools.ts';

const toolsets = await resolveTestToolsets();
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pretext-probe-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function reasonOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MediaError);
  return (error as MediaError).reason;
}

describe.each(toolsets.map((tools) => [toolsetLabel(tools), tools] as [string, MediaTools]))('probeVideo with %s', (_label, tools) => {
  it.each(SHARED_CLIPS.map((clip) => [clip.fileName, clip] as const))('reads the facts of %s', async (fileName, clip) => {
    const probe = await probeVideo(tools, path.join(SHARED_MEDIA_DIR, fileName));
    expect(probe).toMatchObject({
      width: clip.width,
      height: clip.height,
      codec: clip.codec,
      container: clip.container,
      frameCount: clip.frameCount,
      frameCountExact: true,
    });
    expect(probe.fps).toBeCloseTo(clip.fps, 3);
    expect(probe.durationS).toBeCloseTo(clip.durationS, 1);
  });

  it('rejects each broken file with a reason that names the problem', async () => {
    const fixtureDir = path.join(dir, tools.ffmpegVersion);
    const fixtures = await writeCorruptFixtures(fixtureDir, tools);
    const fileNames = fixtures.map((fixture) => path.basename(fixture.path));
    expect((await readdir(fixtureDir)).sort()).toEqual(fileNames.sort());
    const rejectedByProbe = fixtures.filter((fixture: CorruptFixture) => fixture.failsIn === 'probe');
    for (const fixture of rejectedByProbe) {
      expect(await reasonOf(probeVideo(tools, fixture.path)), fixture.kind).toMatch(fixture.expectedReason);
    }
    // A file cut after its index still probes fine; only decoding (inspectVideo) can tell.
    const truncated = fixtures.find((fixture) => fixture.kind === 'truncated-faststart');
    expect((await probeVideo(tools, truncated?.path ?? '')).durationS).toBeCloseTo(4, 1);
  });
});

describe('probeVideo before any tool runs', () => {
  const tools = toolsets[0] as MediaTools;

  it('says a file that vanished disappeared', async () => {
    expect(await reasonOf(probeVideo(tools, path.join(dir, 'gone.mp4')))).toBe('file disappeared during import');
  });

  it('refuses a folder named like a video', async () => {
    const folder = path.join(dir, 'folder.mp4');
    await mkdir(folder, { recursive: true });
    expect(await reasonOf(probeVideo(tools, folder))).toMatch(/^not a video: /);
  });
});

describe('looksLikeText', () => {
  it('tells text from container headers', () => {
    expect(looksLikeText(Buffer.from('#EXTM3U\n#EXT-X-VERSION:3\nsegment.ts\n'))).toBe(true);
    expect(looksLikeText(Buffer.from('naïve café\r\n'))).toBe(true);
    expect(looksLikeText(Buffer.from([0, 0, 0, 0x20, 0x66, 0x74, 0x79, 0x70]))).toBe(false);
    expect(looksLikeText(Buffer.from([0x1a, 0x45, 0xdf, 0xa3, 0x42, 0x86, 0x81, 0x01]))).toBe(false);
  });
});

describe('videoProbeFromFfprobe', () => {
  const video = { codec_type: 'video', codec_name: 'h264', width: 640, height: 360, avg_frame_rate: '25/1', duration: '8.0', nb_frames: '200' };
  const coverArt = { codec_type: 'video', codec_name: 'png', width: 500, height: 500, disposition: { attached_pic: 1 } };
  const audio = { codec_type: 'audio', codec_name: 'aac', duration: '8.0' };
  const mp4 = { format_name: 'mov,mp4,m4a,3gp,3g2,mj2', duration: '8.0', tags: { major_brand: 'isom' } };
  const probe = (output: FfprobeOutput) => videoProbeFromFfprobe(output, '/videos/clip.mp4');
  const reason = (output: FfprobeOutput): string => {
    try {
      probe(output);
    } catch (error) {
      return (error as MediaError).reason;
    }
    throw new Error('expected a MediaError');
  };

  it('skips cover art and uses the real video stream', () => {
    expect(probe({ streams: [coverArt, video, audio], format: mp4 })).toEqual({
      durationS: 8,
      fps: 25,
      frameCount: 200,
      frameCountExact: true,
      width: 640,
      height: 360,
      codec: 'h264',
      container: 'mp4',
    });
  });

  it('does not count cover art as a video', () => {
    expect(reason({ streams: [audio, coverArt], format: mp4 })).toBe('not a video: audio only, no video stream');
    expect(reason({ streams: [coverArt], format: mp4 })).toBe('not a video: only a cover picture, no video stream');
    expect(reason({ streams: [], format: mp4 })).toBe('not a video: no video stream');
  });

  it('estimates the frame count when the container has none', () => {
    const result = probe({ streams: [{ ...video, nb_frames: undefined, duration: '2.5' }], format: mp4 });
    expect(result).toMatchObject({ frameCount: 63, frameCountExact: false, durationS: 2.5 });
  });

  it('falls back to r_frame_rate when avg_frame_rate is unknown', () => {
    const result = probe({ streams: [{ ...video, avg_frame_rate: '0/0', r_frame_rate: '30000/1001' }], format: mp4 });
    expect(result.fps).toBeCloseTo(29.97, 2);
  });

  it('uses the per-stream DURATION tag of Matroska over the container duration', () => {
    const mkvVideo = { ...video, duration: undefined, nb_frames: undefined, tags: { DURATION: '00:01:02.500000000' } };
    const result = probe({ streams: [mkvVideo], format: { format_name: 'matroska,webm', duration: '70.0' } });
    expect(result).toMatchObject({ durationS: 62.5, frameCount: 1563, container: 'matroska' });
  });

  it('swaps width and height for quarter-turn rotations (old tag and display matrix)', () => {
    expect(probe({ streams: [{ ...video, tags: { rotate: '90' } }], format: mp4 })).toMatchObject({ width: 360, height: 640 });
    const matrix = { side_data_list: [{ side_data_type: 'Display Matrix', rotation: -90 }] };
    expect(probe({ streams: [{ ...video, ...matrix }], format: mp4 })).toMatchObject({ width: 360, height: 640 });
    expect(probe({ streams: [{ ...video, tags: { rotate: '180' } }], format: mp4 })).toMatchObject({ width: 640, height: 360 });
  });

  it('names QuickTime files mov and rejects single images', () => {
    expect(probe({ streams: [video], format: { ...mp4, tags: { major_brand: 'qt  ' } } }).container).toBe('mov');
    expect(reason({ streams: [{ ...video, codec_name: 'mjpeg' }], format: { format_name: 'jpeg_pipe' } })).toBe('not a video: a single image (jpeg)');
  });

  it('trusts an AVI stream rate unless the main header and the audio both contradict it', () => {
    const stretched = { ...video, codec_name: 'mpeg4', avg_frame_rate: '25/108', duration: '864', nb_frames: '200' };
    const avi = { format_name: 'avi', duration: '864' };
    const aviProbe = (streams: FfprobeOutput['streams'], mainFps: number | null) =>
      videoProbeFromFfprobe({ streams, format: avi }, '/videos/clip.avi', mainFps);
    expect(aviProbe([stretched], 25).durationS).toBe(864); // no second witness
    expect(aviProbe([stretched, { ...audio, duration: '860' }], 25).durationS).toBe(864); // the audio sides with the stream
    expect(aviProbe([stretched, audio], null).durationS).toBe(864); // no main header rate
    expect(aviProbe([{ ...stretched, avg_frame_rate: '25/1', duration: '8.0' }, audio], 29.97).durationS).toBe(8); // close rates
    expect(() => aviProbe([stretched, audio], 25)).toThrow(/AVI stream header gives 0\.231 fps \(864\.0 s\), while its main header \(25\.0 fps\) and the audio agree on 8\.0 s/);
  });

  it('parses frame rates and refuses nonsense', () => {
    expect(parseFrameRate('30000/1001')).toBeCloseTo(29.97, 2);
    expect(parseFrameRate('25')).toBe(25);
    expect(parseFrameRate('0/0')).toBeNull();
    expect(parseFrameRate('90000/1')).toBeNull();
    expect(parseFrameRate(undefined)).toBeNull();
  });
});
