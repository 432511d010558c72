/** Names of the bridge's HTTP routes and the Electron media scheme; no zod, so the renderer can import it. */
import type { MethodName } from './contract.ts';

/**
 * What a media URL serves: a thumbnail, the video file as it is, the video in a codec every
 * browser plays (the file itself when it already is, else an H.264 copy made once and kept), or one
 * frame of it as a still (a clip's picture in clip retrieval).
 */
export const MEDIA_KINDS = ['thumbnail', 'video', 'playable', 'frame'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export const isMediaKind = (value: string): value is MediaKind => (MEDIA_KINDS as readonly string[]).includes(value);

/** The latest frame a URL may ask for (24 h into a video), in milliseconds. */
export const MAX_FRAME_MS = 24 * 3600 * 1000;

/** One media request: a video id, never a path; a frame also names its time in milliseconds. */
export type MediaRequest =
  | { kind: Exclude<MediaKind, 'frame'>; videoId: number }
  | { kind: 'frame'; videoId: number; ms: number };

/** A non-negative decimal integer up to `max`, or null (signs, exponents, leading spaces refused). */
function wholeNumber(text: string | undefined, max: number): number | null {
  if (text === undefined || !/^\d{1,16}$/.test(text)) return null;
  const value = Number(text);
  return value <= max ? value : null;
}

/**
 * `[kind, id]` or `['frame', id, ms]` (the path segments after `/media/` or `pretext-media://`) → the
 * request; null for anything else: unknown kinds, ids that are not positive integers, times past
 * MAX_FRAME_MS, extra or missing segments. Both shells' media routes parse with it.
 */
export function parseMediaRequest(segments: readonly string[]): MediaRequest | null {
  const [kind = '', id, ms, ...rest] = segments;
  const videoId = wholeNumber(id, Number.MAX_SAFE_INTEGER);
  if (!isMediaKind(kind) || videoId === null || videoId === 0 || rest.length > 0) return null;
  if (kind !== 'frame') return ms === undefined ? { kind, videoId } : null;
  const at = wholeNumber(ms, MAX_FRAME_MS);
  return at === null ? null : { kind, videoId, ms: at };
}

/** "kind/id" or "frame/id/ms": the request as path segments. */
function mediaSegments(kind: MediaKind, videoId: number, ms?: number): string {
  return kind === 'frame' ? `${kind}/${videoId}/${Math.round(ms ?? 0)}` : `${kind}/${videoId}`;
}

/** Custom protocol the Electron shell registers for thumbnails and videos of the open library. */
export const MEDIA_SCHEME = 'pretext-media';
/** `ms` (milliseconds into the video) is for frames only. */
export const mediaProtocolUrl = (kind: MediaKind, videoId: number, ms?: number): string =>
  `${MEDIA_SCHEME}://${mediaSegments(kind, videoId, ms)}`;

/** HTTP bridge routes, derived from the same names. */
const CALL_PREFIX = '/api/call/';
const MEDIA_PREFIX = '/media/';
export const BRIDGE = {
  callPrefix: CALL_PREFIX,
  callPath: (name: MethodName): string => `${CALL_PREFIX}${name}`,
  eventsPath: '/api/events',
  mediaPrefix: MEDIA_PREFIX,
  /** `ms` (milliseconds into the video) is for frames only. */
  mediaPath: (kind: MediaKind, videoId: number, ms?: number): string => `${MEDIA_PREFIX}${mediaSegments(kind, videoId, ms)}`,
  tokenParam: 'token',
  tokenHeader: 'x-pretext-token',
} as const;
