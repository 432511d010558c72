import { BRIDGE } from '@shared/routes.ts';

export const TOKEN_STORAGE_KEY = 'pretext.bridgeToken';

export interface TokenEnvironment {
  location: Pick<Location, 'href'>;
  history: Pick<History, 'replaceState' | 'state'>;
  sessionStorage: Pick<Storage, 'getItem' | 'setItem'>;
}

/**
 * The HTTP bridge's access token: taken from `?token=` when the page was opened with one (then kept
 * in sessionStorage so a reload still works, and removed from the visible URL), else from storage.
 */
export function takeBridgeToken(env: TokenEnvironment): string | null {
  const url = new URL(env.location.href);
  const fromUrl = url.searchParams.get(BRIDGE.tokenParam);
  if (fromUrl) {
    try {
      env.sessionStorage.setItem(TOKEN_STORAGE_KEY, fromUrl);
    } catch {
      // Storage may be disabled; the token still works until the next reload.
    }
    url.searchParams.delete(BRIDGE.tokenParam);
    env.history.replaceState(env.history.state, '', `${url.pathname}${url.search}${url.hash}`);
    return fromUrl;
  }
  try {
    return env.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}
