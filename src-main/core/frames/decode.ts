/**
 * Decodes the main video stream of a file into raw frames of one exact size and rate on ffmpeg's
 * stdout (`-f rawvideo pipe:1`). Stdout is either a file ffmpeg writes itself (the frame cache: no
 * frame byte passes through Node, which keeps the event loop free for training) or a pipe whose chunks
 * a consumer streams (motion scores read grey frames). Nothing holds the whole video in memory.
 *
 * Policy for videos that break part way (the file changed after import, or a disk went bad): the
 * decode fails as a whole with a MediaError naming the frame it stopped at; the readable frames are
 * not used. A shorter grid would silently disagree with the motion scores and frame counts that the
 * samplers were given, and the user is better served by "re-import this file" than by a quietly
 * shrunken video. Damage that does not shorten the video (a concealed macroblock error) is accepted,
 * as a player would.
 */
import { spawn } from 'node:child_process';
import type { FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import { MediaError } from '../media/errors.ts';
import { fileArg } from '../media/input.ts';
import { endCheckTime } from '../media/inspect.ts';
import { firstMeaningfulLine, probeVideo } from '../media/probe.ts';
import { abortError, throwIfAborted } from '../util/abort.ts';
import { frameRateArg } from '../media/synthesize.ts';
import type { MediaTools } from '../media/tools.ts';

/** Frames per second of the decoded grid, or every frame of the file as it is. */
export type FrameRate = number | 'native';
export type PixelFormat = 'rgb24' | 'gray';

const BYTES_PER_PIXEL: Readonly<Record<PixelFormat, number>> = { rgb24: 3, gray: 1 };

export interface RawDecodeSpec {
  width: number;
  height: number;
  fps: FrameRate;
  pixelFormat: PixelFormat;
}

export interface RawDecodeResult {
  /** Frames actually decoded (not the container's estimate). */
  frameCount: number;
  /** The requested rate, or the file's own rate for 'native'. */
  fps: number;
}

/** What a decode is checked against: the library's import probe, or a probe at decode time. */
export interface StreamFacts {
  durationS: number;
  /** The file's own rate, used for 'native' grids. */
  fps: number;
}

/** Takes every stdout chunk in order and resolves once it has used them all. */
export type ChunkConsumer = (chunks: AsyncIterable<Buffer>) => Promise<void>;

/** Where the frames go: an empty file opened for writing, or a consumer of the stdout pipe. */
export type FrameSink = { file: FileHandle } | { consume: ChunkConsumer };

const MAX_SIDE = 8192;
const MAX_FPS = 240;
const STDERR_TAIL_CHARS = 4096;

export function validateRawSpec(spec: Omit<RawDecodeSpec, 'pixelFormat'>): void {
  const sideOk = (side: number) => Number.isInteger(side) && side >= 1 && side <= MAX_SIDE;
  if (!sideOk(spec.width) || !sideOk(spec.height)) {
    throw new RangeError(`a frame size must be whole numbers from 1 to ${MAX_SIDE}, got ${spec.width}×${spec.height}`);
  }
  if (spec.fps !== 'native' && !(spec.fps > 0 && spec.fps <= MAX_FPS)) {
    throw new RangeError(`fps must be 'native' or in (0, ${MAX_FPS}], got ${spec.fps}`);
  }
}

export function frameBytesOf(spec: RawDecodeSpec): number {
  return spec.width * spec.height * BYTES_PER_PIXEL[spec.pixelFormat];
}

/**
 * ffmpeg arguments. The fps filter resamples to a constant rate before scaling (cheaper, and frame n
 * is always at n / fps s, so sampler indices mean the same on every decode); `-vsync passthrough`
 * stops ffmpeg's own output sync from duplicating frames to fill a stream that starts after 0 s.
 */
export function decodeArgs(filePath: string, spec: RawDecodeSpec): string[] {
  const filters = [
    ...(spec.fps === 'native' ? [] : [`fps=fps=${frameRateArg(spec.fps)}`]),
    `scale=${spec.width}:${spec.height}:flags=bilinear`,
  ];
  return [
    '-nostdin', '-v', 'error', '-i', fileArg(filePath),
    // `V` skips cover-art pictures, which ffmpeg also lists as video streams.
    '-map', '0:V:0', '-vf', filters.join(','), '-vsync', 'passthrough',
    '-pix_fmt', spec.pixelFormat, '-f', 'rawvideo', 'pipe:1',
  ];
}

interface DecoderExit {
  bytes: number;
  code: number | null;
  stderr: string;
}

/** The chunks of a stream, counted as they pass. */
function counting(stream: Readable): { chunks: AsyncIterable<Buffer>; bytes: () => number } {
  let bytes = 0;
  async function* chunks(): AsyncGenerator<Buffer> {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      bytes += chunk.length;
      yield chunk;
    }
  }
  return { chunks: chunks(), bytes: () => bytes };
}

/** Spawns ffmpeg with stdout going to `sink` and waits until the process is gone. */
async function runDecoder(ffmpeg: string, args: string[], sink: FrameSink, signal: AbortSignal): Promise<DecoderExit> {
  throwIfAborted(signal, 'ffmpeg');
  const stdout = 'file' in sink ? sink.file.fd : 'pipe';
  const child = spawn(ffmpeg, args, { shell: false, windowsHide: true, stdio: ['ignore', stdout, 'pipe'] });
  const exited = new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', (code) => resolve(code));
  });
  exited.catch(() => undefined); // awaited below; this only keeps an early spawn error from going unhandled
  const kill = (): void => void child.kill('SIGKILL');
  signal.addEventListener('abort', kill, { once: true });

  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-STDERR_TAIL_CHARS);
  });
  try {
    let pipedBytes = (): number => 0;
    if ('consume' in sink) {
      const piped = counting(child.stdout as Readable);
      pipedBytes = piped.bytes;
      await sink.consume(piped.chunks);
    }
    const code = await exited;
    throwIfAborted(signal, 'ffmpeg');
    const bytes = 'file' in sink ? (await sink.file.stat()).size : pipedBytes();
    return { bytes, code, stderr };
  } catch (error) {
    kill();
    await exited.catch(() => undefined);
    throw signal.aborted ? abortError('ffmpeg') : error;
  } finally {
    signal.removeEventListener('abort', kill);
  }
}

/** The last line ffmpeg printed, which names the error that ended the stream. */
function lastMeaningfulLine(stderr: string, filePath: string): string | null {
  return firstMeaningfulLine(stderr.split(/\r?\n/).reverse().join('\n'), fileArg(filePath));
}

/** Throws the MediaError for a decode that ended early, failed, or produced a partial frame. */
function assertComplete(exit: DecoderExit, frameBytes: number, fps: number, facts: StreamFacts, filePath: string): number {
  const frameCount = Math.floor(exit.bytes / frameBytes);
  const decodedS = frameCount / fps;
  const failed = exit.code !== 0 || exit.bytes % frameBytes !== 0 || frameCount === 0;
  if (!failed && decodedS >= endCheckTime(facts.durationS, facts.fps)) return frameCount;
  const why =
    lastMeaningfulLine(exit.stderr, filePath) ??
    (exit.code !== 0 ? `ffmpeg exited with code ${exit.code}` : 'the stream ended early');
  const reached = `${decodedS.toFixed(1)} s of ${facts.durationS.toFixed(1)} s`;
  throw new MediaError(`decode failed after ${frameCount} frames (${reached}): ${why}`, { filePath });
}

/**
 * Decodes `filePath` to raw frames of `spec` into `sink`, checked against `facts` (the native rate and
 * the duration the decode must reach). Without facts, ffprobe runs alongside the decode to find them,
 * and a video the probe rejects fails with the probe's MediaError. Rejects with an AbortError when
 * `signal` aborts; ffmpeg is killed first.
 */
export async function decodeRaw(
  tools: MediaTools,
  filePath: string,
  spec: RawDecodeSpec,
  sink: FrameSink,
  { signal, facts }: { signal?: AbortSignal; facts?: StreamFacts | undefined } = {},
): Promise<RawDecodeResult> {
  validateRawSpec(spec);
  const stopBoth = new AbortController();
  const linked = signal ? AbortSignal.any([signal, stopBoth.signal]) : stopBoth.signal;
  const probing: Promise<StreamFacts> = facts ? Promise.resolve(facts) : probeVideo(tools, filePath, { signal: linked });
  const decoding = runDecoder(tools.ffmpeg, decodeArgs(filePath, spec), sink, linked);
  try {
    const [known, exit] = await Promise.all([probing, decoding]);
    const fps = spec.fps === 'native' ? known.fps : spec.fps;
    return { frameCount: assertComplete(exit, frameBytesOf(spec), fps, known, filePath), fps };
  } catch (error) {
    // The first failure wins; the other run is stopped and awaited, so no ffmpeg outlives the call.
    stopBoth.abort();
    await Promise.allSettled([probing, decoding]);
    throw error;
  }
}

/** Regroups stdout chunks into whole frames (fresh arrays, safe to keep); a partial tail is dropped. */
export async function* splitFrames(chunks: AsyncIterable<Uint8Array>, frameBytes: number): AsyncGenerator<Uint8Array> {
  let frame = new Uint8Array(frameBytes);
  let filled = 0;
  for await (const chunk of chunks) {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(frameBytes - filled, chunk.length - offset);
      frame.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === frameBytes) {
        yield frame;
        frame = new Uint8Array(frameBytes);
        filled = 0;
      }
    }
  }
}
