// @vitest-environment jsdom
import { beforeEach, describe, expect, it } from 'vitest';
import { TOKEN_STORAGE_KEY, takeBridgeToken } from './token.ts';

describe('takeBridgeToken', () => {
  beforeEach(() => {
    sessionStorage.clear();
    history.replaceState(null, '', '/');
  });

  it('takes the token from the URL, stores it and removes it from the address bar', () => {
    history.replaceState(null, '', '/index.html?token=s3cret&view=grid#top');
    expect(takeBridgeToken(window)).toBe('s3cret');
    expect(sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('s3cret');
    expect(location.pathname).toBe('/index.html');
    expect(location.search).toBe('?view=grid');
    expect(location.hash).toBe('#top');
  });

  it('falls back to the stored token after a reload', () => {
    history.replaceState(null, '', '/?token=abc');
    takeBridgeToken(window);
    expect(location.search).toBe('');
    expect(takeBridgeToken(window)).toBe('abc');
  });

  it('is null when there is none', () => {
    expect(takeBridgeToken(window)).toBeNull();
  });
});
