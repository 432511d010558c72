import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventHub } from '../core/jobs/events.ts';
import { MEDIA_NOT_FOUND, type MediaAnswer } from '../core/library/media-access.ts';
import { recordImported } from '../core/library/test-support.ts';
import { Studio } from '../core/studio.ts';
import { openRegularFile } from '../core/util/user-files.ts';
import type { MediaRequest } from '../shared/routes.ts';
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
  it('accepts <kind>/<positive id> and frame/<id>/<ms> only', () => {
    expect(parseMediaUrl('pretext-media://video/12')).toEqual({ kind: 'video', videoId: 12 });
    expect(parseMediaUrl('pretext-media://thumbnail/3/')).toEqual({ kind: 'thumbnail', videoId: 3 });
    expect(parseMediaUrl('pretext-media://frame/3/1840')).toEqual({ kind: 'frame', videoId: 3, ms: 1840 });
    for (const url of [
      'pretext-media://video/0',
      'pretext-media://video/-1',
      'pretext-media://video/1.5',
      'pretext-media://video/1e3',
      'pretext-media://video/99999999999999999999',
      'pretext-media://video/1/2',
      'pretext-media://frame/1',
      'pretext-media://frame/1/-5',
      'pretext-media://frame/1/2.5',
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
  const mediaFile = async ({ kind, videoId }: MediaRequest): Promise<MediaAnswer> =>
    kind === 'video' && videoId === 7 ? { ok: true, file: await openRegularFile(join(dir, 'clip.mp4')) } : MEDIA_NOT_FOUND;

  it('serves only files the library resolves for an id, to GET and HEAD only', async () => {
    const request = new Request('pretext-media://video/7', { headers: { range: 'bytes=0-1' } });
    const ok = await respondWithMedia(request, mediaFile);
    expect(ok.status).toBe(206);
    expect(await ok.text()).toBe('01');
    const refused = ['pretext-media://video/8', 'pretext-media://thumbnail/7', 'pretext-media://video/7/../../secret.txt'];
    for (const url of refused) {
      expect((await respondWithMedia(new Request(url), mediaFile)).status, url).toBe(404);
    }
    const write = await respondWithMedia(new Request('pretext-media://video/7', { method: 'DELETE' }), mediaFile);
    expect([write.status, write.headers.get('allow')]).toEqual([405, 'GET, HEAD']);
  });
});

describe('respondWithMedia with the library', () => {
  let library: Studio;
  let videos: string;
  let id: number;
  const events = new EventHub();
  const serve = (method = 'GET') => respondWithMedia(new Request(`pretext-media://video/${id}`, { method }), (request) => library.mediaFile(request));

  beforeEach(() => {
    videos = join(dir, 'videos');
    mkdirSync(videos);
    writeFileSync(join(videos, 'clip.mp4'), 'imported video bytes');
    library = new Studio({ events });
    library.open(join(dir, 'lib.pretext'), true);
    id = recordImported(library, join(videos, 'clip.mp4'), videos);
  });
  afterEach(() => library.close());

  it('serves the file as imported', async () => {
    const response = await serve();
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('imported video bytes');
  });

  it('refuses a video replaced by a link out of the library (404) and marks it missing', async () => {
    rmSync(join(videos, 'clip.mp4'));
    symlinkSync(join(dir, 'secret.txt'), join(videos, 'clip.mp4'));
    const response = await serve();
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('do not serve');
    expect(library.video(id)).toMatchObject({ status: 'missing', error: expect.stringMatching(/link out of the imported folders/) });
  });

  it('refuses a video overwritten after the import (409) and marks it changed', async () => {
    writeFileSync(join(videos, 'clip.mp4'), 'root:x:0:0:root:/root:/bin/bash');
    const response = await serve('HEAD');
    expect(response.status).toBe(409);
    expect(library.video(id)).toMatchObject({ status: 'missing', error: expect.stringMatching(/changed on disk since the import/) });
    expect((await serve()).status).toBe(404);
  });

  it('refuses a video that became a FIFO without waiting for a writer', async () => {
    rmSync(join(videos, 'clip.mp4'));
    execFileSync('mkfifo', [join(videos, 'clip.mp4')]);
    expect((await serve()).status).toBe(404);
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
