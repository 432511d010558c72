import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BRIDGE } from '../shared/contract.ts';
import { EventHub } from '../core/jobs/events.ts';
import { createHandlers } from '../core/api/handlers.ts';
import { Studio } from '../core/studio.ts';
import { recordImported } from '../core/library/test-support.ts';
import { SHARED_MEDIA_DIR } from '../core/media/testing.ts';
import type { VideoDto } from '../shared/dto.ts';
import { ERROR_CODES } from '../shared/errors.ts';
import { freezeDeep } from '../core/util/frozen.ts';
import { HTTP_STATUS, callResultJson, startBridge, type Bridge } from './server.ts';

let dir: string;
let bridge: Bridge;
let events: EventHub;
let library: Studio;
const TOKEN = 'test-token-0123456789';

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'pretext-bridge-'));
  const staticDir = join(dir, 'renderer');
  mkdirSync(join(staticDir, 'assets'), { recursive: true });
  writeFileSync(join(staticDir, 'index.html'), '<!doctype html><title>app</title>');
  writeFileSync(join(staticDir, 'assets', 'app.js'), 'console.log(1)');
  writeFileSync(join(dir, 'secret.txt'), 'do not serve');
  symlinkSync(join(dir, 'secret.txt'), join(staticDir, 'assets', 'linked.js'));
  events = new EventHub();
  library = new Studio({ events });
  library.open(join(dir, 'lib.pretext'), true);
  bridge = await startBridge({
    handlers: createHandlers(library),
    events,
    mediaFile: (request) => library.mediaFile(request),
    staticDir,
    token: TOKEN,
  });
});

afterEach(async () => {
  await bridge.close();
  await library.close();
  rmSync(dir, { recursive: true, force: true });
});

/** Raw HTTP so that paths like /../ reach the server unnormalised. */
function raw(path: string, headers: Record<string, string> = {}, method = 'GET', body?: string) {
  return new Promise<{ status: number; headers: Record<string, unknown>; body: Buffer }>((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port: bridge.port, path, method, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const auth = { [BRIDGE.tokenHeader]: TOKEN };

function call(method: string, input: unknown, headers: Record<string, string> = auth) {
  return raw(BRIDGE.callPrefix + method, { 'content-type': 'application/json', ...headers }, 'POST', JSON.stringify(input));
}

describe('bridge', () => {
  it('refuses requests without the token (401) and accepts header, query or cookie', async () => {
    expect((await raw('/')).status).toBe(401);
    expect((await call('library.current', {}, {})).status).toBe(401);
    expect((await raw(`/assets/app.js?${BRIDGE.tokenParam}=wrong`)).status).toBe(401);
    const page = await raw(`/?${BRIDGE.tokenParam}=${TOKEN}`);
    expect(page.status).toBe(200);
    const cookie = String(page.headers['set-cookie']).split(';')[0] as string;
    expect((await raw('/assets/app.js', { cookie })).status).toBe(200);
    expect((await call('library.current', {})).status).toBe(200);
  });

  it('sets a token cookie that is HttpOnly, never sent cross-site and named for this server only', async () => {
    const page = await raw(`/?${BRIDGE.tokenParam}=${TOKEN}`);
    const attributes = String(page.headers['set-cookie']).split(';').map((part) => part.trim());
    expect(attributes[0]).toBe(`pretext_token_${bridge.port}=${TOKEN}`);
    expect(attributes.slice(1).sort()).toEqual(['HttpOnly', 'Path=/', 'SameSite=Strict']);
    // Cookies ignore ports: another server's cookie must not open this one.
    expect((await raw('/assets/app.js', { cookie: `pretext_token_1=${TOKEN}` })).status).toBe(401);
  });

  it('answers only requests addressed to a loopback name (DNS rebinding)', async () => {
    for (const host of ['rebind.example', `rebind.example:${bridge.port}`, `192.168.1.5:${bridge.port}`]) {
      const response = await raw('/', { ...auth, host });
      expect(response.status, host).toBe(403);
      expect(response.body.toString()).not.toContain('<title>');
    }
    // Any port: an SSH tunnel may forward another local port to this one.
    for (const host of [`127.0.0.1:${bridge.port}`, `localhost:${bridge.port}`, `[::1]:${bridge.port}`, 'localhost:9000']) {
      expect((await raw('/', { ...auth, host })).status, host).toBe(200);
    }
  });

  it('refuses framing and sniffing on every response', async () => {
    for (const response of [await raw('/', auth), await raw('/'), await call('library.current', {})]) {
      expect(response.headers['content-security-policy']).toBe("frame-ancestors 'none'");
      expect(response.headers['x-frame-options']).toBe('DENY');
      expect(response.headers['x-content-type-options']).toBe('nosniff');
    }
  });

  it('refuses other origins even with the token', async () => {
    const response = await call('library.current', {}, { ...auth, origin: 'http://evil.example' });
    expect(response.status).toBe(401);
    const same = await call('library.current', {}, { ...auth, origin: bridge.url });
    expect(same.status).toBe(200);
    // Another local server (another port) is another origin.
    const otherPort = await call('library.current', {}, { ...auth, origin: `http://127.0.0.1:${bridge.port + 1}` });
    expect(otherPort.status).toBe(401);
    expect((await call('library.current', {}, { ...auth, origin: 'null' })).status).toBe(401);
    // Through a tunnel or by name, the page's origin is the Host it was opened with.
    const tunnelled = { ...auth, host: 'localhost:9000', origin: 'http://localhost:9000' };
    expect((await call('library.current', {}, tunnelled)).status).toBe(200);
  });

  it('runs contract methods and answers bad input with typed errors', async () => {
    const ok = JSON.parse((await call('library.current', {})).body.toString());
    expect(ok).toMatchObject({ ok: true, value: { counts: { total: 0 } } });
    const bad = await call('videos.list', { limit: -5 });
    expect(bad.status).toBe(400);
    expect(JSON.parse(bad.body.toString()).error.code).toBe('INVALID_INPUT');
    const unknown = await call('fs.readFile', { path: '/etc/passwd' });
    expect(JSON.parse(unknown.body.toString()).error.code).toBe('UNKNOWN_METHOD');
    const notJson = await raw(BRIDGE.callPrefix + 'library.current', auth, 'POST', '{oops');
    expect(JSON.parse(notJson.body.toString()).error.code).toBe('INVALID_INPUT');
    const missing = await call('import.start', { folder: join(dir, 'nope') });
    expect(JSON.parse(missing.body.toString()).error).toMatchObject({ code: 'NOT_FOUND' });
    const dialog = await call('dialog.pickFolder', {});
    expect(JSON.parse(dialog.body.toString()).error.code).toBe('UNSUPPORTED');
  });

  it('answers every handled input error with a 4xx and its typed code (a non-library file was a 500)', async () => {
    writeFileSync(join(dir, 'notes.txt'), 'plain text, not a library '.repeat(10));
    execFileSync('mkfifo', [join(dir, 'lib.fifo')]);
    const cases: [string, unknown, number, string][] = [
      ['library.open', { path: join(dir, 'notes.txt') }, 400, 'INVALID_INPUT'],
      ['library.open', { path: join(dir, 'lib.fifo') }, 400, 'INVALID_INPUT'],
      ['library.open', { path: join(dir, 'nope.pretext') }, 404, 'NOT_FOUND'],
      ['import.start', { folder: join(dir, 'notes.txt') }, 400, 'INVALID_INPUT'],
      ['evaluation.table', { testList: join(dir, 'notes.txt') }, 400, 'INVALID_INPUT'],
      ['training.cancel', { runId: 99 }, 404, 'NOT_FOUND'],
      ['features.update', { setId: 99 }, 404, 'NOT_FOUND'],
    ];
    for (const [method, input, status, code] of cases) {
      const response = await call(method, input);
      const body = JSON.parse(response.body.toString()) as { error: { code: string; message: string } };
      expect([method, response.status, body.error.code]).toEqual([method, status, code]);
      expect(body.error.message).not.toMatch(/plain text/);
    }
    // The library stayed open and unchanged.
    expect(JSON.parse((await call('library.current', {})).body.toString()).value.path).toBe(join(dir, 'lib.pretext'));
  });

  it('has a status for every error code: 4xx for the caller’s mistakes, 5xx for the server’s own failures', () => {
    const serverFailures = new Set(['DB_ERROR', 'IO_ERROR', 'INTERNAL', 'UNSUPPORTED', 'MEDIA_TOOLS_MISSING']);
    for (const code of ERROR_CODES) {
      const status = HTTP_STATUS[code];
      expect([code, serverFailures.has(code) ? status >= 500 : status >= 400 && status < 500]).toEqual([code, true]);
    }
  });

  it('never serves files outside the renderer folder', async () => {
    const outside = ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt'];
    // assets/linked.js is a symbolic link to ../../secret.txt.
    for (const path of [...outside, '/assets/linked.js']) {
      const response = await raw(path, auth);
      expect(response.body.toString()).not.toContain('do not serve');
    }
  });

  it('serves only media the library knows, with Range support', async () => {
    const videoPath = join(dir, 'clip.mp4');
    writeFileSync(videoPath, Buffer.from('0123456789'));
    const id = recordImported(library, videoPath, dir);
    const partial = await raw(BRIDGE.mediaPath('video', id), { ...auth, range: 'bytes=2-5' });
    expect(partial.status).toBe(206);
    expect(partial.body.toString()).toBe('2345');
    expect(partial.headers['content-range']).toBe('bytes 2-5/10');
    expect((await raw(BRIDGE.mediaPath('video', id), { ...auth, range: 'bytes=50-' })).status).toBe(416);
    expect((await raw(BRIDGE.mediaPath('thumbnail', id), auth)).status).toBe(404);
    expect((await raw(BRIDGE.mediaPath('video', id + 1), auth)).status).toBe(404);
    expect((await raw('/media/video/..%2f..%2fsecret.txt', auth)).status).toBe(404);
    expect((await raw(`/media/file/${id}`, auth)).status).toBe(404);
    for (const method of ['DELETE', 'PUT', 'POST', 'TRACE', 'PATCH', 'OPTIONS']) {
      const refused = await raw(BRIDGE.mediaPath('video', id), auth, method);
      expect([method, refused.status, refused.headers.allow]).toEqual([method, 405, 'GET, HEAD']);
      expect(refused.body.toString()).not.toContain('0123');
    }
    const head = await raw(BRIDGE.mediaPath('video', id), auth, 'HEAD');
    expect([head.status, head.headers['content-length'], head.body.length]).toEqual([200, '10', 0]);
    // Not a real video: no playable copy can be made, so the file itself is served.
    const playable = await raw(BRIDGE.mediaPath('playable', id), auth);
    expect(playable.status).toBe(200);
    expect(playable.body.toString()).toBe('0123456789');
  });

  it('serves a video only while it is the file imported: a link out is 404, an overwritten file 409, both marked', async () => {
    const videos = join(dir, 'videos');
    mkdirSync(videos);
    for (const name of ['a.mp4', 'b.mp4', 'c.mp4']) writeFileSync(join(videos, name), `video ${name}`);
    const [a, b, c] = ['a.mp4', 'b.mp4', 'c.mp4'].map((name) => recordImported(library, join(videos, name), videos)) as [number, number, number];
    expect((await raw(BRIDGE.mediaPath('video', a), auth)).body.toString()).toBe('video a.mp4');

    rmSync(join(videos, 'a.mp4'));
    symlinkSync(join(dir, 'secret.txt'), join(videos, 'a.mp4'));
    writeFileSync(join(videos, 'b.mp4'), 'root:x:0:0:root:/root:/bin/bash\n');
    rmSync(join(videos, 'c.mp4'));
    for (const kind of ['video', 'playable'] as const) {
      const linked = await raw(BRIDGE.mediaPath(kind, a), auth);
      expect([kind, linked.status]).toEqual([kind, 404]);
      expect(linked.body.toString()).not.toContain('do not serve');
    }
    const overwritten = await raw(BRIDGE.mediaPath('video', b), auth);
    expect(overwritten.status).toBe(409);
    expect(overwritten.body.toString()).not.toContain('root:x');
    expect((await raw(BRIDGE.mediaPath('video', c), auth)).status).toBe(404);
    expect([a, b, c].map((id) => library.video(id).status)).toEqual(['missing', 'missing', 'missing']);
    expect(library.video(b).error).toMatch(/changed on disk since the import/);
    // Marked, the video is no longer served at all, even if the link is put back.
    expect((await raw(BRIDGE.mediaPath('playable', b), auth)).status).toBe(404);
  });

  it('serves a video the user imported through a link out of the folder (a file or a folder link older than the record)', async () => {
    const videos = join(dir, 'videos');
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(join(elsewhere, 'Class'), { recursive: true });
    mkdirSync(videos);
    writeFileSync(join(elsewhere, 'linked.mp4'), 'linked video');
    writeFileSync(join(elsewhere, 'Class', 'in-folder.mp4'), 'video in a linked folder');
    symlinkSync(join(elsewhere, 'linked.mp4'), join(videos, 'linked.mp4'));
    symlinkSync(join(elsewhere, 'Class'), join(videos, 'Class'));
    // Coarse file-system clocks: let the links be visibly older than the record.
    await new Promise((resolve) => setTimeout(resolve, 30));
    const linked = recordImported(library, join(videos, 'linked.mp4'), videos, new Date());
    const inFolder = recordImported(library, join(videos, 'Class', 'in-folder.mp4'), videos, new Date());
    expect((await raw(BRIDGE.mediaPath('video', linked), auth)).body.toString()).toBe('linked video');
    expect((await raw(BRIDGE.mediaPath('video', inFolder), auth)).body.toString()).toBe('video in a linked folder');
    // The folder link swapped for one to elsewhere after the import: refused even with the same file there.
    await new Promise((resolve) => setTimeout(resolve, 30));
    mkdirSync(join(dir, 'other', 'Class'), { recursive: true });
    writeFileSync(join(dir, 'other', 'Class', 'in-folder.mp4'), 'video in a linked folder');
    utimesSync(join(dir, 'other', 'Class', 'in-folder.mp4'), statSync(join(elsewhere, 'Class', 'in-folder.mp4')).atime, statSync(join(elsewhere, 'Class', 'in-folder.mp4')).mtime);
    rmSync(join(videos, 'Class'));
    symlinkSync(join(dir, 'other', 'Class'), join(videos, 'Class'));
    expect((await raw(BRIDGE.mediaPath('video', inFolder), auth)).status).toBe(404);
    expect(library.video(inFolder).error).toMatch(/link out of the imported folders/);
  });

  it('serves thumbnails only from the library’s thumbnail folder', async () => {
    const id = recordImported(library, join(dir, 'secret.txt'), dir);
    const db = library.requireOpen().db;
    symlinkSync(join(dir, 'secret.txt'), join(library.requireOpen().paths.thumbnails, 'linked.jpg'));
    db.prepare('UPDATE videos SET thumbnail = ? WHERE id = ?').run('linked.jpg', id);
    const linked = await raw(BRIDGE.mediaPath('thumbnail', id), auth);
    expect(linked.status).toBe(404);
    writeFileSync(join(library.requireOpen().paths.thumbnails, 'own.jpg'), 'jpeg bytes');
    db.prepare('UPDATE videos SET thumbnail = ? WHERE id = ?').run('own.jpg', id);
    const own = await raw(BRIDGE.mediaPath('thumbnail', id), auth);
    expect([own.status, own.headers['content-type'], own.body.toString()]).toEqual([200, 'image/jpeg', 'jpeg bytes']);
  });

  it('serves a frame of a real video as a JPEG still, made once into the stills cache; bad ids and times are 404', async () => {
    const videos = join(dir, 'videos');
    mkdirSync(videos);
    copyFileSync(join(SHARED_MEDIA_DIR, 'test_clip.mp4'), join(videos, 'clip.mp4'));
    await library.imports.wait((await library.imports.start(videos)).id);
    const video = library.videos({ offset: 0, limit: 1 }).items[0] as VideoDto;
    const frame = (ms: number) => raw(BRIDGE.mediaPath('frame', video.id, ms), auth);
    const [early, late] = [await frame(200), await frame(Math.floor((video.durationS as number) * 1000) - 500)];
    for (const still of [early, late]) {
      expect([still.status, still.headers['content-type'], still.body.subarray(0, 2).toString('hex')]).toEqual([200, 'image/jpeg', 'ffd8']);
    }
    // A moment of the clip, not the poster: another time is another picture.
    expect(early.body.equals(late.body)).toBe(false);
    const cached = readdirSync(library.requireOpen().paths.stills);
    expect(cached).toHaveLength(2);
    // A second request is answered from the cache, without decoding again.
    const stillFile = join(library.requireOpen().paths.stills, cached.find((name) => name.endsWith('-200.jpg')) as string);
    writeFileSync(stillFile, Buffer.from([0xff, 0xd8, 0x63, 0x61, 0x63, 0x68, 0x65, 0x64]));
    expect((await frame(200)).body.subarray(2).toString()).toBe('cached');
    const refused = [
      `/media/frame/${video.id}`,
      `/media/frame/${video.id}/`,
      `/media/frame/${video.id}/-1`,
      `/media/frame/${video.id}/1.5`,
      `/media/frame/${video.id}/1e3`,
      `/media/frame/${video.id}/200/1`,
      `/media/frame/0/200`,
      `/media/frame/${video.id + 1}/200`,
      `/media/thumbnail/${video.id}/200`,
      BRIDGE.mediaPath('frame', video.id, (video.durationS as number) * 1000 + 1000),
    ];
    for (const path of refused) expect([path, (await raw(path, auth)).status]).toEqual([path, 404]);
    // The same checks as the video itself: a changed file gets no still, and is marked.
    writeFileSync(join(videos, 'clip.mp4'), 'no longer the clip');
    expect((await frame(300)).status).toBe(409);
    expect(library.video(video.id).status).toBe('missing');
  }, 60_000);

  it('streams contract events as server-sent events', async () => {
    const received = await new Promise<string>((resolve, reject) => {
      const req = httpRequest(
        { host: '127.0.0.1', port: bridge.port, path: `${BRIDGE.eventsPath}?${BRIDGE.tokenParam}=${TOKEN}` },
        (res) => {
          let text = '';
          res.on('data', (chunk: Buffer) => {
            text += chunk.toString();
            if (text.includes(': connected')) events.emit('library.changed', library.info());
            if (text.includes('event: library.changed')) {
              req.destroy();
              resolve(text);
            }
          });
        },
      );
      req.on('error', reject);
      req.end();
    });
    const data = received.split('\n').find((line) => line.startsWith('data: '));
    expect(JSON.parse((data as string).slice(6))).toMatchObject({ path: join(dir, 'lib.pretext') });
  });
});

describe('callResultJson', () => {
  it('is the JSON of the call result, for frozen (memoised) values and others alike', () => {
    const results = [
      { ok: true as const, value: freezeDeep({ total: 1, items: [{ id: 1, label: null }] }) },
      { ok: true as const, value: { total: 2 } },
      { ok: true as const, value: null },
      { ok: false as const, error: { code: 'NOT_FOUND' as const, message: 'No run 3.' } },
    ];
    for (const result of results) expect(JSON.parse(callResultJson(result))).toEqual(result);
  });
});
