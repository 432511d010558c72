/**
 * Everything the importer needs to accept a video, in three tool runs: ffprobe for the facts, one
 * decode near the end (catches truncated files whose header still looks fine, and AVI headers that
 * overstate the length), one decode for the thumbnail.
 */
import { writeFile } from 'node:fs/promises';
import { writeAtomically } from './atomic.ts';
import { MediaError } from './errors.ts';
import { fileArg } from './input.ts';
import { firstMeaningfulLine, isCompleteAvi, probeVideo, type VideoProbe } from './probe.ts';
import { isAbortError } from '../util/abort.ts';
import { runTool, type RunResult } from './run.ts';
import type { MediaTools } from './tools.ts';

export interface InspectOptions {
  /** Where the JPEG thumbnail goes; parent folders are created. */
  thumbnailPath: string;
  signal?: AbortSignal;
  thumbnailWidth?: number;
}

export const DEFAULT_THUMBNAIL_WIDTH = 320;
/** How far before the end the tail decode looks: late enough to catch cut-off files, early enough
 * to land on a frame even when the container's duration overstates the video a little. */
const END_CHECK_MARGIN_S = 0.5;
const THUMBNAIL_AT_FRACTION = 0.1;
const THUMBNAIL_AT_MOST_S = 3;
/** Decoding one frame is quick, but a long GOP at 4K on a slow disk can take a while. */
const DECODE_TIMEOUT_MS = 60_000;
const DIAGNOSE_TIMEOUT_MS = 30_000;
/** A JPEG thumbnail or an 8×8 grey frame: far below this. */
const MAX_FRAME_BYTES = 32 * 1024 * 1024;

/**
 * When the last frame starts: a seek decodes the first frame at or after its time, so a seek past
 * this finds nothing even in a sound file (a 1-frame clip, or 0.1 fps where frames are 10 s long).
 * Half a frame of slack absorbs rounding in the container's timestamps.
 */
function lastFrameStart(durationS: number, fps: number): number {
  return Math.max(0, durationS - 1.5 / fps);
}

export function endCheckTime(durationS: number, fps: number): number {
  return Math.max(0, Math.min(durationS - END_CHECK_MARGIN_S, lastFrameStart(durationS, fps)));
}

export function thumbnailTime(durationS: number, fps: number): number {
  return Math.min(durationS * THUMBNAIL_AT_FRACTION, THUMBNAIL_AT_MOST_S, lastFrameStart(durationS, fps));
}

/** Decodes the first frame at or after `atS` of the main video stream into `output`. */
function decodeOneFrame(
  tools: MediaTools,
  filePath: string,
  atS: number,
  output: string[],
  signal: AbortSignal | undefined,
): Promise<RunResult> {
  const args = [
    '-nostdin', '-v', 'error',
    // Before `-i`, -ss seeks to the keyframe before atS, then decodes up to atS: fast and exact.
    '-ss', atS.toFixed(3), '-i', fileArg(filePath),
    // `V` skips cover-art pictures, which ffmpeg also lists as video streams.
    '-map', '0:V:0', '-frames:v', '1',
    ...output,
  ];
  return runTool(tools.ffmpeg, args, { signal, timeoutMs: DECODE_TIMEOUT_MS, maxStdoutBytes: MAX_FRAME_BYTES });
}

function decodeFailure(result: RunResult, filePath: string): MediaError {
  const line = firstMeaningfulLine(result.stderr, fileArg(filePath));
  return new MediaError(`corrupt or unsupported: ${line ?? `ffmpeg exited with code ${result.code}`}`, { filePath });
}

interface ReadablePackets {
  /** Where the last packet ends (pts + duration). */
  endS: number;
  count: number;
}

/**
 * How far the video stream's packets can actually be read: lists packet times until the demuxer
 * hits the end of the data. Only run for files that already failed, so reading them whole is fine.
 */
async function readablePackets(
  tools: MediaTools,
  filePath: string,
  signal: AbortSignal | undefined,
): Promise<ReadablePackets | null> {
  const args = [
    '-v', 'error', '-select_streams', 'V:0',
    '-show_entries', 'packet=pts_time,duration_time', '-of', 'csv=p=0',
    fileArg(filePath),
  ];
  try {
    const result = await runTool(tools.ffprobe, args, { signal, timeoutMs: DIAGNOSE_TIMEOUT_MS });
    const csv = result.stdout.toString('utf8');
    const endS = latestPacketEnd(csv);
    // Packets without a time (N/A) count too: packed B-frames in AVI have none.
    return endS === null ? null : { endS, count: csv.split(/\r?\n/).filter((line) => line.trim() !== '').length };
  } catch (error) {
    if (isAbortError(error)) throw error;
    return null;
  }
}

/** Max of pts + duration over "pts_time,duration_time" lines (decode order is not time order). */
export function latestPacketEnd(csv: string): number | null {
  let latest: number | null = null;
  for (const line of csv.split(/\r?\n/)) {
    const [ptsText = '', durationText = ''] = line.split(',');
    const pts = ptsText.trim() === '' ? NaN : Number(ptsText);
    if (!Number.isFinite(pts)) continue;
    const duration = Number(durationText);
    const end = pts + (Number.isFinite(duration) ? duration : 0);
    latest = latest === null ? end : Math.max(latest, end);
  }
  return latest;
}

function truncationReason(readableS: number | null, checkedAtS: number): string {
  if (readableS !== null && readableS < checkedAtS) {
    return `truncated: frames after ${readableS.toFixed(1)} s cannot be decoded`;
  }
  return `truncated or corrupt: frames near the end (${checkedAtS.toFixed(1)} s) cannot be decoded`;
}

/** An 8×8 grey frame is enough to prove decoding worked and keeps the pipe tiny. */
const PROOF_FRAME_OUTPUT = ['-vf', 'scale=8:8', '-pix_fmt', 'gray', '-f', 'rawvideo', 'pipe:1'];

/**
 * Proves the video decodes near its end and returns its facts, with the length corrected where the
 * container overstates it: a complete AVI whose header counts far more frames than it holds (its
 * frames have no timestamps of their own, so the readable packets are the truth).
 */
async function decodedUntilEnd(
  tools: MediaTools,
  filePath: string,
  probe: VideoProbe,
  signal: AbortSignal | undefined,
): Promise<VideoProbe> {
  const atS = endCheckTime(probe.durationS, probe.fps);
  const result = await decodeOneFrame(tools, filePath, atS, PROOF_FRAME_OUTPUT, signal);
  if (result.stdout.length > 0) return probe;
  if (result.code !== 0) throw decodeFailure(result, filePath);
  const readable = await readablePackets(tools, filePath, signal);
  if (readable && readable.endS < atS && probe.container === 'avi' && (await isCompleteAvi(filePath))) {
    // One frame per packet at the header's rate: AVI frames have no times of their own.
    const durationS = Math.max(readable.endS, readable.count / probe.fps);
    const corrected = { ...probe, durationS, frameCount: readable.count, frameCountExact: true };
    const atEnd = endCheckTime(corrected.durationS, corrected.fps);
    const again = await decodeOneFrame(tools, filePath, atEnd, PROOF_FRAME_OUTPUT, signal);
    if (again.stdout.length > 0) return corrected;
  }
  throw new MediaError(truncationReason(readable?.endS ?? null, atS), { filePath });
}

const isJpeg = (bytes: Buffer): boolean => bytes.length > 2 && bytes[0] === 0xff && bytes[1] === 0xd8;

/**
 * A JPEG of the first frame at or after `atS`, scaled to `width` pixels. MediaError when no frame
 * decodes there.
 */
export async function renderStill(
  tools: MediaTools,
  filePath: string,
  atS: number,
  width: number,
  signal?: AbortSignal,
): Promise<Buffer> {
  // The JPEG comes back on stdout, so no file name reaches ffmpeg's image muxer (which would treat
  // "%d" as a pattern) and the atomic write stays ours. `-2` keeps the aspect with an even height.
  const output = [
    '-vf', `scale=${width}:-2`, '-pix_fmt', 'yuvj420p', '-q:v', '4',
    '-f', 'image2pipe', '-c:v', 'mjpeg', 'pipe:1',
  ];
  const result = await decodeOneFrame(tools, filePath, atS, output, signal);
  if (isJpeg(result.stdout)) return result.stdout;
  if (result.code !== 0) throw decodeFailure(result, filePath);
  throw new MediaError(`corrupt or unsupported: no frame could be decoded at ${atS.toFixed(3)} s`, { filePath });
}

/**
 * Probes a video, proves it decodes to near its end and writes its thumbnail. Throws MediaError for
 * anything wrong with the video, AbortError when cancelled, and plain I/O errors when the thumbnail
 * cannot be written (a library problem, not the video's).
 */
export async function inspectVideo(
  tools: MediaTools,
  filePath: string,
  options: InspectOptions,
): Promise<VideoProbe> {
  const { signal, thumbnailPath, thumbnailWidth = DEFAULT_THUMBNAIL_WIDTH } = options;
  const probe = await decodedUntilEnd(tools, filePath, await probeVideo(tools, filePath, { signal }), signal);
  const jpeg = await renderStill(tools, filePath, thumbnailTime(probe.durationS, probe.fps), thumbnailWidth, signal);
  await writeAtomically(thumbnailPath, (tempPath) => writeFile(tempPath, jpeg));
  return probe;
}
