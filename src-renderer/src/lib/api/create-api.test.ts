// @vitest-environment jsdom
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { PreloadBridge } from '@shared/contract.ts';
import { createApi } from './create-api.ts';
import type { EventSourceLike } from './http-client.ts';

class NullEventSource implements EventSourceLike {
  readyState = 0;
  onerror = null;
  constructor(readonly url: string) {}
  addEventListener(): void {}
  removeEventListener(): void {}
  close(): void {}
}

describe('createApi', () => {
  afterEach(() => {
    delete window.pretext;
    sessionStorage.clear();
    vi.unstubAllGlobals();
  });

  it('uses the preload bridge and the media protocol inside Electron', async () => {
    const bridge: PreloadBridge = {
      invoke: vi.fn(async () => ({ ok: true as const, value: null })),
      subscribe: vi.fn(() => () => {}),
    };
    window.pretext = bridge;
    const transport = createApi();
    expect(transport.shell).toBe('electron');
    expect(transport.mediaUrl('thumbnail', 7)).toBe('pretext-media://thumbnail/7');
    expect(transport.mediaUrl('frame', 7, 2320)).toBe('pretext-media://frame/7/2320');
    await expect(transport.api.call('library.current', {})).resolves.toBeNull();
    expect(bridge.invoke).toHaveBeenCalledWith('library.current', {});
  });

  it('uses the HTTP bridge with the token from the URL in a browser', async () => {
    history.replaceState(null, '', '/?token=t1');
    const fetch = vi.fn(async () => new Response('{"ok":true,"value":null}'));
    vi.stubGlobal('fetch', fetch);
    const transport = createApi({ EventSource: NullEventSource });
    expect(transport.shell).toBe('browser');
    expect(transport.mediaUrl('video', 2)).toBe('/media/video/2?token=t1');
    expect(transport.mediaUrl('frame', 2, 640)).toBe('/media/frame/2/640?token=t1');
    await transport.api.call('library.current', {});
    expect(fetch).toHaveBeenCalledWith('/api/call/library.current', expect.objectContaining({ method: 'POST' }));
    expect(location.search).toBe('');
  });
});
