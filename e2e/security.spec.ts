// Serve mode's defences, tried from Chromium and from raw HTTP: the token, other origins and sites,
// DNS rebinding, and the media and static routes' refusal to leave the library and the UI folder.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium, expect, test, type APIRequestContext } from '@playwright/test';
import type { VideoDto, VideoPage } from '../src-main/shared/dto.ts';
import { BRIDGE } from '../src-main/shared/routes.ts';
import { SHARED_MEDIA_DIR } from '../src-main/core/media/testing.ts';
import { serve, type Served } from './serve.ts';

const SECRET = 'pretext-e2e-secret: never served';
const RENDERER_DIR = resolve(import.meta.dirname, '../out/renderer');

let work: string;
let server: Served;
let base: string;
let token: string;
let videos: VideoDto[];
let attacker: Server;
let attackerPort: number;
let attackerHtml = '';
let rendererLink: string;

/** Raw HTTP, so paths like /../ reach the server as written. */
function raw(path: string, headers: Record<string, string> = {}) {
  const { port } = new URL(base);
  return new Promise<{ status: number; body: string }>((done, fail) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, headers }, (res) => {
      let body = '';
      res.on('data', (chunk: Buffer) => (body += chunk.toString('latin1')));
      res.on('end', () => done({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

async function call<T>(request: APIRequestContext, method: string, input: unknown): Promise<T> {
  const response = await request.post(base + BRIDGE.callPath(method as never), {
    headers: { [BRIDGE.tokenHeader]: token },
    data: input,
  });
  const result = (await response.json()) as { ok: boolean; value: T; error?: unknown };
  if (!result.ok) throw new Error(`${method}: ${JSON.stringify(result.error)}`);
  return result.value;
}

/** The few DOM members the page scripts below touch (the e2e tsconfig has no DOM library). */
interface PageGlobals {
  document: {
    createElement(tag: string): { id: string; src: string; textContent: string };
    body: { append(node: unknown): void };
  };
  Image: new () => { src: string; naturalWidth: number; decode(): Promise<void> };
  injected?: boolean;
}
type LoadedImage = { complete: boolean; naturalWidth: number };

const video = (fileName: string) => videos.find((item) => item.fileName === fileName) as VideoDto;

test.beforeAll(async ({ playwright }) => {
  work = mkdtempSync(join(tmpdir(), 'pretext-e2e-security-'));
  const folder = join(work, 'My Videos');
  const outside = join(work, 'outside');
  mkdirSync(join(folder, 'Clips'), { recursive: true });
  mkdirSync(outside);
  writeFileSync(join(work, 'secret.txt'), SECRET);
  copyFileSync(join(SHARED_MEDIA_DIR, 'short_1s.mp4'), join(folder, 'Clips', 'inside.mp4'));
  copyFileSync(join(SHARED_MEDIA_DIR, 'test_clip.mp4'), join(outside, 'other.mp4'));
  // The importer follows links: a linked video is in the library because the user imported the link.
  symlinkSync(join(outside, 'other.mp4'), join(folder, 'Clips', 'linked.mp4'));
  // A link dressed as a video that points at a private file: probed, refused, never served.
  symlinkSync(join(work, 'secret.txt'), join(folder, 'Clips', 'passwd.mp4'));
  rendererLink = join(RENDERER_DIR, `e2e-link-${process.pid}.js`);
  symlinkSync(join(work, 'secret.txt'), rendererLink);

  server = await serve(join(work, 'library.pretext'));
  const url = new URL(server.url);
  token = url.searchParams.get(BRIDGE.tokenParam) as string;
  base = url.origin;

  const api = await playwright.request.newContext();
  const job = await call<{ id: number }>(api, 'import.start', { folder });
  const status = async () =>
    (await call<Array<{ id: number; status: string }>>(api, 'import.jobs', {})).find((j) => j.id === job.id)?.status;
  await expect.poll(status, { timeout: 60_000 }).toBe('completed');
  videos = (await call<VideoPage>(api, 'videos.list', {})).items;
  await api.dispose();

  // Another web server on this machine: the page a malicious site or local app could serve.
  attacker = createServer((_request, response) => {
    response.writeHead(200, { 'content-type': 'text/html' }).end(attackerHtml);
  });
  await new Promise<void>((done) => attacker.listen(0, '127.0.0.1', done));
  attackerPort = (attacker.address() as AddressInfo).port;
});

test.afterAll(async () => {
  rmSync(rendererLink, { force: true });
  await new Promise<void>((done) => (attacker ? attacker.close(() => done()) : done()));
  await server?.stop();
  rmSync(work, { recursive: true, force: true });
});

test('imported the fixture as expected: the linked video by choice, the disguised link refused', () => {
  expect(video('inside.mp4').status).toBe('ready');
  expect(video('linked.mp4').status).toBe('ready');
  expect(video('passwd.mp4').status).toBe('failed');
});

test('every route needs the token: the page, assets, calls, events and media', async ({ playwright }) => {
  const anonymous = await playwright.request.newContext();
  const media = BRIDGE.mediaPath('video', video('inside.mp4').id);
  const refused = [
    await anonymous.get(`${base}/`),
    await anonymous.get(`${base}/index.html`),
    await anonymous.post(base + BRIDGE.callPath('library.current'), { data: {} }),
    await anonymous.get(base + BRIDGE.eventsPath),
    await anonymous.get(base + media),
    await anonymous.get(`${base}${media}?${BRIDGE.tokenParam}=wrong-token`),
    await anonymous.post(base + BRIDGE.callPath('library.current'), {
      data: {},
      headers: { [BRIDGE.tokenHeader]: 'x' },
    }),
  ];
  for (const response of refused) expect(response.status(), response.url()).toBe(401);
  expect((await anonymous.get(`${base}${media}?${BRIDGE.tokenParam}=${token}`)).status()).toBe(200);
  await anonymous.dispose();
});

test('another Origin is refused, even with the token', async ({ playwright }) => {
  const api = await playwright.request.newContext();
  const asEvil = await api.post(base + BRIDGE.callPath('library.current'), {
    data: {},
    headers: { [BRIDGE.tokenHeader]: token, origin: 'http://evil.example' },
  });
  expect(asEvil.status()).toBe(401);
  await api.dispose();
});

test("a page on another port cannot call the API, even with the user's cookie and the token", async ({ page }) => {
  // The user has the app open: the token cookie is set for 127.0.0.1.
  await page.goto(server.url);
  await expect(page.getByTestId('library-header')).toBeVisible();

  // Same site (127.0.0.1), another origin: the browser sends the cookie, the server sees the Origin.
  attackerHtml = '<!doctype html><title>elsewhere</title>';
  await page.goto(`http://127.0.0.1:${attackerPort}/`);
  const target = join(work, 'planted.pretext');
  const planted = page.waitForEvent('requestfailed', (request) => request.url().includes('/library.open'));
  const preflighted = await page.evaluate(
    async ({ base, token, target, header }) => {
      // A "simple" request needs no preflight: it reaches the server, which must refuse it.
      void fetch(`${base}/api/call/library.open?token=${token}`, {
        method: 'POST',
        mode: 'no-cors',
        credentials: 'include',
        headers: { 'content-type': 'text/plain' },
        body: JSON.stringify({ path: target, create: true }),
      }).catch(() => undefined);
      return fetch(`${base}/api/call/library.current`, {
        method: 'POST',
        headers: { [header]: token, 'content-type': 'application/json' },
        body: '{}',
      }).then(
        (response) => `read ${response.status}`,
        () => 'blocked',
      );
    },
    { base, token, target, header: BRIDGE.tokenHeader },
  );
  expect(preflighted).toBe('blocked');
  // The server answered (the browser then hid the answer: Cross-Origin-Resource-Policy)…
  expect((await planted).failure()?.errorText).toContain('ERR_BLOCKED_BY_RESPONSE');
  // …and refused: had it run the call, the library file would exist.
  expect(existsSync(target)).toBe(false);
});

test('the token cookie is not sent cross-site, and media cannot be embedded by another origin', async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByTestId('library-header')).toBeVisible();
  const thumbnail = `${base}${BRIDGE.mediaPath('thumbnail', video('inside.mp4').id)}`;

  /** The Cookie header of an image request that a page at `from` makes to `url`. */
  const cookieOf = async (url: string, from: string) => {
    attackerHtml = '<!doctype html><title>elsewhere</title>';
    await page.goto(from);
    const sent = page.waitForRequest((request) => request.url() === url);
    await page.evaluate((src) => {
      const { document } = globalThis as unknown as PageGlobals;
      const img = document.createElement('img');
      img.id = 'probe';
      img.src = src;
      document.body.append(img);
    }, url);
    return (await (await sent).allHeaders()).cookie;
  };
  // Control: from our own page the cookie goes along.
  expect(await cookieOf(`${base}/favicon-probe.png`, `${base}/`)).toContain(`pretext_token_${new URL(base).port}=`);
  // From another site (localhost is not 127.0.0.1), a SameSite=Strict cookie stays home.
  expect(await cookieOf(thumbnail, `http://localhost:${attackerPort}/`)).toBeUndefined();
  await expect.poll(() => page.locator('#probe').evaluate((img) => (img as unknown as LoadedImage).complete)).toBe(true);
  expect(await page.locator('#probe').evaluate((img) => (img as unknown as LoadedImage).naturalWidth)).toBe(0);

  // Same site, other port: the cookie is sent, but Cross-Origin-Resource-Policy keeps the image out.
  attackerHtml = `<!doctype html><img id="probe" src="${thumbnail}">`;
  await page.goto(`http://127.0.0.1:${attackerPort}/`);
  await expect.poll(() => page.locator('#probe').evaluate((img) => (img as unknown as LoadedImage).complete)).toBe(true);
  expect(await page.locator('#probe').evaluate((img) => (img as unknown as LoadedImage).naturalWidth)).toBe(0);
  // Our own page shows it.
  await page.goto(server.url);
  const own = await page.evaluate(async (src) => {
    const img = new (globalThis as unknown as PageGlobals).Image();
    img.src = src;
    await img.decode();
    return img.naturalWidth;
  }, thumbnail);
  expect(own).toBeGreaterThan(0);
});

test('a DNS-rebound name reaching 127.0.0.1 gets nothing, token or not', async ({ browserName }, testInfo) => {
  expect(browserName).toBe('chromium');
  const launchOptions = testInfo.project.use.launchOptions ?? {};
  // The attacker's name resolves to loopback, as after a DNS rebinding.
  const browser = await chromium.launch({
    ...launchOptions,
    args: [...(launchOptions.args ?? []), '--host-resolver-rules=MAP rebind.test 127.0.0.1'],
  });
  try {
    const page = await browser.newPage();
    const port = new URL(base).port;
    const response = await page.goto(`http://rebind.test:${port}/?${BRIDGE.tokenParam}=${token}`);
    expect(response?.status()).toBe(403);
    await expect(page.locator('body')).not.toContainText('Pretext Studio');
    const call = await page.evaluate(
      async ({ path, header, token }) =>
        (await fetch(path, { method: 'POST', headers: { [header]: token }, body: '{}' })).status,
      { path: BRIDGE.callPath('library.current'), header: BRIDGE.tokenHeader, token },
    );
    expect(call).toBe(403);
  } finally {
    await browser.close();
  }
});

test('the media route serves library videos by id only: no paths, no traversal', async ({ page }) => {
  const auth = { [BRIDGE.tokenHeader]: token };
  const linked = await raw(BRIDGE.mediaPath('video', video('linked.mp4').id), auth);
  expect(linked.status).toBe(200);
  expect((await raw(BRIDGE.mediaPath('video', video('passwd.mp4').id), auth)).status).toBe(404);
  const attempts = [
    '/media/video/..%2f..%2fsecret.txt',
    '/media/video/%2e%2e%2f%2e%2e%2fsecret.txt',
    '/media/video/../../secret.txt',
    `/media/video/${video('inside.mp4').id}/../../../secret.txt`,
    '/media/file/1',
    '/media/video/1e3',
    `/media/video/${encodeURIComponent(join(work, 'secret.txt'))}`,
    '/media/video/999999',
    '/../../secret.txt',
    '/%2e%2e/%2e%2e/secret.txt',
  ];
  for (const path of attempts) {
    const response = await raw(path, auth);
    expect(response.body, path).not.toContain(SECRET);
    expect([400, 404], path).toContain(response.status);
  }
  // The browser's own request path (normalised by Chromium) is refused the same way.
  await page.goto(server.url);
  const traversal = `${base}/media/video/%2e%2e%2fsecret.txt`;
  const fromPage = await page.evaluate(async (url) => (await fetch(url)).status, traversal);
  expect(fromPage).toBe(404);
});

test('the static route does not follow a link out of the UI folder', async () => {
  const response = await raw(`/${rendererLink.split('/').at(-1)}`, { [BRIDGE.tokenHeader]: token });
  expect(response.status).toBe(404);
  expect(response.body).not.toContain(SECRET);
});

test("the page's Content-Security-Policy refuses inline scripts and remote connections", async ({ page }) => {
  await page.goto(server.url);
  await expect(page.getByTestId('library-header')).toBeVisible();
  const result = await page.evaluate(async () => {
    const globals = globalThis as unknown as PageGlobals;
    const script = globals.document.createElement('script');
    script.textContent = 'window.injected = true';
    globals.document.body.append(script);
    const remote = await fetch('https://example.com/').then(
      () => 'fetched',
      () => 'blocked',
    );
    return { injected: globals.injected ?? false, remote };
  });
  expect(result).toEqual({ injected: false, remote: 'blocked' });
});
