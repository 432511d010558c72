// The desktop app's security policy as plain data and pure functions, so every rule is unit-tested
// without the Electron binary. harden.ts and protocol.ts apply them; main.ts wires them in.
import type { BrowserWindowConstructorOptions, WebPreferences } from 'electron';
import { MEDIA_SCHEME } from '../shared/routes.ts';

/**
 * The renderer is served from this privileged scheme instead of file://: a file:// page may read
 * any local file its URL names and gets no response headers (so no CSP header); our own scheme has
 * one origin, serves only the built renderer folder and sends the CSP header itself.
 */
export const APP_SCHEME = 'pretext-app';
export const APP_ORIGIN = `${APP_SCHEME}://studio`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/**
 * The Content-Security-Policy, directive by directive. The same policy is in the meta tag of
 * src-renderer/index.html (a test keeps both equal); main also sends it as a response header.
 */
export const CSP_DIRECTIVES: Readonly<Record<string, readonly string[]>> = {
  'default-src': ["'self'"],
  'script-src': ["'self'"],
  // Svelte transitions and inline style attributes.
  'style-src': ["'self'", "'unsafe-inline'"],
  'img-src': ["'self'", 'data:', 'blob:', `${MEDIA_SCHEME}:`],
  'media-src': ["'self'", 'blob:', `${MEDIA_SCHEME}:`],
  'connect-src': ["'self'"],
  'object-src': ["'none'"],
  'base-uri': ["'none'"],
  'form-action': ["'none'"],
};

export const CONTENT_SECURITY_POLICY = Object.entries(CSP_DIRECTIVES)
  .map(([directive, sources]) => `${directive} ${sources.join(' ')}`)
  .join('; ');

/** Where our own page lives: the app scheme, or the Vite dev server during `electron-vite dev`. */
export interface AppPage {
  entryUrl: string;
  origin: string;
}

export function appPage(devServerUrl: string | undefined): AppPage {
  if (!devServerUrl) return { entryUrl: APP_ENTRY_URL, origin: APP_ORIGIN };
  return { entryUrl: devServerUrl, origin: originOf(devServerUrl) ?? devServerUrl };
}

/** `scheme://host[:port]`; Node's URL reports "null" as the origin of custom schemes, so build it. */
function originOf(url: string): string | null {
  try {
    const parsed = new URL(url);
    return parsed.host ? `${parsed.protocol}//${parsed.host}` : null;
  } catch {
    return null;
  }
}

export function isOwnPage(url: string, page: AppPage): boolean {
  return originOf(url) === page.origin;
}

/** Every webPreferences switch that keeps Node and the disk out of a renderer's reach. */
function lockedDownPreferences(preload: string, devTools: boolean): WebPreferences {
  return {
    preload,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    // Chromium's unfinished web-platform features, and Blink feature switches (enableBlinkFeatures
    // is deliberately never set): untested code paths in the renderer.
    experimentalFeatures: false,
    // Chromium would download spellcheck dictionaries from Google.
    spellcheck: false,
    safeDialogs: true,
    devTools,
  };
}

export function mainWindowOptions(preload: string, devTools: boolean): BrowserWindowConstructorOptions {
  return {
    width: 1280,
    height: 820,
    minWidth: 720,
    minHeight: 480,
    title: 'Pretext Studio',
    show: false,
    webPreferences: lockedDownPreferences(preload, devTools),
  };
}

/** The compute host's hidden window: as locked down, never shown, no DevTools, not throttled while hidden. */
export function computeHostWindowOptions(preload: string): BrowserWindowConstructorOptions {
  return {
    show: false,
    // A hidden window's timers are throttled by default, which would stall training between steps.
    webPreferences: { ...lockedDownPreferences(preload, false), backgroundThrottling: false },
  };
}

/** The page never navigates itself; anything that tries to leave our origin is stopped. */
export function navigationAllowed(url: string, page: AppPage): boolean {
  return isOwnPage(url, page);
}

/** A link the page asks to open in a new window goes to the user's browser, if it is https. */
export function externalUrlToOpen(url: string): string | null {
  try {
    return new URL(url).protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

/**
 * Permissions (camera, microphone, notifications, geolocation, clipboard read, …) are all refused.
 * The one exception is fullscreen for our own page, which the video player's button needs.
 */
export function permissionGranted(permission: string, requestingUrl: string, page: AppPage): boolean {
  return permission === 'fullscreen' && isOwnPage(requestingUrl, page);
}

const LOCAL_SCHEMES = new Set([`${APP_SCHEME}:`, `${MEDIA_SCHEME}:`, 'data:', 'blob:', 'devtools:']);

/**
 * Every request the session makes must stay on the machine: our two schemes, data/blob URLs,
 * DevTools, and during development the Vite server (including its hot-reload websocket).
 */
export function requestAllowed(url: string, page: AppPage): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (LOCAL_SCHEMES.has(parsed.protocol)) return true;
  if (page.origin === APP_ORIGIN) return false;
  const devServer = new URL(page.origin);
  return ['http:', 'ws:'].includes(parsed.protocol) && parsed.host === devServer.host;
}

/** The frame an IPC call came from: it must be our page's main frame, in our window. */
export interface IpcSenderFrame {
  url: string;
  isMainFrame: boolean;
  inMainWindow: boolean;
}

export function isTrustedSender(frame: IpcSenderFrame | null, page: AppPage): boolean {
  return frame !== null && frame.isMainFrame && frame.inMainWindow && isOwnPage(frame.url, page);
}
