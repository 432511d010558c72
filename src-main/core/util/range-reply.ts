// What a file request is answered with (status, headers, which bytes), in one place for the two
// shells that serve files: the HTTP bridge (node:http) and the Electron protocol (web Response).
import { extname } from 'node:path';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
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

export interface RangeReply {
  status: 200 | 206 | 416;
  headers: Record<string, string>;
  /** The bytes to send (inclusive), or null when no body is sent (HEAD, an empty file, 416). */
  body: ByteRange | null;
}

/** The answer to a GET or HEAD of a file, with single-range support (a <video> seeks with Range requests). */
export function rangeReply(
  file: { path: string; size: number; mtime: Date },
  request: { method: string; range: string | undefined },
  extraHeaders: Record<string, string> = {},
): RangeReply {
  const range = parseRange(request.range, file.size);
  if (range === 'unsatisfiable') {
    return { status: 416, headers: { 'content-range': `bytes */${file.size}` }, body: null };
  }
  const { start, end } = range ?? { start: 0, end: file.size - 1 };
  const length = file.size === 0 ? 0 : end - start + 1;
  const headers: Record<string, string> = {
    'content-type': contentTypeOf(file.path),
    'content-length': String(length),
    'accept-ranges': 'bytes',
    'last-modified': file.mtime.toUTCString(),
    ...extraHeaders,
  };
  if (range) headers['content-range'] = `bytes ${start}-${end}/${file.size}`;
  const sendsBody = request.method !== 'HEAD' && length > 0;
  return { status: range ? 206 : 200, headers, body: sendsBody ? { start, end } : null };
}
