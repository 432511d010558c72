/**
 * Reads a video's basic facts with ffprobe and turns every way a file can fail to be a video into a
 * MediaError with a reason the library can store and show.
 */
import { open, stat } from 'node:fs/promises';
import { MediaError, mediaErrorFromFs } from './errors.ts';
import { fileArg } from './input.ts';
import { runTool } from './run.ts';
import type { MediaTools } from './tools.ts';

export interface VideoProbe {
  durationS: number;
  fps: number;
  /** From the container's frame count when it has one, else estimated from duration × fps. */
  frameCount: number;
  frameCountExact: boolean;
  /** Display size: already swapped for videos rotated by 90° or 270°. */
  width: number;
  height: number;
  /** ffprobe's codec name, e.g. "h264", "mpeg4". */
  codec: string;
  /** Short container name, e.g. "mp4", "mov", "avi", "matroska". */
  container: string;
}

export interface ProbeOptions {
  signal?: AbortSignal;
  timeoutMs?: number;
}

/** Generous: ffprobe reads only headers, but files may sit on a slow network drive. */
const PROBE_TIMEOUT_MS = 60_000;
const HEADER_BYTES = 512;
const MAX_FPS = 1000;

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  nb_frames?: string;
  duration?: string;
  disposition?: { attached_pic?: number };
  tags?: Record<string, string>;
  side_data_list?: { side_data_type?: string; rotation?: number }[];
}

interface FfprobeFormat {
  format_name?: string;
  duration?: string;
  tags?: Record<string, string>;
}

export interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: FfprobeFormat;
}

interface FileHeader {
  sizeBytes: number;
  bytes: Buffer;
}

/** Size, readability and the first bytes, checked before any tool is spawned. */
async function readHeader(filePath: string): Promise<FileHeader> {
  let handle;
  try {
    // stat before open: opening a FIFO named like a video would block forever.
    const stats = await stat(filePath);
    if (!stats.isFile()) throw new MediaError('not a video: not a regular file', { filePath });
    handle = await open(filePath, 'r');
    const buffer = Buffer.alloc(Math.min(HEADER_BYTES, stats.size));
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    return { sizeBytes: stats.size, bytes: buffer.subarray(0, bytesRead) };
  } catch (error) {
    throw mediaErrorFromFs(error, filePath);
  } finally {
    await handle?.close();
  }
}

const isRiffAvi = (bytes: Buffer): boolean =>
  bytes.length >= 12 && bytes.toString('latin1', 0, 4) === 'RIFF' && bytes.toString('latin1', 8, 12) === 'AVI ';

/**
 * The frame rate in an AVI's main header (avih), a second opinion on the video stream header's rate
 * that ffmpeg uses; null for other files or a header that states none.
 */
export function aviMainHeaderFps(bytes: Buffer): number | null {
  if (!isRiffAvi(bytes)) return null;
  const at = bytes.indexOf('avih', 12, 'latin1');
  if (at < 0 || at + 12 > bytes.length) return null;
  const microsecondsPerFrame = bytes.readUInt32LE(at + 8);
  return microsecondsPerFrame > 0 ? 1e6 / microsecondsPerFrame : null;
}

/**
 * Whether an AVI file holds all the bytes its RIFF header announces: a cut-off copy does not, while a
 * file whose header only miscounts its frames does. (OpenDML files continue past the first RIFF.)
 * Null for files that are not AVI or cannot be read.
 */
export async function isCompleteAvi(filePath: string): Promise<boolean | null> {
  let handle;
  try {
    handle = await open(filePath, 'r');
    const bytes = Buffer.alloc(12);
    const { bytesRead } = await handle.read(bytes, 0, 12, 0);
    if (!isRiffAvi(bytes.subarray(0, bytesRead))) return null;
    return (await handle.stat()).size >= bytes.readUInt32LE(4) + 8;
  } catch {
    return null;
  } finally {
    await handle?.close();
  }
}

/** Video containers always hold control bytes early on; text does not. */
export function looksLikeText(bytes: Buffer): boolean {
  if (bytes.length === 0) return false;
  const isTextByte = (byte: number): boolean =>
    byte === 0x09 || byte === 0x0a || byte === 0x0c || byte === 0x0d || (byte >= 0x20 && byte !== 0x7f);
  return bytes.every(isTextByte);
}

const ISO_MEDIA_BOXES = new Set(['ftyp', 'moov', 'mdat', 'free', 'skip', 'wide', 'pnot', 'uuid', 'styp', 'moof']);

/** MP4/MOV files are a sequence of boxes: 4 size bytes, then a 4-letter type. */
function looksLikeIsoMedia(bytes: Buffer): boolean {
  return bytes.length >= 8 && ISO_MEDIA_BOXES.has(bytes.toString('latin1', 4, 8));
}

/**
 * Common files that are surely not videos, by their first bytes. ffprobe guesses from weak patterns
 * when nothing matches well (an old build read a program as MPEG audio), and a PDF's first bytes are
 * mostly text: both gave the wrong reason.
 */
const NON_VIDEO_SIGNATURES: readonly { bytes: readonly number[]; what: string }[] = [
  { bytes: [0x7f, 0x45, 0x4c, 0x46], what: 'a program (ELF executable or library)' },
  { bytes: [0x4d, 0x5a], what: 'a Windows program (EXE or DLL)' },
  { bytes: [0xcf, 0xfa, 0xed, 0xfe], what: 'a macOS program (Mach-O)' },
  { bytes: [0xca, 0xfe, 0xba, 0xbe], what: 'a macOS program (Mach-O) or Java class' },
  { bytes: [0x25, 0x50, 0x44, 0x46, 0x2d], what: 'a PDF document' },
  { bytes: [0x50, 0x4b, 0x03, 0x04], what: 'a ZIP archive (or an Office document)' },
  { bytes: [0x1f, 0x8b], what: 'a gzip archive' },
  { bytes: [0x37, 0x7a, 0xbc, 0xaf, 0x27, 0x1c], what: 'a 7-Zip archive' },
  { bytes: [0x52, 0x61, 0x72, 0x21, 0x1a, 0x07], what: 'a RAR archive' },
];

/** What a file surely is when its first bytes name a common non-video format, else null. */
export function knownNonVideo(bytes: Buffer): string | null {
  const matches = (signature: readonly number[]): boolean =>
    bytes.length >= signature.length && signature.every((byte, index) => bytes[index] === byte);
  return NON_VIDEO_SIGNATURES.find((signature) => matches(signature.bytes))?.what ?? null;
}

/**
 * Rejected before ffprobe sees them: besides being clearer, this keeps playlists and concat
 * scripts (text) renamed as videos from making ffprobe open other files.
 */
function assertPlausibleVideo(header: FileHeader, filePath: string): void {
  if (header.sizeBytes === 0) throw new MediaError('empty file (0 bytes)', { filePath });
  const nonVideo = knownNonVideo(header.bytes);
  if (nonVideo) throw new MediaError(`not a video: it is ${nonVideo}`, { filePath });
  if (looksLikeText(header.bytes)) throw new MediaError('not a video: it is a text file', { filePath });
}

/** The first stderr line with content, without ffmpeg's "[demuxer @ 0x…]" and "file:…:" prefixes. */
export function firstMeaningfulLine(stderr: string, inputArg: string): string | null {
  for (const rawLine of stderr.split(/\r?\n/)) {
    let line = rawLine.replace(/^\[[^\]]*@ 0x[0-9a-f]+\]\s*/i, '').trim();
    if (line.startsWith(`${inputArg}:`)) line = line.slice(inputArg.length + 1).trim();
    if (line) return line;
  }
  return null;
}

function probeFailureReason(stderr: string, code: number, header: FileHeader, inputArg: string): string {
  const line = firstMeaningfulLine(stderr, inputArg);
  // ffprobe guesses MP4 from the extension, so "moov atom not found" also comes for random bytes.
  if (line?.includes('moov atom not found')) {
    return looksLikeIsoMedia(header.bytes)
      ? 'truncated: MP4 index (moov atom) missing, the file was probably cut off while being written or copied'
      : 'corrupt or unsupported: not a recognisable video file (moov atom not found)';
  }
  return `corrupt or unsupported: ${line ?? `ffprobe exited with code ${code}`}`;
}

function parseProbeJson(stdout: Buffer, filePath: string): FfprobeOutput {
  try {
    return JSON.parse(stdout.toString('utf8')) as FfprobeOutput;
  } catch {
    throw new MediaError('corrupt or unsupported: ffprobe gave unreadable output', { filePath });
  }
}

export async function probeVideo(
  tools: MediaTools,
  filePath: string,
  options: ProbeOptions = {},
): Promise<VideoProbe> {
  const header = await readHeader(filePath);
  assertPlausibleVideo(header, filePath);
  const inputArg = fileArg(filePath);
  const result = await runTool(
    tools.ffprobe,
    ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', inputArg],
    {
      signal: options.signal,
      timeoutMs: options.timeoutMs ?? PROBE_TIMEOUT_MS,
      maxStdoutBytes: 16 * 1024 * 1024,
    },
  );
  if (result.code !== 0) {
    throw new MediaError(probeFailureReason(result.stderr, result.code, header, inputArg), { filePath });
  }
  return videoProbeFromFfprobe(parseProbeJson(result.stdout, filePath), filePath, aviMainHeaderFps(header.bytes));
}

/** "30000/1001" → 29.97; null for "0/0" and nonsense rates. */
export function parseFrameRate(rate: string | undefined): number | null {
  const match = /^(\d+(?:\.\d+)?)(?:\/(\d+(?:\.\d+)?))?$/.exec(rate?.trim() ?? '');
  if (!match) return null;
  const value = Number(match[1]) / Number(match[2] ?? 1);
  return Number.isFinite(value) && value > 0 && value <= MAX_FPS ? value : null;
}

function positiveNumber(value: string | undefined): number | null {
  const parsed = Number(value);
  return value !== undefined && Number.isFinite(parsed) && parsed > 0 ? parsed : null;
}

/** Matroska keeps per-stream durations only as a "HH:MM:SS.fraction" tag. */
function parseClockDuration(value: string | undefined): number | null {
  const match = /^(\d+):(\d{2}):(\d{2}(?:\.\d+)?)$/.exec(value?.trim() ?? '');
  if (!match) return null;
  return positiveNumber(String(Number(match[1]) * 3600 + Number(match[2]) * 60 + Number(match[3])));
}

/** The video stream's own duration first: the container's may include a longer audio track. */
function streamDuration(stream: FfprobeStream, format: FfprobeFormat): number | null {
  return (
    positiveNumber(stream.duration) ??
    parseClockDuration(stream.tags?.DURATION) ??
    positiveNumber(format.duration)
  );
}

function rotationDegrees(stream: FfprobeStream): number {
  const fromTag = Number(stream.tags?.rotate);
  const fromMatrix = stream.side_data_list?.find((data) => typeof data.rotation === 'number')?.rotation;
  const degrees = Number.isFinite(fromTag) && stream.tags?.rotate !== undefined ? fromTag : (fromMatrix ?? 0);
  return ((Math.round(degrees) % 360) + 360) % 360;
}

function containerName(format: FfprobeFormat): string {
  const formatName = format.format_name ?? 'unknown';
  // ffprobe names the whole ISO family "mov,mp4,m4a,…"; the brand tells a QuickTime file from an MP4.
  if (formatName.startsWith('mov,')) return format.tags?.major_brand?.trim() === 'qt' ? 'mov' : 'mp4';
  return formatName.split(',')[0] ?? formatName;
}

/** Image demuxers (png_pipe, jpeg_pipe, image2) read single pictures, not videos. */
function isImageFormat(formatName: string): boolean {
  return /(^|,)(image2|[a-z0-9]+_pipe)(,|$)/.test(formatName);
}

const isAttachedPicture = (stream: FfprobeStream): boolean => stream.disposition?.attached_pic === 1;

function noVideoReason(streams: FfprobeStream[]): string {
  const hasAudio = streams.some((stream) => stream.codec_type === 'audio');
  if (hasAudio) return 'not a video: audio only, no video stream';
  if (streams.some(isAttachedPicture)) return 'not a video: only a cover picture, no video stream';
  return 'not a video: no video stream';
}

/**
 * An AVI header states its frame count up front, while ffprobe takes the duration from the data
 * present when the index at the end is gone: far fewer seconds than promised frames means the
 * file was cut off. (MP4 edit lists make the same comparison unreliable there.)
 */
function assertAviComplete(promisedS: number, durationS: number, filePath: string | undefined): void {
  if (promisedS > durationS + Math.max(1, 0.1 * durationS)) {
    const promised = `the header promises ${promisedS.toFixed(1)} s`;
    unusable(`truncated: frames after ${durationS.toFixed(1)} s are missing (${promised})`, filePath);
  }
}

/**
 * An AVI's frames carry no timestamps: their times come from the stream header's rate alone. When
 * the main header's rate and the audio agree on a length far from the one that rate gives, the
 * stream header is corrupt, and every decode would stretch or squeeze the video to match it.
 */
function assertAviRateConsistent(
  fps: number,
  frames: number,
  mainHeaderFps: number | null,
  streams: FfprobeStream[],
  filePath: string | undefined,
): void {
  if (mainHeaderFps === null || Math.max(fps / mainHeaderFps, mainHeaderFps / fps) <= 2) return;
  const lengthByMainHeader = frames / mainHeaderFps;
  const near = (seconds: number): boolean =>
    Math.abs(seconds - lengthByMainHeader) <= Math.max(0.5, 0.1 * lengthByMainHeader);
  const audio = streams.filter((stream) => stream.codec_type === 'audio').map((stream) => positiveNumber(stream.duration));
  const witness = audio.find((seconds): seconds is number => seconds !== null && near(seconds));
  if (witness === undefined) return;
  unusable(
    `corrupt: the AVI stream header gives ${fps.toPrecision(3)} fps (${(frames / fps).toFixed(1)} s), while its main ` +
      `header (${mainHeaderFps.toPrecision(3)} fps) and the audio agree on ${witness.toFixed(1)} s; ` +
      're-mux it at the right frame rate to import it',
    filePath,
  );
}

function unusable(reason: string, filePath: string | undefined): never {
  throw new MediaError(reason, { filePath });
}

/**
 * Pure interpretation of ffprobe's JSON (and, for AVI, the main header's frame rate); throws
 * MediaError when it does not describe a usable video.
 */
export function videoProbeFromFfprobe(
  output: FfprobeOutput,
  filePath?: string,
  aviMainFps: number | null = null,
): VideoProbe {
  const streams = output.streams ?? [];
  const format = output.format ?? {};
  const formatName = format.format_name ?? '';
  if (isImageFormat(formatName)) {
    unusable(`not a video: a single image (${formatName.replace(/_pipe$/, '')})`, filePath);
  }
  const video = streams.find((stream) => stream.codec_type === 'video' && !isAttachedPicture(stream));
  if (!video) unusable(noVideoReason(streams), filePath);
  const { codec_name: codec, width, height } = video;
  if (!codec) unusable('corrupt or unsupported: unknown video codec', filePath);
  if (!width || !height) unusable('corrupt or unsupported: the video stream has no frame size', filePath);

  const durationS =
    streamDuration(video, format) ?? unusable('corrupt or unsupported: unknown duration', filePath);
  const exactFrames = positiveNumber(video.nb_frames);
  const fps =
    parseFrameRate(video.avg_frame_rate) ??
    parseFrameRate(video.r_frame_rate) ??
    (exactFrames ? exactFrames / durationS : unusable('corrupt or unsupported: unknown frame rate', filePath));
  const container = containerName(format);
  if (container === 'avi' && exactFrames) assertAviComplete(exactFrames / fps, durationS, filePath);
  if (container === 'avi') assertAviRateConsistent(fps, exactFrames ?? durationS * fps, aviMainFps, streams, filePath);
  const quarterTurn = rotationDegrees(video) % 180 === 90;
  return {
    durationS,
    fps,
    frameCount: exactFrames ? Math.round(exactFrames) : Math.max(1, Math.round(durationS * fps)),
    frameCountExact: exactFrames !== null,
    width: quarterTurn ? height : width,
    height: quarterTurn ? width : height,
    codec,
    container,
  };
}
