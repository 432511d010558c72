import type { EventName, EventPayload, MethodInput, MethodName, MethodOutput, PretextApi } from '@shared/contract.ts';
import { BRIDGE, type MediaKind } from '@shared/routes.ts';
import { ApiError } from '@shared/errors.ts';
import { unwrapResult } from './result.ts';

/** The part of `EventSource` the client uses, so tests can pass a fake class. */
export interface EventSourceLike {
  readonly readyState: number;
  onerror: ((event: Event) => void) | null;
  addEventListener(type: string, listener: (event: MessageEvent) => void): void;
  removeEventListener(type: string, listener: (event: MessageEvent) => void): void;
  close(): void;
}

export type EventSourceClass = new (url: string) => EventSourceLike;

export interface HttpApiOptions {
  /** The bridge's access token; sent as a header on calls and as `?token=` on SSE and media URLs. */
  token: string | null;
  /** Origin of the bridge; '' means the page's own origin. */
  baseUrl?: string;
  fetch: (input: string, init: RequestInit) => Promise<Response>;
  EventSource: EventSourceClass;
  /** Told when the live event stream is gone for good (the browser stopped reconnecting). */
  onStreamError?: (error: ApiError) => void;
}

export interface HttpApi extends PretextApi {
  /** `ms` (milliseconds into the video) names the moment of a frame. */
  mediaUrl(kind: MediaKind, videoId: number, ms?: number): string;
}

const EVENT_SOURCE_CLOSED = 2;

/** `PretextApi` over the HTTP bridge: POST /api/call/<method>, one shared SSE stream for events. */
export function createHttpApi(options: HttpApiOptions): HttpApi {
  const base = options.baseUrl ?? '';
  const token = options.token ?? '';
  const withToken = (path: string): string =>
    token ? `${path}?${BRIDGE.tokenParam}=${encodeURIComponent(token)}` : path;

  const listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  const handlers = new Map<EventName, (message: MessageEvent) => void>();
  let source: EventSourceLike | null = null;

  function handlerFor(event: EventName): (message: MessageEvent) => void {
    let handler = handlers.get(event);
    if (!handler) {
      handler = (message: MessageEvent) => {
        let payload: unknown;
        try {
          payload = JSON.parse(String(message.data));
        } catch {
          console.warn(`Pretext: ignored a malformed "${event}" event`, message.data);
          return;
        }
        for (const listener of [...(listeners.get(event) ?? [])]) {
          try {
            listener(payload);
          } catch (error) {
            console.error(`Pretext: a "${event}" listener failed`, error);
          }
        }
      };
      handlers.set(event, handler);
    }
    return handler;
  }

  function openSource(): EventSourceLike {
    if (source && source.readyState !== EVENT_SOURCE_CLOSED) return source;
    source?.close();
    const opened = new options.EventSource(base + withToken(BRIDGE.eventsPath));
    opened.onerror = () => {
      // EventSource retries by itself while CONNECTING; CLOSED means it gave up (e.g. a 401).
      if (opened.readyState === EVENT_SOURCE_CLOSED && source === opened) {
        options.onStreamError?.(
          new ApiError(
            'INTERNAL',
            'Lost the live connection to the Pretext server; progress and library updates will not arrive until you reload the page.',
          ),
        );
      }
    };
    for (const event of listeners.keys()) opened.addEventListener(event, handlerFor(event));
    source = opened;
    return opened;
  }

  function closeIfUnused(): void {
    if (listeners.size === 0 && source) {
      source.close();
      source = null;
    }
  }

  return {
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (token) headers[BRIDGE.tokenHeader] = token;
      let response: Response;
      try {
        response = await options.fetch(base + BRIDGE.callPath(method), {
          method: 'POST',
          headers,
          body: JSON.stringify(input ?? {}),
        });
      } catch {
        throw new ApiError(
          'INTERNAL',
          'Cannot reach the Pretext server. Is `pretext serve` (or the app) still running?',
        );
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        const code = response.status === 401 || response.status === 403 ? 'UNAUTHORIZED' : 'INTERNAL';
        throw new ApiError(
          code,
          `The Pretext server answered ${method} with HTTP ${response.status} and no readable result.`,
        );
      }
      return unwrapResult(body) as MethodOutput<M>;
    },

    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      const wrapped = (payload: unknown) => listener(payload as EventPayload<E>);
      let set = listeners.get(event);
      const isNewEvent = !set;
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(wrapped);
      const current = source && source.readyState !== EVENT_SOURCE_CLOSED ? source : null;
      if (current && isNewEvent) current.addEventListener(event, handlerFor(event));
      else if (!current) openSource();

      let active = true;
      return () => {
        if (!active) return;
        active = false;
        const entries = listeners.get(event);
        if (!entries) return;
        entries.delete(wrapped);
        if (entries.size === 0) {
          listeners.delete(event);
          source?.removeEventListener(event, handlerFor(event));
        }
        closeIfUnused();
      };
    },

    mediaUrl(kind: MediaKind, videoId: number, ms?: number): string {
      return base + withToken(BRIDGE.mediaPath(kind, videoId, ms));
    },
  };
}
