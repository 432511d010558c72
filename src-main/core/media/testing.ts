/**
 * Test helpers shared by the media tests and the tests of code built on them (importer, training):
 * bad-file fixtures, the real clips in fixtures/media and the ffmpeg builds to run against.
 */
import { copyFile, mkdir, mkdtemp, open, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fileArg } from './input.ts';
import { runTool } from './run.ts';
import { synthesizeVideo } from './synthesize.ts';
import { ffmpegCandidates, ffprobeCandidates, resolveMediaTools, type MediaTools, type ToolCandidate } from './tools.ts';

export type CorruptKind =
  | 'truncated-faststart'
  | 'truncated-no-faststart'
  | 'truncated-avi'
  | 'empty'
  | 'text'
  | 'audio-only'
  | 'image'
  | 'garbage'
  | 'program'
  | 'pdf';

export interface CorruptFixture {
  kind: CorruptKind;
  path: string;
  /** What MediaError.reason must match. */
  expectedReason: RegExp;
  /** 'probe': probeVideo already rejects it; 'inspect': only the decode in inspectVideo can. */
  failsIn: 'probe' | 'inspect';
}

/** The repository root, found from this file so tests work wherever the repo is cloned. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
/** Real clips shared by the tests, read-only; kept in the repository so a clone alone passes its tests. */
export const SHARED_MEDIA_DIR = path.resolve(REPO_ROOT, 'fixtures/media');

export interface SharedClip {
  fileName: string;
  width: number;
  height: number;
  fps: number;
  durationS: number;
  codec: string;
  container: string;
  frameCount: number;
}

/** What ffprobe reports for the clips in fixtures/media (see its README for their source and license). */
export const SHARED_CLIPS: readonly SharedClip[] = [
  { fileName: 'ucf101_v_ApplyEyeMakeup_g01_c01.avi', width: 320, height: 240, fps: 25, durationS: 6.56, codec: 'mpeg4', container: 'avi', frameCount: 164 },
  { fileName: 'kinetics_demo.mp4', width: 340, height: 256, fps: 28, durationS: 10, codec: 'h264', container: 'mp4', frameCount: 280 },
  { fileName: 'test_clip.mp4', width: 340, height: 256, fps: 30, durationS: 10, codec: 'h264', container: 'mp4', frameCount: 300 },
  { fileName: 'structuralize_demo.mp4', width: 426, height: 240, fps: 30000 / 1001, durationS: 10.01, codec: 'h264', container: 'mp4', frameCount: 300 },
  { fileName: 'ava_spatiotemporal_demo.mp4', width: 340, height: 256, fps: 6, durationS: 9.5, codec: 'h264', container: 'mp4', frameCount: 57 },
  { fileName: 'short_1s.mp4', width: 340, height: 256, fps: 30, durationS: 1.0667, codec: 'h264', container: 'mp4', frameCount: 32 },
];

/** Copies the first `fraction` of a file, like a download or copy that stopped half way. */
async function writeTruncatedCopy(source: string, target: string, fraction: number): Promise<void> {
  const handle = await open(source, 'r');
  try {
    const { size } = await handle.stat();
    const head = Buffer.alloc(Math.floor(size * fraction));
    await handle.read(head, 0, head.length, 0);
    await writeFile(target, head);
  } finally {
    await handle.close();
  }
}

/** Deterministic bytes with no structure any demuxer recognises. */
function garbageBytes(length: number): Buffer {
  const bytes = Buffer.alloc(length);
  let state = 12345;
  for (let index = 0; index < length; index += 1) {
    state = (state * 1103515245 + 12345) >>> 0;
    bytes[index] = state >>> 24;
  }
  return bytes;
}

async function runFfmpegOrThrow(tools: MediaTools, args: string[]): Promise<void> {
  const result = await runTool(tools.ffmpeg, ['-nostdin', '-v', 'error', '-y', ...args], {
    timeoutMs: 60_000,
  });
  if (result.code !== 0) throw new Error(`ffmpeg failed writing a fixture: ${result.stderr.trim()}`);
}

/** Cut-off copies of complete videos; the complete ones are made in a scratch folder and removed. */
async function writeTruncatedVideos(at: (name: string) => string, tools: MediaTools): Promise<void> {
  const scratch = await mkdtemp(path.join(os.tmpdir(), 'pretext-fixtures-'));
  try {
    const whole = (name: string): string => path.join(scratch, name);
    // testsrc changes every frame, so its bytes are spread evenly and a 50 % cut loses about half the video.
    const spec = { seconds: 4, width: 320, height: 240, fps: 25, pattern: 'testsrc', codec: 'mpeg4' } as const;
    await synthesizeVideo(tools, whole('faststart.mp4'), spec, { faststart: true });
    await synthesizeVideo(tools, whole('moov-at-end.mp4'), spec, { faststart: false });
    await synthesizeVideo(tools, whole('indexed.avi'), spec);
    await writeTruncatedCopy(whole('faststart.mp4'), at('truncated-faststart.mp4'), 0.5);
    await writeTruncatedCopy(whole('moov-at-end.mp4'), at('truncated-no-faststart.mp4'), 0.5);
    await writeTruncatedCopy(whole('indexed.avi'), at('truncated.avi'), 0.5);
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** The 64-byte header of an x86-64 Linux executable; the rest of a program does not matter here. */
function elfHeader(): Buffer {
  const header = Buffer.alloc(64);
  header.write('\x7fELF', 0, 'latin1');
  header.set([2, 1, 1], 4); // 64-bit, little-endian, ELF version 1
  header.writeUInt16LE(2, 16); // an executable
  header.writeUInt16LE(0x3e, 18); // x86-64
  header.writeUInt32LE(1, 20);
  return header;
}

/**
 * A program whose data holds MPEG audio frames (as a program with embedded sounds does): ffprobe,
 * guessing from patterns, calls it mp3 audio.
 */
async function writeProgram(target: string, tools: MediaTools): Promise<void> {
  const audio = `${target}.mp2`;
  const sine = ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1'];
  await runFfmpegOrThrow(tools, [...sine, '-c:a', 'mp2', '-f', 'mp2', fileArg(audio)]);
  await writeFile(target, Buffer.concat([elfHeader(), await readFile(audio)]));
  await rm(audio);
}

/** A minimal PDF: its first 512 bytes are all printable, like many real ones. */
const MINIMAL_PDF = [
  '%PDF-1.4',
  '1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj',
  '2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj',
  'trailer << /Root 1 0 R >>',
  '%%EOF',
  '',
].join('\n');

async function writeNonVideos(at: (name: string) => string, tools: MediaTools): Promise<void> {
  await writeFile(at('empty.mp4'), '');
  await writeFile(at('text.mp4'), 'These are my holiday notes, not a video.\n');
  await writeFile(at('garbage.mp4'), garbageBytes(64 * 1024));
  const sine = ['-f', 'lavfi', '-i', 'sine=frequency=440:duration=1'];
  await runFfmpegOrThrow(tools, [...sine, '-c:a', 'aac', '-f', 'mp4', fileArg(at('audio-only.mp4'))]);
  const picture = ['-f', 'lavfi', '-i', 'testsrc2=s=64x48', '-frames:v', '1'];
  await runFfmpegOrThrow(tools, [...picture, '-c:v', 'png', '-f', 'image2pipe', fileArg(at('image.mp4'))]);
  await writeProgram(at('program.avi'), tools);
  await writeFile(at('document.mp4'), MINIMAL_PDF);
}

/** Writes one file per way a video can be broken into `dir`, and nothing else. */
export async function writeCorruptFixtures(dir: string, tools: MediaTools): Promise<CorruptFixture[]> {
  await mkdir(dir, { recursive: true });
  const at = (name: string): string => path.join(dir, name);
  await writeTruncatedVideos(at, tools);
  await writeNonVideos(at, tools);
  const fixture = (
    kind: CorruptKind,
    fileName: string,
    expectedReason: RegExp,
    failsIn: CorruptFixture['failsIn'],
  ): CorruptFixture => ({ kind, path: at(fileName), expectedReason, failsIn });
  return [
    fixture('truncated-faststart', 'truncated-faststart.mp4', /^truncated: frames after \d+\.\d s cannot be decoded$/, 'inspect'),
    fixture('truncated-no-faststart', 'truncated-no-faststart.mp4', /^truncated: MP4 index \(moov atom\) missing/, 'probe'),
    fixture('truncated-avi', 'truncated.avi', /^truncated: frames after 2\.0 s are missing \(the header promises 4\.0 s\)$/, 'probe'),
    fixture('empty', 'empty.mp4', /^empty file \(0 bytes\)$/, 'probe'),
    fixture('text', 'text.mp4', /^not a video: it is a text file$/, 'probe'),
    fixture('audio-only', 'audio-only.mp4', /^not a video: audio only, no video stream$/, 'probe'),
    fixture('image', 'image.mp4', /^not a video: a single image \(png\)$/, 'probe'),
    fixture('garbage', 'garbage.mp4', /^corrupt or unsupported: \S/, 'probe'),
    fixture('program', 'program.avi', /^not a video: it is a program \(ELF executable or library\)$/, 'probe'),
    fixture('pdf', 'document.mp4', /^not a video: it is a PDF document$/, 'probe'),
  ];
}

/** Copies a shared clip into `dir` (the originals are read-only) and returns the copy's path. */
export async function copySharedClip(fileName: string, dir: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const target = path.join(dir, fileName);
  await copyFile(path.join(SHARED_MEDIA_DIR, fileName), target);
  return target;
}

/** What a damaged AVI header overstates: the frame count (avih and strh) or the frame duration (strh). */
export type AviHeaderDamage = 'frame-count' | 'frame-rate';

/**
 * A copy of the UCF101 clip (164 frames, 25 fps, 6.56 s, with audio) whose header claims 108 times
 * its length: 17,712 frames, or frames of 108/25 s. Either way ffprobe reports 708.5 s.
 */
export async function writeAviWithDamagedHeader(dir: string, damage: AviHeaderDamage): Promise<string> {
  const source = await copySharedClip('ucf101_v_ApplyEyeMakeup_g01_c01.avi', dir);
  const target = path.join(dir, `damaged-${damage}.avi`);
  const bytes = await readFile(source);
  await rm(source);
  const avih = bytes.indexOf('avih', 12, 'latin1') + 8;
  const strh = bytes.indexOf('strh', 12, 'latin1') + 8;
  if (avih < 8 || bytes.toString('latin1', strh, strh + 4) !== 'vids') throw new Error('the UCF101 clip has no avih/video strh header');
  const inflate = (offset: number): void => {
    bytes.writeUInt32LE(bytes.readUInt32LE(offset) * 108, offset);
  };
  if (damage === 'frame-count') {
    inflate(avih + 16); // dwTotalFrames
    inflate(strh + 32); // dwLength
  } else {
    inflate(strh + 20); // dwScale: a frame lasts dwScale / dwRate seconds
  }
  await writeFile(target, bytes);
  return target;
}

/**
 * The ffmpeg builds to test against: the one the app picks (the newest found) and, when npm packages
 * bring a different one (here @ffmpeg-installer's and ffprobe-static's 2018 builds), that one too:
 * users without a system ffmpeg still run on it.
 */
export async function resolveTestToolsets(): Promise<MediaTools[]> {
  const preferred = await resolveMediaTools();
  const fromPackages = (candidates: ToolCandidate[]): ToolCandidate[] =>
    candidates.filter((candidate) => candidate.source !== 'system' && candidate.path !== null && !candidate.explicit);
  const packaged = await resolveMediaTools({
    candidates: { ffmpeg: fromPackages(ffmpegCandidates(process.env)), ffprobe: fromPackages(ffprobeCandidates(process.env)) },
  }).catch(() => null);
  if (!packaged || toolsetLabel(packaged) === toolsetLabel(preferred)) return [preferred];
  return [preferred, packaged];
}

/** A short label for test names, e.g. "ffmpeg 5.1.9 / ffprobe 5.1.9". */
export function toolsetLabel(tools: MediaTools): string {
  return `ffmpeg ${tools.ffmpegVersion} / ffprobe ${tools.ffprobeVersion}`;
}
