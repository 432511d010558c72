import { net, protocol } from 'electron';
import { pathToFileURL } from 'node:url';
import { MEDIA_SCHEME } from '../shared/contract.ts';

/** Must run before app 'ready': the media scheme streams like http (Range) and is otherwise inert. */
export function registerMediaScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } },
  ]);
}

/**
 * Serves `pretext-media://<thumbnail|video>/<id>` from files the library knows; any other path,
 * traversal attempt or unknown id is a 404.
 */
export function handleMediaProtocol(mediaFile: (kind: 'thumbnail' | 'video', id: number) => string | null): void {
  protocol.handle(MEDIA_SCHEME, (request) => {
    const url = new URL(request.url);
    const kind = url.hostname;
    const segments = url.pathname.split('/').filter(Boolean);
    const id = Number(segments[0]);
    if ((kind !== 'thumbnail' && kind !== 'video') || segments.length !== 1 || !Number.isSafeInteger(id) || id <= 0) {
      return new Response('Not found', { status: 404 });
    }
    const file = mediaFile(kind, id);
    if (!file) return new Response('Not found', { status: 404 });
    // net.fetch of a file URL streams and honours Range headers.
    return net.fetch(pathToFileURL(file).toString(), { headers: request.headers });
  });
}
