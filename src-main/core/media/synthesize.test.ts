import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/errors.ts';
import { fileArg } from './input.ts';
import { probeVideo } from './probe.ts';
import { runTool } from './run.ts';
import { DISC_MOTIONS, frameRateArg, MOTION_DIRECTIONS, synthesizeVideo, videoEncoders, type DiscMotion, type MotionDirection } from './synthesize.ts';
import { resolveTestToolsets, toolsetLabel } from './testing.ts';
import type { MediaTools } from './tools.ts';

const toolsets = await resolveTestToolsets();
const labelled = toolsets.map((tools) => [toolsetLabel(tools), tools] as [string, MediaTools]);
const WIDTH = 160;
const HEIGHT = 120;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pretext-synth-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Every frame of a small video as 8-bit grey planes, decoded by ffmpeg independently of the encoder settings. */
async function greyFrames(tools: MediaTools, videoPath: string): Promise<Buffer[]> {
  const result = await runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-i', fileArg(videoPath), '-f', 'rawvideo', '-pix_fmt', 'gray', 'pipe:1']);
  expect(result.code).toBe(0);
  const frameBytes = WIDTH * HEIGHT;
  return Array.from({ length: result.stdout.length / frameBytes }, (_, index) =>
    result.stdout.subarray(index * frameBytes, (index + 1) * frameBytes),
  );
}

/** Centre of the bright pixels: where the box is. */
function brightCentroid(frame: Buffer): { x: number; y: number } {
  let sumX = 0;
  let sumY = 0;
  let count = 0;
  frame.forEach((value, index) => {
    if (value < 128) return;
    sumX += index % WIDTH;
    sumY += Math.floor(index / WIDTH);
    count += 1;
  });
  expect(count).toBeGreaterThan(50);
  return { x: sumX / count, y: sumY / count };
}

/** The shift (whole pixels, within ±12) that best maps frame `a`'s content onto frame `b`. */
function contentShift(a: Buffer, b: Buffer): { x: number; y: number } {
  let best = { x: 0, y: 0, error: Infinity };
  for (let dy = -12; dy <= 12; dy++) {
    for (let dx = -12; dx <= 12; dx++) {
      let error = 0;
      for (let y = 12; y < HEIGHT - 12; y += 2) {
        for (let x = 12; x < WIDTH - 12; x += 2) error += Math.abs((a[y * WIDTH + x] as number) - (b[(y + dy) * WIDTH + x + dx] as number));
      }
      if (error < best.error) best = { x: dx, y: dy, error };
    }
  }
  return { x: best.x, y: best.y };
}

/** Orientation in (-π/2, π/2] of the bright pixels' principal axis (image coordinates, y down). */
function barAngle(frame: Buffer): number {
  const points: [number, number][] = [];
  frame.forEach((value, index) => {
    if (value >= 128) points.push([index % WIDTH, Math.floor(index / WIDTH)]);
  });
  expect(points.length).toBeGreaterThan(20);
  const mean = points.reduce(([sx, sy], [x, y]) => [sx + x / points.length, sy + y / points.length], [0, 0]);
  let [xx, yy, xy] = [0, 0, 0];
  for (const [x, y] of points) {
    xx += (x - mean[0]) ** 2;
    yy += (y - mean[1]) ** 2;
    xy += (x - mean[0]) * (y - mean[1]);
  }
  return 0.5 * Math.atan2(2 * xy, xx - yy);
}

/** The bar's turn between consecutive frames (radians, clockwise positive); a frame turns it by less than π/2. */
async function barTurns(tools: MediaTools, videoPath: string): Promise<number[]> {
  const angles = (await greyFrames(tools, videoPath)).map(barAngle);
  // Orientation is defined modulo π.
  return angles.slice(1).map((angle, i) => {
    const step = angle - (angles[i] as number);
    return step - Math.PI * Math.round(step / Math.PI);
  });
}

/** The disc's area and centre in each frame: every pixel above the background (dark checks included). */
function discTrack(frames: readonly Buffer[]): { area: number; x: number; y: number }[] {
  return frames.map((frame) => {
    let [area, sumX, sumY] = [0, 0, 0];
    frame.forEach((value, index) => {
      if (value < 60) return;
      area += 1;
      sumX += index % WIDTH;
      sumY += Math.floor(index / WIDTH);
    });
    expect(area).toBeGreaterThan(50);
    return { area, x: sumX / area, y: sumY / area };
  });
}

/** How many times a sequence turns from rising to falling or back (ignoring steps under `noise`). */
function turnsOf(values: readonly number[], noise: number): number {
  const signs = values.slice(1).map((value, i) => value - (values[i] as number)).filter((step) => Math.abs(step) > noise).map(Math.sign);
  return signs.slice(1).filter((sign, i) => sign !== signs[i]).length;
}

const sum = (values: readonly number[]) => values.reduce((total, value) => total + value, 0);

const EXPECTED_MOTION: Record<MotionDirection, { x: number; y: number }> = {
  right: { x: 1, y: 0 },
  left: { x: -1, y: 0 },
  down: { x: 0, y: 1 },
  up: { x: 0, y: -1 },
  'up-left': { x: -1, y: -1 },
  'up-right': { x: 1, y: -1 },
  'down-left': { x: -1, y: 1 },
  'down-right': { x: 1, y: 1 },
};

/** Each toolset writes its videos to a folder of its own. */
const outputFor = (tools: MediaTools) => (name: string): string => path.join(dir, tools.ffmpegVersion, name);

describe.each(labelled)('synthesizeVideo with %s', (_label, tools) => {
  const out = outputFor(tools);

  it('writes a clip with the requested size, frame rate and length', async () => {
    const target = out('testsrc.mp4');
    await synthesizeVideo(tools, target, { seconds: 2, width: 176, height: 144, fps: 15, pattern: 'testsrc', codec: 'mpeg4' });
    const probe = await probeVideo(tools, target);
    expect(probe).toMatchObject({ width: 176, height: 144, fps: 15, frameCount: 30, codec: 'mpeg4', container: 'mp4' });
    expect(probe.durationS).toBeCloseTo(2, 1);
    expect((await readdir(path.dirname(target))).filter((name) => name.includes('.tmp-'))).toEqual([]);
  });

  it('defaults to H.264 when this ffmpeg has libx264, and writes other patterns and containers', async () => {
    const hasX264 = (await videoEncoders(tools.ffmpeg)).has('libx264');
    await synthesizeVideo(tools, out('mandelbrot.mp4'), { seconds: 1, width: 96, height: 64, fps: 12, pattern: 'mandelbrot' });
    expect(await probeVideo(tools, out('mandelbrot.mp4'))).toMatchObject({ codec: hasX264 ? 'h264' : 'mpeg4', frameCount: 12 });
    await synthesizeVideo(tools, out('life.avi'), { seconds: 1, width: 64, height: 48, fps: 10, pattern: 'life', codec: 'mpeg4', seed: 3 });
    expect(await probeVideo(tools, out('life.avi'))).toMatchObject({ container: 'avi', width: 64, height: 48, fps: 10 });
  });

  it.each(MOTION_DIRECTIONS.map((direction) => [direction]))('moves the box %s', async (direction) => {
    const target = out(`box-${direction}.mp4`);
    await synthesizeVideo(tools, target, { seconds: 2, width: WIDTH, height: HEIGHT, fps: 10, pattern: 'moving-box', direction, seed: 7 });
    const frames = await greyFrames(tools, target);
    expect(frames).toHaveLength(20);
    const start = brightCentroid(frames[0] as Buffer);
    const end = brightCentroid(frames[frames.length - 1] as Buffer);
    const expected = EXPECTED_MOTION[direction];
    const travel = { x: end.x - start.x, y: end.y - start.y };
    // Most of the free room along each moving axis, no drift along a still one.
    for (const [axis, room] of [['x', WIDTH], ['y', HEIGHT]] as const) {
      if (expected[axis] === 0) expect(Math.abs(travel[axis])).toBeLessThan(2);
      else expect((travel[axis] * expected[axis]) / room).toBeGreaterThan(0.4);
    }
  });

  it('plays a pattern backwards and fades it in or out', async () => {
    const spec = { seconds: 1, width: WIDTH, height: HEIGHT, fps: 10, pattern: 'mandelbrot', seed: 2 } as const;
    await synthesizeVideo(tools, out('zoom-in.mp4'), spec);
    await synthesizeVideo(tools, out('zoom-out.mp4'), { ...spec, reverse: true });
    await synthesizeVideo(tools, out('fade-in.mp4'), { ...spec, fade: 'in' });
    await synthesizeVideo(tools, out('fade-out.mp4'), { ...spec, fade: 'out' });
    const [forward, backward, fadeIn, fadeOut] = (await Promise.all(
      ['zoom-in', 'zoom-out', 'fade-in', 'fade-out'].map((name) => greyFrames(tools, out(`${name}.mp4`))),
    )) as [Buffer[], Buffer[], Buffer[], Buffer[]];
    const difference = (a: Buffer, b: Buffer) => a.reduce((sum, value, i) => sum + Math.abs(value - (b[i] as number)), 0) / a.length;
    expect(backward).toHaveLength(10);
    expect(difference(backward[0] as Buffer, forward[9] as Buffer)).toBeLessThan(3);
    expect(difference(backward[9] as Buffer, forward[0] as Buffer)).toBeLessThan(3);
    const mean = (frame: Buffer) => frame.reduce((sum, value) => sum + value, 0) / frame.length;
    expect(mean(fadeIn[0] as Buffer)).toBeLessThan(mean(fadeIn[9] as Buffer) - 20);
    expect(mean(fadeOut[0] as Buffer)).toBeGreaterThan(mean(fadeOut[9] as Buffer) + 20);
    expect(mean(fadeOut[9] as Buffer)).toBeGreaterThan(5);
  });

  it('grows or shrinks a box around a fixed centre', async () => {
    const spec = { seconds: 2, width: WIDTH, height: HEIGHT, fps: 10, pattern: 'growing-box' } as const;
    const areas = async (seed: number) => {
      await synthesizeVideo(tools, out(`grow${seed}.mp4`), { ...spec, seed });
      return (await greyFrames(tools, out(`grow${seed}.mp4`))).map((frame) => frame.filter((value) => value > 140).length);
    };
    // Seeds 6 and 7 draw a shrinking and a growing box.
    const runs = await Promise.all([6, 7].map(areas));
    const changes = runs.map((area) => Math.sign((area.at(-1) as number) - (area[0] as number)));
    expect(new Set(changes)).toEqual(new Set([1, -1]));
    for (const area of runs) {
      const [small, large] = [Math.min(area[0] as number, area.at(-1) as number), Math.max(area[0] as number, area.at(-1) as number)];
      expect(large).toBeGreaterThan(10 * Math.max(1, small));
    }
  });

  it.each([['right'], ['up']] as const)('pans a camera %s over a Game of Life board', async (direction) => {
    const target = out(`pan-${direction}.mp4`);
    await synthesizeVideo(tools, target, { seconds: 2, width: WIDTH, height: HEIGHT, fps: 10, pattern: 'panning-life', direction, seed: 4 });
    const frames = await greyFrames(tools, target);
    expect(frames).toHaveLength(20);
    // The board moves against the camera by one frame side over the clip: 8 px (x) or 6 px (y) a frame.
    const expected = direction === 'right' ? { x: -8, y: 0 } : { x: 0, y: 6 };
    expect(contentShift(frames[4] as Buffer, frames[5] as Buffer)).toEqual(expected);
    expect(contentShift(frames[14] as Buffer, frames[15] as Buffer)).toEqual(expected);
  });

  it('spins a bar clockwise, or counter-clockwise played backwards', async () => {
    const spec = { seconds: 2, width: WIDTH, height: HEIGHT, fps: 10, pattern: 'spinning-bar', seed: 3 } as const;
    await synthesizeVideo(tools, out('spin.mp4'), spec);
    await synthesizeVideo(tools, out('spin-back.mp4'), { ...spec, reverse: true });
    const [forward, backward] = (await Promise.all(['spin.mp4', 'spin-back.mp4'].map(async (name) => sum(await barTurns(tools, out(name)))))) as [number, number];
    // Screen y grows downwards, so a growing angle is clockwise: a half to one and a half turns per clip.
    expect(forward).toBeGreaterThan(0.4 * Math.PI);
    expect(forward).toBeLessThan(3 * Math.PI);
    expect(backward).toBeCloseTo(-forward, 0);
  });

  it('a dashing bar rests, spins in about a second, and rests again', async () => {
    const target = out('spin-dash.mp4');
    await synthesizeVideo(tools, target, { seconds: 4, width: WIDTH, height: HEIGHT, fps: 10, pattern: 'spinning-bar', timing: 'dash', seed: 3 });
    const turns = await barTurns(tools, target);
    // 0.9–1.3 s of turning at 10 fps out of 39 frame steps; still at both ends.
    const moving = turns.filter((turn) => Math.abs(turn) > 0.02).length;
    expect(moving).toBeGreaterThanOrEqual(7);
    expect(moving).toBeLessThanOrEqual(15);
    expect(Math.abs(turns[0] as number)).toBeLessThan(0.02);
    expect(Math.abs(turns.at(-1) as number)).toBeLessThan(0.02);
    expect(sum(turns)).toBeGreaterThan(0.4 * Math.PI);
  });

  it('a dashing box rests, crosses in about a second, and rests again', async () => {
    const target = out('box-dash.mp4');
    await synthesizeVideo(tools, target, { seconds: 4, width: WIDTH, height: HEIGHT, fps: 10, pattern: 'moving-box', timing: 'dash', seed: 5 });
    const xs = (await greyFrames(tools, target)).map((frame) => brightCentroid(frame).x);
    const steps = xs.slice(1).map((x, i) => Math.abs(x - (xs[i] as number)));
    const moving = steps.filter((step) => step > 0.5).length;
    // 0.9–1.3 s of motion at 10 fps: about 9–13 moving frames out of 39, rest still at both ends.
    expect(moving).toBeGreaterThanOrEqual(7);
    expect(moving).toBeLessThanOrEqual(15);
    expect(steps[0]).toBeLessThan(0.5);
    expect(steps.at(-1)).toBeLessThan(0.5);
    expect((xs.at(-1) as number) - (xs[0] as number)).toBeGreaterThan(0.4 * WIDTH);
  });
});

describe.each(labelled)('synthesizeVideo textured-disc with %s', (_label, tools) => {
  const out = outputFor(tools);
  const side = Math.min(WIDTH, HEIGHT);
  const tracks = new Map<DiscMotion, { area: number; x: number; y: number }[]>();
  const frames = new Map<DiscMotion, Buffer[]>();

  beforeAll(async () => {
    for (const motion of DISC_MOTIONS) {
      const target = out(`disc-${motion}.mp4`);
      await synthesizeVideo(tools, target, { seconds: 4, width: WIDTH, height: HEIGHT, fps: 10, pattern: 'textured-disc', motion, seed: 11 });
      frames.set(motion, await greyFrames(tools, target));
      tracks.set(motion, discTrack(frames.get(motion) as Buffer[]));
    }
  });
  const track = (motion: DiscMotion) => tracks.get(motion) as { area: number; x: number; y: number }[];
  const travel = (motion: DiscMotion) => {
    const [first, last] = [track(motion)[0]!, track(motion).at(-1)!];
    return Math.hypot(last.x - first.x, last.y - first.y);
  };
  const areaRatio = (motion: DiscMotion) => track(motion).at(-1)!.area / track(motion)[0]!.area;

  it('slides the disc across the frame in a straight line, at one size', () => {
    expect(travel('slide')).toBeGreaterThan(0.3 * side);
    const [first, middle, last] = [track('slide')[0]!, track('slide')[20]!, track('slide').at(-1)!];
    expect(Math.hypot(middle.x - (first.x + last.x) / 2, middle.y - (first.y + last.y) / 2)).toBeLessThan(2);
    expect(areaRatio('slide')).toBeCloseTo(1, 1);
  });

  it('spins the disc in place: its checks turn while its place and size stay', () => {
    expect(travel('spin')).toBeLessThan(1);
    expect(areaRatio('spin')).toBeCloseTo(1, 1);
    const [first, last] = [frames.get('spin')![0]!, frames.get('spin')!.at(-1)!];
    const changed = first.filter((value, index) => Math.abs(value - (last[index] as number)) > 60).length;
    expect(changed).toBeGreaterThan(0.1 * track('spin')[0]!.area);
  });

  it('grows or shrinks the disc in place, by two times its area or more', () => {
    expect(travel('scale')).toBeLessThan(2);
    const ratio = areaRatio('scale');
    expect(Math.max(ratio, 1 / ratio)).toBeGreaterThan(2);
  });

  it('swings the disc back and forth along one axis, ending near where it started', () => {
    const xs = track('swing').map((point) => point.x);
    const ys = track('swing').map((point) => point.y);
    const along = Math.abs(Math.max(...xs) - Math.min(...xs)) >= Math.abs(Math.max(...ys) - Math.min(...ys)) ? xs : ys;
    expect(Math.max(...along) - Math.min(...along)).toBeGreaterThan(0.15 * side);
    // Two or three periods: three to six turns.
    expect(turnsOf(along, 0.2)).toBeGreaterThanOrEqual(3);
    expect(turnsOf(track('slide').map((point) => point.x), 0.2)).toBe(0);
    expect(travel('swing')).toBeLessThan(0.1 * side);
  });
});

describe('synthesizeVideo seeds and specs', () => {
  const tools = toolsets[0] as MediaTools;
  const spec = { seconds: 1, width: 64, height: 48, fps: 10, pattern: 'moving-box', codec: 'mpeg4' } as const;

  it('gives the same bytes for the same seed and different ones for another seed', async () => {
    await synthesizeVideo(tools, path.join(dir, 'seed1-a.mp4'), { ...spec, seed: 1 });
    await synthesizeVideo(tools, path.join(dir, 'seed1-b.mp4'), { ...spec, seed: 1 });
    await synthesizeVideo(tools, path.join(dir, 'seed2.mp4'), { ...spec, seed: 2 });
    const [a, b, other] = await Promise.all(['seed1-a.mp4', 'seed1-b.mp4', 'seed2.mp4'].map((name) => readFile(path.join(dir, name))));
    expect(a?.equals(b as Buffer)).toBe(true);
    expect(a?.equals(other as Buffer)).toBe(false);
  });

  it('rejects impossible specs and unknown containers before running ffmpeg', async () => {
    await expect(synthesizeVideo(tools, path.join(dir, 'odd.mp4'), { ...spec, width: 63 })).rejects.toMatchObject({
      code: 'INVALID_INPUT',
      message: expect.stringContaining('width must be an even integer'),
    });
    await expect(synthesizeVideo(tools, path.join(dir, 'clip.gif'), spec)).rejects.toBeInstanceOf(ApiError);
  });

  it('expresses frame rates as lavfi rationals', () => {
    expect(frameRateArg(25)).toBe('25');
    expect(frameRateArg(30000 / 1001)).toBe('30000/1001');
    expect(frameRateArg(12.5)).toBe('12500/1000');
  });
});
