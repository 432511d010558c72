// What the app's two schemes answer, in plain Node (fs + the web Request/Response types), so every
// path rule and Range case is unit-tested without Electron. protocol.ts hands requests here.
// Sync fs calls on purpose: Electron's asar support (the packaged UI lives in app.asar) covers them.
import { createReadStream, realpathSync, statSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { Readable } from 'node:stream';
import type { MediaAnswer } from '../core/library/media-access.ts';
import { rangeReply } from '../core/util/range-reply.ts';
import type { OpenFile } from '../core/util/user-files.ts';
import { MEDIA_SCHEME, parseMediaRequest, type MediaRequest } from '../shared/routes.ts';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY } from './security.ts';

/**
 * `pretext-media://<kind>/<id>` (or `frame/<id>/<ms>`) → the request (shared/routes.ts parses it as
 * the HTTP bridge does). Anything else (another scheme, encoded characters, ids that are not positive
 * integers) is null.
 */
export function parseMediaUrl(url: string): MediaRequest | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== `${MEDIA_SCHEME}:`) return null;
  return parseMediaRequest([parsed.host, ...parsed.pathname.split('/').filter(Boolean)]);
}

/**
 * The file of the built renderer that a `pretext-app://studio/<path>` URL names, or null for
 * another origin, `..` segments, encoded separators, and anything (a symbolic link included) whose
 * real path is outside the renderer folder.
 */
export function appFileFor(url: string, rendererDir: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (`${parsed.protocol}//${parsed.host}` !== APP_ORIGIN) return null;
  if (/%(2f|5c|00)/i.test(parsed.pathname) || parsed.pathname.includes('\\')) return null;
  let relative: string;
  try {
    relative = decodeURIComponent(parsed.pathname);
  } catch {
    return null;
  }
  if (relative.split('/').includes('..')) return null;
  try {
    const root = realpathSync(rendererDir);
    const real = realpathSync(join(root, relative === '/' ? 'index.html' : relative));
    return real.startsWith(root + sep) ? real : null;
  } catch {
    return null;
  }
}

const notFound = (): Response => new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain' } });

const notAllowed = (): Response => new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
const isRead = (method: string) => method === 'GET' || method === 'HEAD';

interface FileToSend {
  path: string;
  size: number;
  mtime: Date;
  /** The bytes start..end (inclusive); the stream releases the file when it ends or is cancelled. */
  read(start: number, end: number): Readable;
  /** Releases the file when no body is sent. */
  release(): void;
}

/** A file as a streamed response with single-range support (a <video> seeks with Range requests). */
function rangeResponse(
  file: FileToSend,
  request: Pick<Request, 'method' | 'headers'>,
  extraHeaders: Record<string, string>,
): Response {
  const reply = rangeReply(
    file,
    { method: request.method, range: request.headers.get('range') ?? undefined },
    { 'x-content-type-options': 'nosniff', ...extraHeaders },
  );
  if (!reply.body) file.release();
  const body = reply.body ? (Readable.toWeb(file.read(reply.body.start, reply.body.end)) as ReadableStream<Uint8Array>) : null;
  return new Response(body, { status: reply.status, headers: reply.headers });
}

/** A file of the renderer by path (sync fs: Electron's asar support covers it). */
export async function fileResponse(
  path: string,
  request: Pick<Request, 'method' | 'headers'>,
  extraHeaders: Record<string, string> = {},
): Promise<Response> {
  if (!isRead(request.method)) return notAllowed();
  let info: Stats;
  try {
    info = statSync(path);
  } catch {
    return notFound();
  }
  if (!info.isFile()) return notFound();
  const file: FileToSend = {
    path,
    size: info.size,
    mtime: info.mtime,
    read: (start, end) => createReadStream(path, { start, end }),
    release: () => undefined,
  };
  return rangeResponse(file, request, extraHeaders);
}

/** An opened file (closed by the response's stream, or at once when no body is sent). */
export function openFileResponse(
  { path, handle, stats }: OpenFile,
  request: Pick<Request, 'method' | 'headers'>,
  extraHeaders: Record<string, string> = {},
): Response {
  const file: FileToSend = {
    path,
    size: stats.size,
    mtime: stats.mtime,
    read: (start, end) => handle.createReadStream({ start, end }),
    release: () => void handle.close(),
  };
  return rangeResponse(file, request, extraHeaders);
}

/**
 * A thumbnail or video of the open library, looked up by id: a request can never name a path, and
 * the library checks the file is still the one it imported (404/409 otherwise).
 */
export async function respondWithMedia(
  request: Request,
  mediaFile: (request: MediaRequest) => Promise<MediaAnswer>,
): Promise<Response> {
  if (!isRead(request.method)) return notAllowed();
  const media = parseMediaUrl(request.url);
  if (!media) return notFound();
  const answer = await mediaFile(media);
  if (!answer.ok) {
    return answer.status === 409
      ? new Response('Changed since the import', { status: 409, headers: { 'content-type': 'text/plain' } })
      : notFound();
  }
  return openFileResponse(answer.file, request, { 'cache-control': 'private, max-age=60' });
}

/** A file of the built renderer, with the Content-Security-Policy header. */
export async function respondWithAppFile(request: Request, rendererDir: string): Promise<Response> {
  const file = appFileFor(request.url, rendererDir);
  return file
    ? fileResponse(file, request, { 'content-security-policy': CONTENT_SECURITY_POLICY, 'cache-control': 'no-cache' })
    : notFound();
}
