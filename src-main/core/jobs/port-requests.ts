/**
 * Requests a compute host page makes of main while it runs a job (job-port.ts): the page has neither
 * the library's frames nor a disk, so it asks, and main answers each request by id. A request map
 * names each kind with what it asks and what it is answered. Plain web code (no Node imports).
 */
import { abortError } from '../util/abort.ts';
import type { JobPort, ToJob } from './job-port.ts';

/** Each kind of request: what the page asks, and what main answers. */
export type RequestMap = Record<string, { ask: object; answer: unknown }>;

export type RequestOf<Requests extends RequestMap> = { [K in keyof Requests]: { kind: K } & Requests[K]['ask'] }[keyof Requests];

/** What the page sends besides its job's own messages. */
export type PortRequestMessage<Requests extends RequestMap> =
  | { type: 'request'; id: number; request: RequestOf<Requests> }
  /** The page no longer needs the answer to `id` (its job was cancelled). */
  | { type: 'abort-request'; id: number };

/** A failed request's error as it crosses the port; `reason` is a MediaError's (media/errors.ts). */
export interface RequestError {
  name: string;
  message: string;
  reason?: string;
}

export type RequestReply<Requests extends RequestMap> =
  | { type: 'reply'; id: number; answer: Requests[keyof Requests]['answer'] }
  | { type: 'reply-failed'; id: number; error: RequestError };

/** The page's side: `ask` sends a request over `port` and waits for main's answer; an aborted request is withdrawn. */
export function portRequester<Requests extends RequestMap>(port: JobPort) {
  type Answer = Requests[keyof Requests]['answer'];
  const pending = new Map<number, { resolve: (answer: Answer) => void; reject: (error: Error) => void }>();
  let nextId = 1;
  port.onMessage((data) => {
    const reply = data as RequestReply<Requests>;
    if (reply.type !== 'reply' && reply.type !== 'reply-failed') return;
    const request = pending.get(reply.id);
    if (!request) return;
    pending.delete(reply.id);
    if (reply.type === 'reply') request.resolve(reply.answer);
    else request.reject(Object.assign(new Error(reply.error.message), reply.error));
  });
  return <K extends keyof Requests>(request: RequestOf<Requests> & { kind: K }, transfer: ArrayBuffer[] = [], signal?: AbortSignal) =>
    new Promise<Requests[K]['answer']>((resolve, reject) => {
      const kind = String(request.kind);
      if (signal?.aborted) return reject(abortError(kind));
      const id = nextId++;
      const onAbort = () => {
        pending.delete(id);
        port.postMessage({ type: 'abort-request', id } satisfies PortRequestMessage<Requests>);
        reject(abortError(kind));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const settle = <T>(done: (value: T) => void) => (value: T) => {
        signal?.removeEventListener('abort', onAbort);
        done(value);
      };
      pending.set(id, { resolve: settle(resolve as (answer: Answer) => void), reject: settle(reject) });
      port.postMessage({ type: 'request', id, request } satisfies PortRequestMessage<Requests>, transfer);
    });
}

/** What main does for one job of the page: begin it, answer its requests, end it. */
export interface PageJobBridge<Start, PageStart, Requests extends RequestMap> {
  /** The page's start for the service's `start` (with buffers to transfer). */
  begin(start: Start): Promise<{ start: PageStart; transfer?: ArrayBuffer[] }>;
  /** Answers a request (checked: the page asks only for what its job uses), with buffers to transfer. */
  answer(request: RequestOf<Requests>, signal: AbortSignal): Promise<{ answer: Requests[keyof Requests]['answer']; transfer?: ArrayBuffer[] }>;
  /** Releases what the job held (the channel is closing). */
  close(): void;
}

function requestError(error: unknown): RequestError {
  const { name, message } = error instanceof Error ? error : new Error(String(error));
  const reason = (error as { reason?: unknown } | null)?.reason;
  return typeof reason === 'string' ? { name, message, reason } : { name, message };
}

/**
 * Main's side: to the service, `page` looks like a worker thread's JobPort (the same Start in, the
 * same messages out) while `bridge` answers the page's requests. A request before the job began fails.
 */
export function bridgePageJob<Start, PageStart, Requests extends RequestMap>(
  page: JobPort,
  bridge: PageJobBridge<Start, PageStart, Requests>,
): JobPort {
  const listeners: ((message: unknown) => void)[] = [];
  const goneListeners: ((error: Error) => void)[] = [];
  const running = new Map<number, AbortController>();
  let begun = false;
  const deliver = (message: unknown) => listeners.forEach((listener) => listener(message));
  const reply = (message: RequestReply<Requests>, transfer: ArrayBuffer[] = []) => page.postMessage(message, transfer);

  const answer = async (id: number, request: RequestOf<Requests>): Promise<void> => {
    const controller = new AbortController();
    running.set(id, controller);
    try {
      if (!begun) throw new Error('the compute host asked for data before its job started');
      const { answer: value, transfer } = await bridge.answer(request, controller.signal);
      reply({ type: 'reply', id, answer: value }, transfer);
    } catch (error) {
      // A withdrawn request's answer is not awaited any more.
      if (!controller.signal.aborted) reply({ type: 'reply-failed', id, error: requestError(error) });
    } finally {
      running.delete(id);
    }
  };

  const begin = async (start: Start): Promise<void> => {
    const pageStart = await bridge.begin(start);
    begun = true;
    page.postMessage({ type: 'start', start: pageStart.start } satisfies ToJob<PageStart>, pageStart.transfer ?? []);
  };

  page.onMessage((data) => {
    const message = data as PortRequestMessage<Requests>;
    if (message.type === 'request') void answer(message.id, message.request);
    else if (message.type === 'abort-request') running.get(message.id)?.abort();
    else deliver(message);
  });
  page.onGone((error) => goneListeners.forEach((listener) => listener(error)));

  return {
    postMessage: (data) => {
      const message = data as ToJob<Start>;
      if (message.type === 'start') begin(message.start).catch((error: unknown) => deliver({ type: 'failed', message: String(error) }));
      else page.postMessage(message);
    },
    onMessage: (listener) => listeners.push(listener),
    onGone: (listener) => goneListeners.push(listener),
    close: () => {
      for (const controller of running.values()) controller.abort();
      bridge.close();
      page.close();
    },
  };
}
