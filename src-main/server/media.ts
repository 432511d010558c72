import type { IncomingMessage, ServerResponse } from 'node:http';
import { rangeReply } from '../core/util/range-reply.ts';
import { openRegularFile, type OpenFile } from '../core/util/user-files.ts';

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
  const reply = rangeReply({ path: file.path, size, mtime }, { method: request.method ?? 'GET', range: request.headers.range }, extraHeaders);
  response.writeHead(reply.status, reply.headers);
  if (!reply.body) {
    void file.handle.close();
    response.end();
    return;
  }
  // The stream closes the handle when it ends or is destroyed.
  const stream = file.handle.createReadStream(reply.body);
  stream.on('error', () => response.destroy());
  response.on('close', () => stream.destroy());
  stream.pipe(response);
}
