import { protocol } from 'electron';
import type { MediaAnswer } from '../core/library/media-access.ts';
import { MEDIA_SCHEME, type MediaRequest } from '../shared/routes.ts';
import { respondWithAppFile, respondWithMedia } from './protocol-responses.ts';
import { APP_SCHEME } from './security.ts';

/**
 * Must run before app 'ready'. Both schemes are standard (real origins) and secure; the media
 * scheme streams. Neither is CORS-enabled nor bypasses the CSP, so no other origin can read them.
 */
export function registerAppSchemes(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
    { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } },
  ]);
}

/** Serves the built renderer on the app scheme and the open library's media on the media scheme. */
export function handleAppSchemes(
  rendererDir: string,
  mediaFile: (request: MediaRequest) => Promise<MediaAnswer>,
): void {
  protocol.handle(APP_SCHEME, (request) => respondWithAppFile(request, rendererDir));
  protocol.handle(MEDIA_SCHEME, (request) => respondWithMedia(request, mediaFile));
}
