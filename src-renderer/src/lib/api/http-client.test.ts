import { describe, expect, it, vi } from 'vitest';
import { BRIDGE } from '@shared/routes.ts';
import { ApiError } from '@shared/errors.ts';
import { createHttpApi, type EventSourceLike } from './http-client.ts';

class FakeEventSource implements EventSourceLike {
  static instances: FakeEventSource[] = [];
  readyState = 0;
  onerror: ((event: Event) => void) | null = null;
  closed = false;
  readonly listeners = new Map<string, Set<(event: MessageEvent) => void>>();

  constructor(readonly url: string) {
    FakeEventSource.instances.push(this);
  }

  addEventListener(type: string, listener: (event: MessageEvent) => void): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  removeEventListener(type: string, listener: (event: MessageEvent) => void): void {
    this.listeners.get(type)?.delete(listener);
  }

  close(): void {
    this.closed = true;
    this.readyState = 2;
  }

  /** What the server sends as `event: <type>\ndata: <data>\n\n`. */
  dispatch(type: string, data: string): void {
    for (const listener of this.listeners.get(type) ?? []) listener({ data } as MessageEvent);
  }
}

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function setup(token: string | null = 'tok en') {
  FakeEventSource.instances = [];
  const fetch = vi.fn<(input: string, init: RequestInit) => Promise<Response>>();
  const onStreamError = vi.fn();
  const api = createHttpApi({ token, fetch, EventSource: FakeEventSource, onStreamError });
  return { api, fetch, onStreamError };
}

describe('createHttpApi calls', () => {
  it('POSTs the JSON input with the token header to the method route', async () => {
    const { api, fetch } = setup();
    fetch.mockResolvedValue(jsonResponse({ ok: true, value: { total: 0, offset: 0, items: [] } }));
    const page = await api.call('videos.list', { offset: 200, limit: 200, label: null });
    expect(page).toEqual({ total: 0, offset: 0, items: [] });
    expect(fetch).toHaveBeenCalledOnce();
    const [url, init] = fetch.mock.calls[0]!;
    expect(url).toBe(BRIDGE.callPath('videos.list'));
    expect(url).toBe('/api/call/videos.list');
    expect(init.method).toBe('POST');
    expect(init.headers).toEqual({ 'content-type': 'application/json', [BRIDGE.tokenHeader]: 'tok en' });
    expect(JSON.parse(String(init.body))).toEqual({ offset: 200, limit: 200, label: null });
  });

  it('reads typed errors from the body whatever the HTTP status', async () => {
    const { api, fetch } = setup();
    fetch.mockResolvedValue(
      jsonResponse({ ok: false, error: { code: 'INVALID_INPUT', message: 'Invalid input for import.start: folder: a path is required' } }, 400),
    );
    const error = await api.call('import.start', { folder: '' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'INVALID_INPUT', message: expect.stringContaining('a path is required') });
  });

  it('reports an unreachable server', async () => {
    const { api, fetch } = setup();
    fetch.mockRejectedValue(new TypeError('Failed to fetch'));
    await expect(api.call('app.info', {})).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('Cannot reach the Pretext server'),
    });
  });

  it('reports a reply that is not a CallResult', async () => {
    const { api, fetch } = setup();
    fetch.mockResolvedValue(new Response('Unauthorized', { status: 401 }));
    await expect(api.call('app.info', {})).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    fetch.mockResolvedValue(new Response('<html>oops</html>', { status: 500 }));
    await expect(api.call('app.info', {})).rejects.toMatchObject({ code: 'INTERNAL', message: expect.stringContaining('500') });
    fetch.mockResolvedValue(jsonResponse({ hello: 'world' }));
    await expect(api.call('app.info', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('omits the token header when there is no token', async () => {
    const { api, fetch } = setup(null);
    fetch.mockResolvedValue(jsonResponse({ ok: true, value: null }));
    await api.call('library.current', {});
    expect(fetch.mock.calls[0]![1].headers).toEqual({ 'content-type': 'application/json' });
  });
});

describe('createHttpApi events', () => {
  it('shares one EventSource with the token in its URL and parses payloads by event name', () => {
    const { api } = setup();
    const progress = vi.fn();
    const finished = vi.fn();
    const alsoProgress = vi.fn();
    api.on('import.progress', progress);
    api.on('import.finished', finished);
    api.on('import.progress', alsoProgress);
    expect(FakeEventSource.instances).toHaveLength(1);
    const source = FakeEventSource.instances[0]!;
    expect(source.url).toBe(`${BRIDGE.eventsPath}?token=tok%20en`);

    source.dispatch('import.progress', JSON.stringify({ jobId: 4, etaSeconds: 3 }));
    source.dispatch('import.finished', JSON.stringify({ id: 4 }));
    source.dispatch('library.changed', JSON.stringify({ path: '/x' }));
    expect(progress).toHaveBeenCalledExactlyOnceWith({ jobId: 4, etaSeconds: 3 });
    expect(alsoProgress).toHaveBeenCalledOnce();
    expect(finished).toHaveBeenCalledExactlyOnceWith({ id: 4 });
  });

  it('ignores malformed payloads and keeps other listeners alive when one throws', () => {
    const { api } = setup();
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const good = vi.fn();
    api.on('library.changed', () => {
      throw new Error('boom');
    });
    api.on('library.changed', good);
    const source = FakeEventSource.instances[0]!;
    source.dispatch('library.changed', '{not json');
    expect(good).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalled();
    source.dispatch('library.changed', '{"path":"/lib"}');
    expect(good).toHaveBeenCalledWith({ path: '/lib' });
    expect(error).toHaveBeenCalled();
    warn.mockRestore();
    error.mockRestore();
  });

  it('closes the stream when the last listener leaves and reopens on demand', () => {
    const { api } = setup();
    const listener = vi.fn();
    const offA = api.on('import.progress', listener);
    const offB = api.on('library.changed', listener);
    const first = FakeEventSource.instances[0]!;
    offA();
    offA();
    expect(first.closed).toBe(false);
    first.dispatch('import.progress', '{}');
    expect(listener).not.toHaveBeenCalled();
    offB();
    expect(first.closed).toBe(true);
    api.on('import.finished', listener);
    expect(FakeEventSource.instances).toHaveLength(2);
    FakeEventSource.instances[1]!.dispatch('import.finished', '{"id":1}');
    expect(listener).toHaveBeenCalledWith({ id: 1 });
  });

  it('tells the app when the browser gives up on the stream, and reconnects on the next subscription', () => {
    const { api, onStreamError } = setup();
    api.on('import.progress', vi.fn());
    const source = FakeEventSource.instances[0]!;
    source.readyState = 0; // reconnecting: not an error yet
    source.onerror?.(new Event('error'));
    expect(onStreamError).not.toHaveBeenCalled();
    source.readyState = 2;
    source.onerror?.(new Event('error'));
    expect(onStreamError).toHaveBeenCalledOnce();
    const late = vi.fn();
    api.on('import.finished', late);
    expect(FakeEventSource.instances).toHaveLength(2);
    const reopened = FakeEventSource.instances[1]!;
    reopened.dispatch('import.progress', '{"jobId":1}');
    reopened.dispatch('import.finished', '{"id":1}');
    expect(late).toHaveBeenCalledOnce();
  });
});

describe('createHttpApi media URLs', () => {
  it('adds the token to the bridge media route', () => {
    expect(setup('abc').api.mediaUrl('thumbnail', 12)).toBe('/media/thumbnail/12?token=abc');
    expect(setup(null).api.mediaUrl('video', 3)).toBe('/media/video/3');
  });
});
