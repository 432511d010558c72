import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appFileFor, fileResponse, parseMediaUrl, respondWithAppFile, respondWithMedia } from './protocol-responses.ts';
import { APP_ORIGIN, CONTENT_SECURITY_POLICY } from './security.ts';

let dir: string;
let renderer: string;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pretext-protocol-'));
  renderer = join(dir, 'renderer');
  mkdirSync(join(renderer, 'assets'), { recursive: true });
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(renderer, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'do not serve');
  writeFileSync(join(dir, 'clip.mp4'), '0123456789');
  symlinkSync(join(dir, 'secret.txt'), join(renderer, 'assets', 'link.js'));
  symlinkSync(dir, join(renderer, 'outside'));
});

afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('parseMediaUrl', () => {
  it('accepts <kind>/<positive id> only', () => {
    expect(parseMediaUrl('pretext-media://video/12')).toEqual({ kind: 'video', id: 12 });
    expect(parseMediaUrl('pretext-media://thumbnail/3/')).toEqual({ kind: 'thumbnail', id: 3 });
    for (const url of [
      'pretext-media://video/0',
      'pretext-media://video/-1',
      'pretext-media://video/1.5',
      'pretext-media://video/1e3',
      'pretext-media://video/99999999999999999999',
      'pretext-media://video/1/2',
      'pretext-media://video/%2e%2e%2fetc%2fpasswd',
      'pretext-media://video/../../etc/passwd',
      'pretext-media://file/1',
      'pretext-media:///etc/passwd',
      'pretext-app://video/1',
      'nonsense',
    ]) {
      expect(parseMediaUrl(url), url).toBeNull();
    }
  });
});

describe('appFileFor', () => {
  it('maps our origin to files of the renderer folder', () => {
    expect(appFileFor(`${APP_ORIGIN}/`, renderer)).toBe(join(renderer, 'index.html'));
    expect(appFileFor(`${APP_ORIGIN}/assets/app.js?v=1`, renderer)).toBe(join(renderer, 'assets', 'app.js'));
  });

  it('refuses other origins, traversal, encoded separators and links out of the folder', () => {
    for (const url of [
      'pretext-app://other/index.html',
      'pretext-media://studio/index.html',
      `${APP_ORIGIN}/../secret.txt`,
      `${APP_ORIGIN}/%2e%2e/secret.txt`,
      `${APP_ORIGIN}/assets/..%2f..%2fsecret.txt`,
      `${APP_ORIGIN}/..%5csecret.txt`,
      `${APP_ORIGIN}/assets/link.js`,
      `${APP_ORIGIN}/outside/secret.txt`,
      `${APP_ORIGIN}/missing.js`,
      `${APP_ORIGIN}/%E0%A4%A`,
    ]) {
      expect(appFileFor(url, renderer), url).toBeNull();
    }
  });
});

describe('fileResponse', () => {
  const get = (range?: string) => ({ method: 'GET', headers: new Headers(range ? { range } : {}) });

  it('streams a whole file, or a range as 206', async () => {
    const whole = await fileResponse(join(dir, 'clip.mp4'), get());
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('video/mp4');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(await whole.text()).toBe('0123456789');

    const part = await fileResponse(join(dir, 'clip.mp4'), get('bytes=2-5'));
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe('bytes 2-5/10');
    expect(part.headers.get('content-length')).toBe('4');
    expect(await part.text()).toBe('2345');

    const tail = await fileResponse(join(dir, 'clip.mp4'), get('bytes=-3'));
    expect(await tail.text()).toBe('789');
  });

  it('answers 416 outside the file, 404 for folders and missing files, 405 for writes, no body to HEAD', async () => {
    expect((await fileResponse(join(dir, 'clip.mp4'), get('bytes=50-'))).status).toBe(416);
    expect((await fileResponse(dir, get())).status).toBe(404);
    expect((await fileResponse(join(dir, 'nope.mp4'), get())).status).toBe(404);
    expect((await fileResponse(join(dir, 'clip.mp4'), { method: 'POST', headers: new Headers() })).status).toBe(405);
    const head = await fileResponse(join(dir, 'clip.mp4'), { method: 'HEAD', headers: new Headers() });
    expect(head.headers.get('content-length')).toBe('10');
    expect(head.body).toBeNull();
  });
});

describe('respondWithMedia', () => {
  const mediaFile = async (kind: string, id: number) => (kind === 'video' && id === 7 ? join(dir, 'clip.mp4') : null);

  it('serves only files the library resolves for an id', async () => {
    const request = new Request('pretext-media://video/7', { headers: { range: 'bytes=0-1' } });
    const ok = await respondWithMedia(request, mediaFile);
    expect(ok.status).toBe(206);
    expect(await ok.text()).toBe('01');
    const refused = ['pretext-media://video/8', 'pretext-media://thumbnail/7', 'pretext-media://video/7/../../secret.txt'];
    for (const url of refused) {
      expect((await respondWithMedia(new Request(url), mediaFile)).status, url).toBe(404);
    }
  });
});

describe('respondWithAppFile', () => {
  it('sends the Content-Security-Policy header with the page', async () => {
    const response = await respondWithAppFile(new Request(`${APP_ORIGIN}/index.html`), renderer);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    const refused = await respondWithAppFile(new Request(`${APP_ORIGIN}/assets/link.js`), renderer);
    expect(refused.status).toBe(404);
    expect(await refused.text()).not.toContain('do not serve');
  });
});
