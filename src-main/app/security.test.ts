import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MEDIA_SCHEME } from '../shared/routes.ts';
import {
  APP_ENTRY_URL,
  APP_ORIGIN,
  CONTENT_SECURITY_POLICY,
  CSP_DIRECTIVES,
  appPage,
  externalUrlToOpen,
  isTrustedSender,
  mainWindowOptions,
  navigationAllowed,
  permissionGranted,
  requestAllowed,
} from './security.ts';

const app = appPage(undefined);
const dev = appPage('http://localhost:5173/');

function directives(policy: string): Record<string, string[]> {
  return Object.fromEntries(
    policy
      .split(';')
      .map((part) => part.trim().split(/\s+/))
      .filter((words) => words[0])
      .map(([name, ...sources]) => [name as string, sources.sort()]),
  );
}

describe('window options', () => {
  it('isolate the renderer from Node and the disk', () => {
    const preferences = mainWindowOptions('/app/preload/index.cjs', false).webPreferences;
    expect(preferences).toMatchObject({
      preload: '/app/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: false,
    });
    expect(mainWindowOptions('/p', true).webPreferences?.devTools).toBe(true);
  });

  it('keep Chromium’s experimental features and Blink feature switches off', () => {
    for (const devTools of [false, true]) {
      const preferences = mainWindowOptions('/p', devTools).webPreferences ?? {};
      expect(preferences.experimentalFeatures).toBe(false);
      expect(preferences).not.toHaveProperty('enableBlinkFeatures');
    }
  });
});

describe('Content-Security-Policy', () => {
  it('is the same policy as the meta tag of the renderer page', () => {
    const html = readFileSync(resolve(import.meta.dirname, '../../src-renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    expect(directives(CONTENT_SECURITY_POLICY)).toEqual(directives(meta as string));
  });

  it('allows scripts from our own origin only and media from the media scheme', () => {
    expect(CSP_DIRECTIVES['script-src']).toEqual(["'self'"]);
    expect(CSP_DIRECTIVES['default-src']).toEqual(["'self'"]);
    expect(CSP_DIRECTIVES['object-src']).toEqual(["'none'"]);
    expect(CSP_DIRECTIVES['media-src']).toContain(`${MEDIA_SCHEME}:`);
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-eval|https?:|\*/);
  });
});

describe('our page', () => {
  it('is the app scheme in production and the dev server in development', () => {
    expect(app).toEqual({ entryUrl: APP_ENTRY_URL, origin: APP_ORIGIN });
    expect(dev.origin).toBe('http://localhost:5173');
  });
});

describe('navigation', () => {
  it('stays on our origin', () => {
    expect(navigationAllowed(`${APP_ORIGIN}/index.html#grid`, app)).toBe(true);
    for (const url of [
      'https://example.com/',
      'file:///etc/passwd',
      'pretext-app://other/index.html',
      `${MEDIA_SCHEME}://video/1`,
      'javascript:alert(1)',
      'not a url',
    ]) {
      expect(navigationAllowed(url, app), url).toBe(false);
    }
    expect(navigationAllowed('http://localhost:5173/index.html', dev)).toBe(true);
    expect(navigationAllowed('http://localhost:5174/', dev)).toBe(false);
  });

  it('opens only https links outside, in the browser', () => {
    expect(externalUrlToOpen('https://github.com/')).toBe('https://github.com/');
    for (const url of ['http://example.com/', 'file:///etc/passwd', 'smb://host/share', 'javascript:alert(1)', '']) {
      expect(externalUrlToOpen(url), url).toBeNull();
    }
  });
});

describe('permissions', () => {
  it('refuses everything but fullscreen for our own page', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal', 'hid']) {
      expect(permissionGranted(permission, APP_ENTRY_URL, app), permission).toBe(false);
    }
    expect(permissionGranted('fullscreen', APP_ENTRY_URL, app)).toBe(true);
    expect(permissionGranted('fullscreen', APP_ORIGIN, app)).toBe(true);
    expect(permissionGranted('fullscreen', 'https://example.com/', app)).toBe(false);
  });
});

describe('requests', () => {
  it('never leave the machine', () => {
    const local = [APP_ENTRY_URL, `${MEDIA_SCHEME}://video/3`, 'data:image/png;base64,AA', 'blob:pretext-app://studio/1'];
    for (const url of local) {
      expect(requestAllowed(url, app), url).toBe(true);
    }
    const remote = ['https://example.com/x.js', 'http://127.0.0.1:8080/', 'ws://localhost:5173/', 'file:///etc/passwd', 'ftp://x/'];
    for (const url of remote) {
      expect(requestAllowed(url, app), url).toBe(false);
    }
  });

  it('reach the dev server and its hot-reload socket in development only', () => {
    expect(requestAllowed('http://localhost:5173/src/main.ts', dev)).toBe(true);
    expect(requestAllowed('ws://localhost:5173/', dev)).toBe(true);
    expect(requestAllowed('http://localhost:9999/', dev)).toBe(false);
    expect(requestAllowed('https://cdn.example.com/', dev)).toBe(false);
  });
});

describe('IPC sender check', () => {
  const frame = { url: APP_ENTRY_URL, isMainFrame: true, inMainWindow: true };

  it('accepts only the main frame of our page in our window', () => {
    expect(isTrustedSender(frame, app)).toBe(true);
    expect(isTrustedSender(null, app)).toBe(false);
    expect(isTrustedSender({ ...frame, isMainFrame: false }, app)).toBe(false);
    expect(isTrustedSender({ ...frame, inMainWindow: false }, app)).toBe(false);
    expect(isTrustedSender({ ...frame, url: 'https://example.com/' }, app)).toBe(false);
    expect(isTrustedSender({ ...frame, url: 'file:///tmp/index.html' }, app)).toBe(false);
  });
});
