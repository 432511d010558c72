import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname } from 'node:path';
import { openRegularFile, type OpenFile } from '../core/util/user-files.ts';

export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.woff2': 'font/woff2',
  '.mp4': 'video/mp4',
  '.m4v': 'video/mp4',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
  '.avi': 'video/x-msvideo',
  '.ogv': 'video/ogg',
  '.mpg': 'video/mpeg',
  '.mpeg': 'video/mpeg',
};

export function contentTypeOf(path: string): string {
  return CONTENT_TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export interface ByteRange {
  start: number;
  end: number;
}

/**
 * Parses a single `bytes=` range against a file size (RFC 9110 §14.1.2). Returns null for no/ignored
 * header, 'unsatisfiable' for a range outside the file. Multiple ranges are served whole.
 */
export function parseRange(header: string | undefined, size: number): ByteRange | null | 'unsatisfiable' {
  if (!header) return null;
  const match = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!match) return null;
  const [, first, last] = match as unknown as [string, string, string];
  if (first === '' && last === '') return null;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
  if (start >= size || start > end) return 'unsatisfiable';
  return { start, end };
}

/** Streams a file with Range support (video seeking needs 206 responses); 404 when it is not a regular file. */
export async function sendFile(
  request: IncomingMessage,
  response: ServerResponse,
  path: string,
  extraHeaders: Record<string, string> = {},
): Promise<void> {
  let file: OpenFile;
  try {
    file = await openRegularFile(path);
  } catch {
    response.writeHead(404, { 'content-type': 'text/plain' }).end('Not found');
    return;
  }
  sendOpenFile(request, response, file, extraHeaders);
}

/** Streams an opened file (and closes it), with Range support. */
export function sendOpenFile(
  request: IncomingMessage,
  response: ServerResponse,
  file: OpenFile,
  extraHeaders: Record<string, string> = {},
): void {
  const { size, mtime } = file.stats;
  const headers: Record<string, string | number> = {
    'content-type': contentTypeOf(file.path),
    'accept-ranges': 'bytes',
    'last-modified': mtime.toUTCString(),
    ...extraHeaders,
  };
  const range = parseRange(request.headers.range, size);
  if (range === 'unsatisfiable') {
    void file.handle.close();
    response.writeHead(416, { 'content-range': `bytes */${size}` }).end();
    return;
  }
  const { start, end } = range ?? { start: 0, end: size - 1 };
  headers['content-length'] = size === 0 ? 0 : end - start + 1;
  if (range) headers['content-range'] = `bytes ${start}-${end}/${size}`;
  response.writeHead(range ? 206 : 200, headers);
  if (request.method === 'HEAD' || size === 0) {
    void file.handle.close();
    response.end();
    return;
  }
  // The stream closes the handle when it ends or is destroyed.
  const stream = file.handle.createReadStream({ start, end });
  stream.on('error', () => response.destroy());
  response.on('close', () => stream.destroy());
  stream.pipe(response);
}
