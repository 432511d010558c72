import { describe, expect, it, vi } from 'vitest';
import { MEDIA_SCHEME } from '../shared/routes.ts';
import { MEDIA_NOT_FOUND } from '../core/library/media-access.ts';
import { APP_SCHEME } from './security.ts';

const registered: unknown[] = [];
const handlers = new Map<string, (request: Request) => Promise<Response>>();
vi.mock('electron', () => ({
  protocol: {
    registerSchemesAsPrivileged: (schemes: unknown[]) => registered.push(...schemes),
    handle: (scheme: string, handler: (request: Request) => Promise<Response>) => handlers.set(scheme, handler),
  },
}));

describe('app schemes', () => {
  it('are standard and secure, never CORS-enabled or CSP-bypassing; only media streams', async () => {
    const { registerAppSchemes } = await import('./protocol.ts');
    registerAppSchemes();
    expect(registered).toEqual([
      { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } },
      { scheme: MEDIA_SCHEME, privileges: { standard: true, secure: true, stream: true, supportFetchAPI: true } },
    ]);
  });

  it('route the app scheme to the renderer folder and the media scheme to library files', async () => {
    const { handleAppSchemes } = await import('./protocol.ts');
    const mediaFile = vi.fn(async () => MEDIA_NOT_FOUND);
    handleAppSchemes('/nonexistent/renderer', mediaFile);
    expect([...handlers.keys()].sort()).toEqual([APP_SCHEME, MEDIA_SCHEME].sort());
    const media = await handlers.get(MEDIA_SCHEME)!(new Request(`${MEDIA_SCHEME}://video/4`));
    expect(media.status).toBe(404);
    expect(mediaFile).toHaveBeenCalledWith({ kind: 'video', videoId: 4 });
    await handlers.get(MEDIA_SCHEME)!(new Request(`${MEDIA_SCHEME}://frame/4/1500`));
    expect(mediaFile).toHaveBeenLastCalledWith({ kind: 'frame', videoId: 4, ms: 1500 });
    const page = await handlers.get(APP_SCHEME)!(new Request(`${APP_SCHEME}://studio/index.html`));
    expect(page.status).toBe(404);
  });
});
