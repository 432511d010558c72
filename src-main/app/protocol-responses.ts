// What the app's two schemes answer, in plain Node (fs + the web Request/Response types), so every
// path rule and Range case is unit-tested without Electron. protocol.ts hands requests here.
// Sync fs calls on purpose: Electron's asar support (the packaged UI lives in app.asar) covers them.
import { createReadStream, realpathSync, statSync, type Stats } from 'node:fs';
import { join, sep } from 'node:path';
import { Readable } from 'node:stream';
import { isMediaKind, MEDIA_SCHEME, type MediaKind } from '../shared/routes.ts';
import { contentTypeOf, parseRange } from '../server/media.ts';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY } from './security.ts';

export interface MediaRequest {
  kind: MediaKind;
  id: number;
}

/**
 * `pretext-media://<thumbnail|video>/<id>` → its kind and id. Anything else (another host, more
 * segments, encoded characters, ids that are not positive integers) is null.
 */
export function parseMediaUrl(url: string): MediaRequest | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  const kind = parsed.host;
  const segments = parsed.pathname.split('/').filter(Boolean);
  if (parsed.protocol !== `${MEDIA_SCHEME}:` || !isMediaKind(kind)) return null;
  if (segments.length !== 1 || !/^\d+$/.test(segments[0] ?? '')) return null;
  const id = Number(segments[0]);
  return Number.isSafeInteger(id) && id > 0 ? { kind, id } : null;
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

/** A file as a streamed response with single-range support (a <video> seeks with Range requests). */
export async function fileResponse(
  path: string,
  request: Pick<Request, 'method' | 'headers'>,
  extraHeaders: Record<string, string> = {},
): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    return new Response(null, { status: 405, headers: { allow: 'GET, HEAD' } });
  }
  let info: Stats;
  try {
    info = statSync(path);
  } catch {
    return notFound();
  }
  if (!info.isFile()) return notFound();
  const range = parseRange(request.headers.get('range') ?? undefined, info.size);
  if (range === 'unsatisfiable') {
    return new Response(null, { status: 416, headers: { 'content-range': `bytes */${info.size}` } });
  }
  const { start, end } = range ?? { start: 0, end: info.size - 1 };
  const length = info.size === 0 ? 0 : end - start + 1;
  const headers: Record<string, string> = {
    'content-type': contentTypeOf(path),
    'content-length': String(length),
    'accept-ranges': 'bytes',
    'last-modified': info.mtime.toUTCString(),
    'x-content-type-options': 'nosniff',
    ...extraHeaders,
  };
  if (range) headers['content-range'] = `bytes ${start}-${end}/${info.size}`;
  const body =
    request.method === 'HEAD' || length === 0
      ? null
      : (Readable.toWeb(createReadStream(path, { start, end })) as ReadableStream<Uint8Array>);
  return new Response(body, { status: range ? 206 : 200, headers });
}

/** A thumbnail or video of the open library, looked up by id: a request can never name a path. */
export async function respondWithMedia(
  request: Request,
  mediaFile: (kind: MediaKind, id: number) => Promise<string | null>,
): Promise<Response> {
  const media = parseMediaUrl(request.url);
  const file = media ? await mediaFile(media.kind, media.id) : null;
  return file ? fileResponse(file, request, { 'cache-control': 'private, max-age=60' }) : notFound();
}

/** A file of the built renderer, with the Content-Security-Policy header. */
export async function respondWithAppFile(request: Request, rendererDir: string): Promise<Response> {
  const file = appFileFor(request.url, rendererDir);
  return file
    ? fileResponse(file, request, { 'content-security-policy': CONTENT_SECURITY_POLICY, 'cache-control': 'no-cache' })
    : notFound();
}
