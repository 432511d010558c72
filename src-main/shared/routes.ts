/** Names of the bridge's HTTP routes and the Electron media scheme; no zod, so the renderer can import it. */
import type { MethodName } from './contract.ts';

/**
 * What a media URL serves: a thumbnail, the video file as it is, or the video in a codec every
 * browser plays (the file itself when it already is, else an H.264 copy made once and kept).
 */
export const MEDIA_KINDS = ['thumbnail', 'video', 'playable'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export const isMediaKind = (value: string): value is MediaKind => (MEDIA_KINDS as readonly string[]).includes(value);

/** Custom protocol the Electron shell registers for thumbnails and videos of the open library. */
export const MEDIA_SCHEME = 'pretext-media';
export const mediaProtocolUrl = (kind: MediaKind, videoId: number): string =>
  `${MEDIA_SCHEME}://${kind}/${videoId}`;

/** HTTP bridge routes, derived from the same names. */
const CALL_PREFIX = '/api/call/';
export const BRIDGE = {
  callPrefix: CALL_PREFIX,
  callPath: (name: MethodName): string => `${CALL_PREFIX}${name}`,
  eventsPath: '/api/events',
  mediaPath: (kind: MediaKind, videoId: number): string => `/media/${kind}/${videoId}`,
  tokenParam: 'token',
  tokenHeader: 'x-pretext-token',
} as const;
