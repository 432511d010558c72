import { randomBytes, timingSafeEqual } from 'node:crypto';
import { realpathSync } from 'node:fs';
import { realpath } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve, sep } from 'node:path';
import { BRIDGE } from '../shared/contract.ts';
import { parseMediaRequest, type MediaRequest } from '../shared/routes.ts';
import type { CallResult, ErrorCode } from '../shared/errors.ts';
import { dispatch, type Handlers } from '../core/api/dispatch.ts';
import type { EventHub } from '../core/jobs/events.ts';
import type { MediaAnswer } from '../core/library/media-access.ts';
import { toJson } from '../core/util/frozen.ts';
import { sendFile, sendOpenFile } from './media.ts';

export interface BridgeOptions {
  handlers: Handlers;
  events: EventHub;
  /** Opens the file of a media request if the library still knows it as imported, else the status to answer. */
  mediaFile: (request: MediaRequest) => Promise<MediaAnswer>;
  /** The built renderer (out/renderer). */
  staticDir: string;
  host?: string;
  port?: number;
  /** Fixed token (tests); a random one otherwise. */
  token?: string;
  /** Largest accepted JSON body. */
  maxBodyBytes?: number;
}

export interface Bridge {
  url: string;
  /** The URL to open, token included. */
  openUrl: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

/** Names a browser may use for this machine; any other Host on a loopback server is DNS rebinding. */
const LOOPBACK_HOSTNAMES = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTNAMES.has(host.toLowerCase());
}

/**
 * Every error code's HTTP status (a complete table: a new code without one does not compile). A
 * caller's mistake is 4xx; only the server's own failures are 5xx.
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  INVALID_INPUT: 400,
  UNAUTHORIZED: 401,
  NOT_FOUND: 404,
  UNKNOWN_METHOD: 404,
  NO_LIBRARY: 409,
  NO_VIDEOS: 409,
  BUSY: 409,
  CANCELLED: 409,
  DB_TOO_NEW: 409,
  DB_ERROR: 500,
  IO_ERROR: 500,
  INTERNAL: 500,
  UNSUPPORTED: 501,
  MEDIA_TOOLS_MISSING: 503,
};
const SECURITY_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
  // The page's own policy is its meta tag; framing can only be refused by a header.
  'content-security-policy': "frame-ancestors 'none'",
  'x-frame-options': 'DENY',
};

function sameToken(given: string | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function cookieToken(request: IncomingMessage, cookieName: string): string | undefined {
  const header = request.headers.cookie ?? '';
  for (const part of header.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === cookieName) return value.join('=');
  }
  return undefined;
}

/** The hostname of a Host header (`name:port`, `[v6]:port`), lower-cased; null when malformed. */
function hostnameOf(hostHeader: string | undefined): string | null {
  if (!hostHeader) return null;
  try {
    return new URL(`http://${hostHeader}`).hostname;
  } catch {
    return null;
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  writeJson(response, status, JSON.stringify(body));
}

function writeJson(response: ServerResponse, status: number, json: string): void {
  response.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  response.end(json);
}

/** A call's reply as JSON; a memoised (frozen) answer is serialised once, not per call. */
export function callResultJson(result: CallResult<unknown>): string {
  return result.ok ? `{"ok":true,"value":${toJson(result.value)}}` : JSON.stringify(result);
}

function sendError(response: ServerResponse, code: ErrorCode, message: string): void {
  sendJson(response, HTTP_STATUS[code], { ok: false, error: { code, message } });
}

async function readBody(request: IncomingMessage, limit: number): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error(`request body over ${limit} bytes`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * The loopback bridge: the built renderer, the contract's methods (POST /api/call/<method>), its
 * events (server-sent events) and the library's media, all behind a per-run token. The same handlers
 * as the Electron IPC, so the real UI can run in any browser (e2e tests, a headless GPU box).
 */
export async function startBridge(options: BridgeOptions): Promise<Bridge> {
  const token = options.token ?? randomBytes(24).toString('base64url');
  const host = options.host ?? '127.0.0.1';
  const staticRoot = realpathSync(options.staticDir);
  const maxBody = options.maxBodyBytes ?? 1024 * 1024;
  const sseClients = new Set<ServerResponse>();
  let origin = '';
  // Cookies ignore ports: one name per server, so two `pretext serve` on one machine never mix tokens.
  let cookieName = '';

  const unsubscribe = options.events.subscribe((name, payload) => {
    const frame = `event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`;
    for (const client of sseClients) client.write(frame);
  });

  function authorised(request: IncomingMessage, url: URL): boolean {
    const header = request.headers[BRIDGE.tokenHeader];
    return (
      sameToken(typeof header === 'string' ? header : undefined, token) ||
      sameToken(url.searchParams.get(BRIDGE.tokenParam) ?? undefined, token) ||
      sameToken(cookieToken(request, cookieName), token)
    );
  }

  /**
   * On loopback, only requests addressed to this machine by name are answered: a page whose DNS
   * name was rebound to 127.0.0.1 still sends its own name as Host. The port is not pinned so an
   * SSH tunnel may use another local port. Exposed with --host, any name goes (the token guards).
   */
  function hostAllowed(request: IncomingMessage): boolean {
    if (!isLoopbackHost(host)) return true;
    const hostname = hostnameOf(request.headers.host);
    return hostname !== null && isLoopbackHost(hostname);
  }

  /** Browsers send Origin on cross-origin requests (and on same-origin POSTs); only our own page may call. */
  function foreignOrigin(request: IncomingMessage): boolean {
    const requestOrigin = request.headers.origin;
    return requestOrigin !== undefined && requestOrigin !== `http://${request.headers.host ?? ''}`;
  }

  async function serveStatic(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    let pathname: string;
    try {
      pathname = decodeURIComponent(url.pathname);
    } catch {
      response.writeHead(400).end('Bad path');
      return;
    }
    const wanted = resolve(staticRoot, `.${pathname === '/' ? '/index.html' : pathname}`);
    let file = join(staticRoot, 'index.html');
    try {
      const real = await realpath(wanted);
      if (real.startsWith(staticRoot + sep)) file = real;
      else {
        response.writeHead(404).end('Not found');
        return;
      }
    } catch {
      // Unknown paths get the app (client-side routes); anything with an extension is a real 404.
      if (/\.[a-z0-9]+$/i.test(pathname)) {
        response.writeHead(404).end('Not found');
        return;
      }
    }
    // The token arrives once in the URL; a cookie carries it for the page's own assets and media.
    // SameSite=Strict: never sent with a request that another site's page starts.
    const cookie = `${cookieName}=${token}; HttpOnly; SameSite=Strict; Path=/`;
    await sendFile(request, response, file, { 'set-cookie': cookie, 'cache-control': 'no-cache' });
  }

  async function serveCall(request: IncomingMessage, response: ServerResponse, method: string): Promise<void> {
    if (request.method !== 'POST') {
      response.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    let input: unknown;
    try {
      const body = await readBody(request, maxBody);
      input = body.trim() === '' ? {} : JSON.parse(body);
    } catch (error) {
      sendError(response, 'INVALID_INPUT', `Request body is not valid JSON: ${(error as Error).message}`);
      return;
    }
    const result = await dispatch(options.handlers, method, input);
    writeJson(response, result.ok ? 200 : HTTP_STATUS[result.error.code], callResultJson(result));
  }

  function serveEvents(request: IncomingMessage, response: ServerResponse): void {
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      connection: 'keep-alive',
    });
    response.write(': connected\n\n');
    sseClients.add(response);
    request.on('close', () => sseClients.delete(response));
  }

  async function serveMedia(request: IncomingMessage, response: ServerResponse, segments: string[]) {
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
      return;
    }
    const media = parseMediaRequest(segments);
    if (!media) {
      response.writeHead(404).end('Not found');
      return;
    }
    const answer = await options.mediaFile(media);
    if (!answer.ok) {
      response.writeHead(answer.status).end(answer.status === 409 ? 'Changed since the import' : 'Not found');
      return;
    }
    sendOpenFile(request, response, answer.file, { 'cache-control': 'private, max-age=60' });
  }

  async function route(request: IncomingMessage, response: ServerResponse): Promise<void> {
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) response.setHeader(name, value);
    const url = new URL(request.url ?? '/', origin);
    if (!hostAllowed(request)) {
      sendJson(response, 403, {
        ok: false,
        error: { code: 'UNAUTHORIZED', message: 'This server answers only to localhost and 127.0.0.1 (DNS rebinding?).' },
      });
      return;
    }
    if (foreignOrigin(request)) {
      sendError(response, 'UNAUTHORIZED', 'Requests from other origins are refused.');
      return;
    }
    if (!authorised(request, url)) {
      sendError(response, 'UNAUTHORIZED', 'Missing or wrong token: open the URL that `pretext serve` printed.');
      return;
    }
    if (url.pathname.startsWith(BRIDGE.callPrefix)) {
      await serveCall(request, response, url.pathname.slice(BRIDGE.callPrefix.length));
    } else if (url.pathname === BRIDGE.eventsPath) {
      serveEvents(request, response);
    } else if (url.pathname.startsWith(BRIDGE.mediaPrefix)) {
      await serveMedia(request, response, url.pathname.slice(BRIDGE.mediaPrefix.length).split('/'));
    } else if (request.method === 'GET' || request.method === 'HEAD') {
      await serveStatic(request, response, url);
    } else {
      response.writeHead(405, { allow: 'GET, HEAD' }).end();
    }
  }

  const server = createServer((request, response) => {
    route(request, response).catch((error: unknown) => {
      if (!response.headersSent) sendError(response, 'INTERNAL', (error as Error).message);
      else response.destroy();
    });
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => resolvePromise());
  });
  const { port } = server.address() as AddressInfo;
  const urlHost = host.includes(':') ? `[${host}]` : host;
  origin = `http://${urlHost}:${port}`;
  cookieName = `pretext_token_${port}`;
  return {
    url: origin,
    openUrl: `${origin}/?${BRIDGE.tokenParam}=${token}`,
    port,
    token,
    close: async () => {
      unsubscribe();
      for (const client of sseClients) client.end();
      server.closeAllConnections();
      await new Promise<void>((done) => server.close(() => done()));
    },
  };
}
