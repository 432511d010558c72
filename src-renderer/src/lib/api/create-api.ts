import type { PretextApi } from '@shared/contract.ts';
import { mediaProtocolUrl, type MediaKind } from '@shared/routes.ts';
import type { ApiError } from '@shared/errors.ts';
import { createElectronApi } from './electron-client.ts';
import { createHttpApi, type EventSourceClass } from './http-client.ts';
import { takeBridgeToken } from './token.ts';

export type Shell = 'electron' | 'browser';
/** `ms` (milliseconds into the video) names the moment of a 'frame'. */
export type MediaUrl = (kind: MediaKind, videoId: number, ms?: number) => string;

/** What the UI gets at start-up: the API, how to address media, and which shell hosts it. */
export interface ApiTransport {
  api: PretextApi;
  mediaUrl: MediaUrl;
  shell: Shell;
}

export interface CreateApiOptions {
  /** Defaults to the global window; tests pass a jsdom one. */
  window?: Window;
  /** Defaults to `window.EventSource`. */
  EventSource?: EventSourceClass;
  onStreamError?: (error: ApiError) => void;
}

/** Picks the transport: the preload bridge inside Electron, the HTTP bridge in a plain browser. */
export function createApi(options: CreateApiOptions = {}): ApiTransport {
  const win = (options.window ?? window) as Window & typeof globalThis;
  const bridge = win.pretext;
  if (bridge) {
    return { api: createElectronApi(bridge), mediaUrl: mediaProtocolUrl, shell: 'electron' };
  }
  const http = createHttpApi({
    token: takeBridgeToken(win),
    // Unbound `fetch` throws "Illegal invocation" in browsers.
    fetch: (input, init) => win.fetch(input, init),
    EventSource: options.EventSource ?? win.EventSource,
    ...(options.onStreamError ? { onStreamError: options.onStreamError } : {}),
  });
  return {
    api: http,
    mediaUrl: (kind, videoId, ms) => http.mediaUrl(kind, videoId, ms),
    shell: 'browser',
  };
}
