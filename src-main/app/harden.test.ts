import { describe, expect, it, vi } from 'vitest';
import { hardenSession, hardenWebContents, ipcSenderFrame } from './harden.ts';
import { APP_ENTRY_URL, appPage } from './security.ts';

const page = appPage(undefined);
type Handler = (...args: never[]) => unknown;

function fakeSession() {
  const handlers: Record<string, Handler> = {};
  const session = {
    setPermissionRequestHandler: (handler: Handler) => (handlers.request = handler),
    setPermissionCheckHandler: (handler: Handler) => (handlers.check = handler),
    setDevicePermissionHandler: (handler: Handler) => (handlers.device = handler),
    webRequest: { onBeforeRequest: (handler: Handler) => (handlers.beforeRequest = handler) },
  };
  hardenSession(session as never, page);
  return handlers as Record<'request' | 'check' | 'device' | 'beforeRequest', (...args: unknown[]) => unknown>;
}

function fakeContents() {
  const listeners = new Map<string, (event: unknown) => void>();
  let openHandler: ((details: { url: string }) => unknown) | undefined;
  const opened: string[] = [];
  const contents = {
    on: (name: string, listener: (event: unknown) => void) => listeners.set(name, listener),
    setWindowOpenHandler: (handler: typeof openHandler) => (openHandler = handler),
  };
  hardenWebContents(contents as never, page, (url) => opened.push(url));
  const fire = (name: string, url = '') => {
    const event = { url, preventDefault: vi.fn() };
    listeners.get(name)?.(event);
    return event.preventDefault.mock.calls.length > 0;
  };
  return { listeners, fire, open: (url: string) => openHandler?.({ url }), opened };
}

describe('hardenSession', () => {
  it('denies permission requests and checks except fullscreen for our page', () => {
    const handlers = fakeSession();
    const answer = vi.fn();
    handlers.request(null, 'media', answer, { requestingUrl: APP_ENTRY_URL });
    handlers.request(null, 'notifications', answer, { requestingUrl: APP_ENTRY_URL });
    handlers.request(null, 'fullscreen', answer, { requestingUrl: 'https://example.com/' });
    handlers.request(null, 'fullscreen', answer, { requestingUrl: APP_ENTRY_URL });
    expect(answer.mock.calls).toEqual([[false], [false], [false], [true]]);
    expect(handlers.check(null, 'clipboard-read', 'pretext-app://studio', {})).toBe(false);
    expect(handlers.device({})).toBe(false);
  });

  it('cancels every request that would leave the machine', () => {
    const handlers = fakeSession();
    const answer = vi.fn();
    handlers.beforeRequest({ url: 'https://example.com/tracker.js' }, answer);
    handlers.beforeRequest({ url: 'pretext-media://video/1' }, answer);
    expect(answer.mock.calls).toEqual([[{ cancel: true }], [{ cancel: false }]]);
  });
});

describe('hardenWebContents', () => {
  it('blocks navigation and redirects away from our page, in any frame', () => {
    const contents = fakeContents();
    expect(contents.fire('will-frame-navigate', 'https://example.com/')).toBe(true);
    expect(contents.fire('will-frame-navigate', 'file:///etc/passwd')).toBe(true);
    expect(contents.fire('will-frame-navigate', `${APP_ENTRY_URL}#videos`)).toBe(false);
    expect(contents.fire('will-redirect', 'https://example.com/')).toBe(true);
  });

  it('refuses <webview> and new windows; https links go to the browser', () => {
    const contents = fakeContents();
    expect(contents.fire('will-attach-webview')).toBe(true);
    expect(contents.open('https://example.com/docs')).toEqual({ action: 'deny' });
    expect(contents.open('file:///etc/passwd')).toEqual({ action: 'deny' });
    expect(contents.open(APP_ENTRY_URL)).toEqual({ action: 'deny' });
    expect(contents.opened).toEqual(['https://example.com/docs']);
  });
});

describe('ipcSenderFrame', () => {
  const mainContents = { id: 1 };

  it('describes the calling frame for the sender check', () => {
    const top = { url: APP_ENTRY_URL, parent: null };
    expect(ipcSenderFrame({ senderFrame: top, sender: mainContents } as never, mainContents as never)).toEqual({
      url: APP_ENTRY_URL,
      isMainFrame: true,
      inMainWindow: true,
    });
    const child = { url: APP_ENTRY_URL, parent: top };
    expect(ipcSenderFrame({ senderFrame: child, sender: { id: 2 } } as never, mainContents as never)).toEqual({
      url: APP_ENTRY_URL,
      isMainFrame: false,
      inMainWindow: false,
    });
    expect(ipcSenderFrame({ senderFrame: null, sender: mainContents } as never, mainContents as never)).toBeNull();
  });
});
