/**
 * Generates short videos with ffmpeg's built-in (lavfi) sources: the demo library and tests need
 * many videos with known content and no downloads. Works with old (2018) and current ffmpeg builds.
 */
import path from 'node:path';
import { ApiError } from '../../shared/errors.ts';
import { writeAtomically } from './atomic.ts';
import { fileArg } from './input.ts';
import { firstMeaningfulLine } from './probe.ts';
import { runTool } from './run.ts';
import type { MediaTools } from './tools.ts';

export const SYNTH_PATTERNS = ['testsrc', 'mandelbrot', 'moving-box', 'growing-box', 'life', 'panning-life', 'spinning-bar', 'textured-disc'] as const;
export type SynthPattern = (typeof SYNTH_PATTERNS)[number];
export const MOTION_DIRECTIONS = ['left', 'right', 'up', 'down', 'up-left', 'up-right', 'down-left', 'down-right'] as const;
export type MotionDirection = (typeof MOTION_DIRECTIONS)[number];

/** Each direction's step on x and y (screen y grows downwards). */
const DIRECTION_STEPS: Record<MotionDirection, readonly [number, number]> = {
  left: [-1, 0],
  right: [1, 0],
  up: [0, -1],
  down: [0, 1],
  'up-left': [-1, -1],
  'up-right': [1, -1],
  'down-left': [-1, 1],
  'down-right': [1, 1],
};
export const FADES = ['in', 'out'] as const;
export type Fade = (typeof FADES)[number];
export const MOTION_TIMINGS = ['steady', 'dash'] as const;
export type MotionTiming = (typeof MOTION_TIMINGS)[number];
export const DISC_MOTIONS = ['slide', 'spin', 'scale', 'swing'] as const;
export type DiscMotion = (typeof DISC_MOTIONS)[number];
export type SynthCodec = 'h264' | 'mpeg4';

export interface SynthSpec {
  seconds: number;
  /** Even numbers: yuv420p halves the chroma planes. */
  width: number;
  height: number;
  fps: number;
  pattern: SynthPattern;
  /** moving-box: where the box travels; panning-life: where the camera pans (default 'right'). */
  direction?: MotionDirection;
  /**
   * moving-box, growing-box and spinning-bar: 'steady' changes at constant speed for the whole clip (default); 'dash'
   * rests, crosses (or grows) in about a second at a seeded moment, and rests again — one burst of
   * motion, like an action.
   */
  timing?: MotionTiming;
  /**
   * textured-disc: how the disc moves (default 'slide'): across the frame, turning in place, growing or
   * shrinking, or back and forth; its direction, sense or axis varies with the seed.
   */
  motion?: DiscMotion;
  /** Default: h264 when this ffmpeg has libx264 (playable in the app), else mpeg4. */
  codec?: SynthCodec;
  /** Varies what is incidental to the pattern (colours, sizes, positions); same seed, same video. */
  seed?: number;
  /** Plays the pattern backwards, e.g. a Mandelbrot zoom out instead of in. */
  reverse?: boolean;
  /** Brightens from black ('in') or darkens towards black ('out') over the whole clip. */
  fade?: Fade;
}

export interface SynthOptions {
  signal?: AbortSignal;
  /** MP4/MOV only: put the index (moov atom) before the data, as streaming-friendly files do. Default true. */
  faststart?: boolean;
}

const CONTAINERS: Record<string, string> = {
  '.mp4': 'mp4',
  '.m4v': 'mp4',
  '.mov': 'mov',
  '.mkv': 'matroska',
  '.avi': 'avi',
};
const SYNTH_TIMEOUT_MS = 5 * 60_000;

/** mulberry32: a tiny deterministic generator, so a seed always yields the same video. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function between(random: () => number, low: number, high: number): number {
  return Math.round(low + random() * (high - low));
}

function hexColor(random: () => number, low: number, high: number): string {
  return `0x${[0, 1, 2].map(() => between(random, low, high).toString(16).padStart(2, '0')).join('')}`;
}

function validateSpec(spec: SynthSpec): void {
  const problems: string[] = [];
  if (!(spec.seconds > 0 && spec.seconds <= 3600)) problems.push('seconds must be in (0, 3600]');
  for (const side of ['width', 'height'] as const) {
    const value = spec[side];
    if (!Number.isInteger(value) || value < 16 || value > 4096 || value % 2 !== 0) {
      problems.push(`${side} must be an even integer from 16 to 4096`);
    }
  }
  if (!(spec.fps > 0 && spec.fps <= 240)) problems.push('fps must be in (0, 240]');
  if (!SYNTH_PATTERNS.includes(spec.pattern)) {
    problems.push(`pattern must be one of ${SYNTH_PATTERNS.join(', ')}`);
  }
  if (spec.direction !== undefined && !MOTION_DIRECTIONS.includes(spec.direction)) {
    problems.push(`direction must be one of ${MOTION_DIRECTIONS.join(', ')}`);
  }
  if (spec.fade !== undefined && !FADES.includes(spec.fade)) problems.push(`fade must be one of ${FADES.join(', ')}`);
  if (spec.timing !== undefined && !MOTION_TIMINGS.includes(spec.timing)) {
    problems.push(`timing must be one of ${MOTION_TIMINGS.join(', ')}`);
  }
  if (spec.motion !== undefined && !DISC_MOTIONS.includes(spec.motion)) {
    problems.push(`motion must be one of ${DISC_MOTIONS.join(', ')}`);
  }
  if (problems.length > 0) throw new ApiError('INVALID_INPUT', `Bad video spec: ${problems.join('; ')}`);
}

/** lavfi wants a rational rate; NTSC-style rates (29.97…) become their exact N*1000/1001 form. */
export function frameRateArg(fps: number): string {
  if (Number.isInteger(fps)) return String(fps);
  const ntscBase = Math.round((fps * 1001) / 1000);
  if (Math.abs((ntscBase * 1000) / 1001 - fps) < 1e-3) return `${ntscBase * 1000}/1001`;
  return `${Math.round(fps * 1000)}/1000`;
}

/** Share of the change done at time `time` (an ffmpeg expression: overlay says t, geq says T), per timing. */
function progressExpression(spec: SynthSpec, random: () => number, time: 't' | 'T' = 't'): string {
  const { seconds } = spec;
  if (spec.timing !== 'dash') return `${time}/${seconds}`;
  const duration = Math.min(seconds, 0.9 + 0.4 * random());
  const start = (seconds - duration) * (0.2 + 0.6 * random());
  return `clip((${time}-${start.toFixed(3)})/${duration.toFixed(3)},0,1)`;
}

/**
 * A bright box on a dark background, moving in a straight line. Only the direction (and timing) is
 * systematic; size, colours, lane and travel vary with the seed, so clips of one direction differ
 * from each other in everything else.
 */
function movingBoxGraph(spec: SynthSpec, size: string, rate: string, random: () => number): string {
  const { width, height, seconds } = spec;
  const steps = DIRECTION_STEPS[spec.direction ?? 'right'];
  const box = 2 * Math.round((Math.min(width, height) * (0.15 + 0.1 * random())) / 2);
  const rooms = [width - box, height - box];
  // A still axis draws its lane first, then each moving axis its start and end (x before y).
  const position: string[] = ['', ''];
  const moving: { axis: number; from: number; to: number }[] = [];
  for (const axis of [0, 1].sort((a, b) => Math.abs(steps[a] as number) - Math.abs(steps[b] as number))) {
    const room = rooms[axis] as number;
    if (steps[axis] === 0) {
      position[axis] = String(between(random, 0, room));
      continue;
    }
    const near = between(random, 0, room * 0.15);
    const far = room - between(random, 0, room * 0.15);
    moving.push({ axis, ...((steps[axis] as number) > 0 ? { from: near, to: far } : { from: far, to: near }) });
  }
  const progress = progressExpression(spec, random);
  for (const { axis, from, to } of moving) position[axis] = `${from}+(${to - from})*${progress}`;
  const background = `color=c=${hexColor(random, 0, 60)}:s=${size}:r=${rate}:d=${seconds}`;
  const foreground = `color=c=${hexColor(random, 190, 255)}:s=${box}x${box}:r=${rate}:d=${seconds}`;
  // overlay evaluates x/y per frame with t on every ffmpeg version; drawbox only learnt t later.
  return `${background}[bg];${foreground}[box];[bg][box]overlay=x='${position[0]}':y='${position[1]}':shortest=1`;
}

/**
 * A light square on a dark background that grows from a dot to most of the frame height, or shrinks
 * back (seeded), around a seeded centre. Size, unlike position, survives random crops: a strong
 * per-frame clock for order tasks.
 */
function growingBoxGraph(spec: SynthSpec, size: string, rate: string, random: () => number): string {
  const { width, height, seconds } = spec;
  const grows = random() < 0.5;
  const cx = between(random, width * 0.35, width * 0.65);
  const cy = between(random, height * 0.35, height * 0.65);
  const largest = Math.round(Math.min(width, height) * 0.4);
  const [foreground, background] = [between(random, 170, 235), between(random, 10, 60)];
  const progress = progressExpression(spec, random, 'T');
  const half = `(2+${largest - 2}*${grows ? progress : `(1-${progress})`})`;
  // Commas inside a filter's expression are escaped for the graph parser.
  const inside = `lte(abs(X-${cx}),${half})*lte(abs(Y-${cy}),${half})`.replaceAll(',', '\\,');
  return `color=c=black:s=${size}:r=${rate}:d=${seconds},format=yuv444p,geq=lum='if(${inside}\\,${foreground}\\,${background})':cb=128:cr=128`;
}

/**
 * A camera panning at constant speed over a Game of Life board twice the frame's size: the whole
 * frame moves (camera motion, not an object), in `direction`; the board's seed and density vary.
 */
function panningLifeGraph(spec: SynthSpec, rate: string, seed: number, random: () => number): string {
  const { width, height, seconds } = spec;
  const steps = DIRECTION_STEPS[spec.direction ?? 'right'];
  const ratio = (0.1 + 0.2 * random()).toFixed(3);
  // Travel along each moving axis: the board's spare room (one frame side), start and end by direction.
  const position = ([width, height] as const).map((room, axis) => {
    const step = steps[axis] as number;
    if (step === 0) return String(between(random, 0, room));
    return step > 0 ? `${room}*t/${seconds}` : `${room}*(1-t/${seconds})`;
  });
  const board = `life=s=${2 * width}x${2 * height}:r=${rate}:seed=${seed}:ratio=${ratio}:mold=10:life_color=white:death_color=0x303030`;
  return `${board},crop=${width}:${height}:x='${position[0]}':y='${position[1]}'`;
}

/**
 * A light bar through a seeded centre spinning clockwise (reverse: counter-clockwise) by a seeded
 * half to one and a half turns from a seeded angle, steadily or in one burst (timing): rotation,
 * which no translation-only pattern shows.
 */
function spinningBarGraph(spec: SynthSpec, size: string, rate: string, random: () => number): string {
  const { width, height, seconds } = spec;
  const cx = between(random, width * 0.4, width * 0.6);
  const cy = between(random, height * 0.4, height * 0.6);
  const radius = Math.round(Math.min(width, height) * (0.3 + 0.1 * random()));
  const thickness = 1 + Math.round(2 * random());
  // Screen y grows downwards, so a growing angle turns clockwise.
  const start = (Math.PI * random()).toFixed(3);
  const turn = (Math.PI * (1 + 2 * random())).toFixed(3);
  const angle = `(${start}+${turn}*${progressExpression(spec, random, 'T')})`;
  const [foreground, background] = [between(random, 170, 235), between(random, 10, 60)];
  const inside = `lte(abs((X-${cx})*sin(${angle})-(Y-${cy})*cos(${angle})),${thickness})*lte(hypot(X-${cx},Y-${cy}),${radius})`;
  const escaped = inside.replaceAll(',', '\\,');
  return `color=c=black:s=${size}:r=${rate}:d=${seconds},format=yuv444p,geq=lum='if(${escaped}\\,${foreground}\\,${background})':cb=128:cr=128`;
}

/** Where a textured disc is, how far it has turned and how large it is at geq's time T. */
interface DiscPose {
  cx: string;
  cy: string;
  angle: string;
  scale: string;
}

/**
 * The disc's pose over the clip for its kind of motion. Only the kind is systematic: the direction of
 * a slide, the sense of a spin, growing or shrinking, the axis of a swing, and the disc's place,
 * angle and size vary with the seed, so clips of one kind share no direction.
 */
function discPose(spec: SynthSpec, random: () => number): DiscPose {
  const { width, height, seconds } = spec;
  const side = Math.min(width, height);
  const progress = `(T/${seconds})`;
  const heading = 2 * Math.PI * random();
  const [dx, dy] = [Math.cos(heading), Math.sin(heading)];
  const centre = [between(random, width * 0.4, width * 0.6), between(random, height * 0.4, height * 0.6)] as const;
  const still: DiscPose = { cx: String(centre[0]), cy: String(centre[1]), angle: (2 * Math.PI * random()).toFixed(3), scale: '1' };
  switch (spec.motion ?? 'slide') {
    case 'slide': {
      const travel = side * (0.35 + 0.15 * random());
      const along = `(${progress}-0.5)*${travel.toFixed(2)}`;
      return { ...still, cx: `(${centre[0]}+${dx.toFixed(3)}*${along})`, cy: `(${centre[1]}+${dy.toFixed(3)}*${along})` };
    }
    case 'spin': {
      const turn = Math.PI * (1 + 2 * random()) * (random() < 0.5 ? 1 : -1);
      return { ...still, angle: `(${still.angle}+${turn.toFixed(3)}*${progress})` };
    }
    case 'scale': {
      const [small, large] = [0.45 + 0.1 * random(), 1.1 + 0.15 * random()];
      const [from, to] = random() < 0.5 ? [small, large] : [large, small];
      return { ...still, scale: `(${from.toFixed(3)}+${(to - from).toFixed(3)}*${progress})` };
    }
    case 'swing': {
      const reach = side * (0.12 + 0.08 * random());
      const periods = 2 + Math.round(random());
      const phase = (2 * Math.PI * random()).toFixed(3);
      const offset = `${reach.toFixed(2)}*sin(${(2 * Math.PI * periods).toFixed(3)}*${progress}+${phase})`;
      return { ...still, cx: `(${centre[0]}+${dx.toFixed(3)}*${offset})`, cy: `(${centre[1]}+${dy.toFixed(3)}*${offset})` };
    }
  }
}

/**
 * A checkered disc on a plain background, moving by one kind of motion (spec.motion): the checks
 * turn and scale with the disc, so spinning and growing show inside it, not only at its rim.
 */
function texturedDiscGraph(spec: SynthSpec, size: string, rate: string, random: () => number): string {
  const { width, height, seconds } = spec;
  const radius = Math.round(Math.min(width, height) * (0.18 + 0.07 * random()));
  const cell = 3 + Math.round(4 * random());
  const [light, dark, background] = [between(random, 180, 240), between(random, 70, 120), between(random, 10, 50)];
  const { cx, cy, angle, scale } = discPose(spec, random);
  const [x, y] = [`(X-${cx})`, `(Y-${cy})`];
  const u = `(${x}*cos(${angle})+${y}*sin(${angle}))/${scale}`;
  const v = `(${y}*cos(${angle})-${x}*sin(${angle}))/${scale}`;
  const inside = `lte(hypot(${x},${y}),${radius}*${scale})`;
  const checker = `mod(floor(${u}/${cell})+floor(${v}/${cell}),2)`;
  const lum = `if(${inside},if(${checker},${light},${dark}),${background})`.replaceAll(',', '\\,');
  return `color=c=black:s=${size}:r=${rate}:d=${seconds},format=yuv444p,geq=lum='${lum}':cb=128:cr=128`;
}

/** The pattern's graph, then the time effects: reversed (of exactly the clip's frames) and faded. */
export function lavfiGraph(spec: SynthSpec): string {
  const frames = Math.max(1, Math.round(spec.seconds * spec.fps));
  // Over 1.5× the clip, so a fade never reaches full black inside it.
  const fadeLength = (spec.seconds * 1.5).toFixed(3);
  return [
    patternGraph(spec),
    ...(spec.reverse ? [`trim=end_frame=${frames}`, 'reverse'] : []),
    ...(spec.fade ? [`fade=t=${spec.fade}:st=0:d=${fadeLength}`] : []),
  ].join(',');
}

function patternGraph(spec: SynthSpec): string {
  const seed = (spec.seed ?? 0) >>> 0;
  const random = seededRandom(seed);
  const size = `${spec.width}x${spec.height}`;
  const rate = frameRateArg(spec.fps);
  switch (spec.pattern) {
    case 'testsrc':
      return `testsrc2=s=${size}:r=${rate},hue=h=${between(random, 0, 359)}`;
    case 'mandelbrot': {
      // Zooms towards the default point of interest, from a seeded scale and offset.
      const startScale = (1.5 + 2 * random()).toFixed(3);
      const startX = (-0.743643887 + 0.01 * (random() - 0.5)).toFixed(9);
      return `mandelbrot=s=${size}:r=${rate}:maxiter=256:start_x=${startX}:start_scale=${startScale}:end_scale=0.3`;
    }
    case 'life': {
      const ratio = (0.1 + 0.2 * random()).toFixed(3);
      return `life=s=${size}:r=${rate}:seed=${seed}:ratio=${ratio}:mold=10:life_color=white:death_color=0x303030`;
    }
    case 'moving-box':
      return movingBoxGraph(spec, size, rate, random);
    case 'growing-box':
      return growingBoxGraph(spec, size, rate, random);
    case 'panning-life':
      return panningLifeGraph(spec, rate, seed, random);
    case 'spinning-bar':
      return spinningBarGraph(spec, size, rate, random);
    case 'textured-disc':
      return texturedDiscGraph(spec, size, rate, random);
  }
}

const encoderCache = new Map<string, Promise<ReadonlySet<string>>>();

/** Names of the video encoders an ffmpeg binary has; asked once per binary and cached. */
export function videoEncoders(ffmpeg: string): Promise<ReadonlySet<string>> {
  let encoders = encoderCache.get(ffmpeg);
  if (!encoders) {
    encoders = runTool(ffmpeg, ['-hide_banner', '-encoders'], { timeoutMs: 10_000 }).then((result) => {
      const listing = result.stdout.toString('utf8');
      return new Set([...listing.matchAll(/^ V\S*\s+(\S+)/gm)].map((match) => match[1] ?? ''));
    });
    encoders.catch(() => encoderCache.delete(ffmpeg));
    encoderCache.set(ffmpeg, encoders);
  }
  return encoders;
}

async function chooseCodec(tools: MediaTools, requested: SynthCodec | undefined): Promise<SynthCodec> {
  const hasX264 = (await videoEncoders(tools.ffmpeg)).has('libx264');
  if (requested === 'h264' && !hasX264) {
    const message = `This ffmpeg (${tools.ffmpeg}) has no H.264 encoder (libx264); use codec "mpeg4".`;
    throw new ApiError('UNSUPPORTED', message);
  }
  return requested ?? (hasX264 ? 'h264' : 'mpeg4');
}

const CODEC_ARGS: Record<SynthCodec, string[]> = {
  h264: ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '20'],
  mpeg4: ['-c:v', 'mpeg4', '-q:v', '5'],
};

function containerFor(outPath: string): string {
  const container = CONTAINERS[path.extname(outPath).toLowerCase()];
  if (!container) {
    const extensions = Object.keys(CONTAINERS).join(', ');
    throw new ApiError('INVALID_INPUT', `Cannot write ${outPath}: the file name must end in ${extensions}`);
  }
  return container;
}

/** Writes the video atomically to `outPath` (container from its extension); no audio track. */
export async function synthesizeVideo(
  tools: MediaTools,
  outPath: string,
  spec: SynthSpec,
  options: SynthOptions = {},
): Promise<void> {
  validateSpec(spec);
  const container = containerFor(outPath);
  const codec = await chooseCodec(tools, spec.codec);
  const frames = Math.max(1, Math.round(spec.seconds * spec.fps));
  const faststart = options.faststart !== false && (container === 'mp4' || container === 'mov');
  await writeAtomically(outPath, async (tempPath) => {
    const args = [
      '-nostdin', '-v', 'error', '-y',
      '-f', 'lavfi', '-i', lavfiGraph(spec),
      '-frames:v', String(frames), '-an', '-pix_fmt', 'yuv420p', ...CODEC_ARGS[codec],
      // bitexact leaves the encoder's version out, so one seed gives the same bytes on every run.
      '-fflags', '+bitexact', '-flags:v', '+bitexact',
      ...(faststart ? ['-movflags', '+faststart'] : []),
      '-f', container, fileArg(tempPath),
    ];
    const result = await runTool(tools.ffmpeg, args, { signal: options.signal, timeoutMs: SYNTH_TIMEOUT_MS });
    if (result.code !== 0) {
      const line = firstMeaningfulLine(result.stderr, fileArg(tempPath)) ?? `exit code ${result.code}`;
      throw new Error(`ffmpeg could not generate the ${spec.pattern} video: ${line}`);
    }
  });
}
