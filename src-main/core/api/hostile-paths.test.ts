/**
 * Every contract field that names a file, fed hostile paths through dispatch: FIFOs, /proc, /dev,
 * symbolic links out of the library, a huge sparse file, folders. Each call must end quickly with a
 * typed input error that quotes no file content, and leave the open library as it was.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CallResult } from '../../shared/errors.ts';
import { Studio } from '../studio.ts';
import { dispatch } from './dispatch.ts';
import { EventHub } from '../jobs/events.ts';
import { createHandlers } from './handlers.ts';

const SECRET = 'TOKEN=do-not-leak-4f1c';

let dir: string;
let library: Studio;
let hostile: string[];
/** Real folders: hostile as a library file, but a user may import them. */
let folders: Set<string>;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pretext-hostile-'));
  library = new Studio({ events: new EventHub() });
  library.open(join(dir, 'lib.pretext'), true);
  const secret = join(dir, 'secret.txt');
  writeFileSync(secret, `${SECRET}\nsecond line\n`);
  const fifo = join(dir, 'pipe.fifo');
  execFileSync('mkfifo', [fifo]);
  const huge = join(dir, 'huge.pretext');
  writeFileSync(huge, '');
  truncateSync(huge, 16 * 1024 ** 3); // sparse: 16 GiB that take no disk
  mkdirSync(join(dir, 'links'));
  const link = (name: string, target: string) => {
    symlinkSync(target, join(dir, 'links', name));
    return join(dir, 'links', name);
  };
  folders = new Set([dir, join(dir, 'lib.pretext.cache')]);
  hostile = [
    ...folders,
    secret,
    fifo,
    huge,
    '/proc/self/environ',
    '/proc/self',
    '/proc/self/root',
    '/proc/self/cwd',
    '/dev/zero',
    '/dev/null',
    '/dev/urandom',
    '/',
    '/proc/self/root/pretext-hostile-new',
    link('secret.mp4', secret),
    link('environ.pretext', '/proc/self/environ'),
    link('zero.pretext', '/dev/zero'),
    link('fifo.pretext', fifo),
    link('root', '/'),
    link('proc', '/proc/self'),
    link('loop', join(dir, 'links', 'loop')),
  ];
});

afterEach(async () => {
  await library.close();
  rmSync(dir, { recursive: true, force: true });
});

/** The same place, spelled the ways a path can be spelled. */
function spellings(path: string, random: () => number): string {
  const variants = [path, `${path}/`, `${path}/.`, `${path}//`, `  ${path}  `, `${dir}/links/../${path.replace(/^\//, '../'.repeat(12))}`];
  return variants[Math.floor(random() * variants.length)] as string;
}

/** Every call naming a file, for a path: the library to open (or create), the folder to import, the test list. */
function callsFor(path: string, spelled = path): [string, Record<string, unknown>][] {
  // A real folder may be imported, and may hold a new library (the chooser keeps library.pretext inside).
  const ordinaryFolder = folders.has(path);
  const create = ordinaryFolder ? [] : [['library.open', { path: spelled, create: true }] as [string, Record<string, unknown>]];
  const folder = ordinaryFolder ? [] : [['import.start', { folder: spelled }] as [string, Record<string, unknown>]];
  return [
    ['library.open', { path: spelled }],
    ...create,
    ...folder,
    // The list is text: a path sent as the list is a line of text, never a file to open.
    ['evaluation.table', { testListText: spelled }],
    // The old field took a path and echoed the file's first line in its error.
    ['evaluation.table', { testList: spelled }],
    ['training.importWeights', { file: spelled, task: 'clip-order', backbone: 'c3d' }],
  ];
}

/** A call that must end within `ms`, or the test fails (a FIFO or /dev/zero would hang it). */
async function bounded(call: Promise<CallResult<unknown>>, ms: number, what: string): Promise<CallResult<unknown>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not answer within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([call, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The open library, and every file beside it (no -wal, -shm or .cache appears next to a hostile path). */
function snapshot(): string {
  const files = [dir, join(dir, 'links'), join(dir, 'lib.pretext.cache')].map((folder) => readdirSync(folder).sort());
  return JSON.stringify([library.info(), library.imports.jobs(500), library.videos({ offset: 0, limit: 1000 }), files, readFileSync(join(dir, 'secret.txt'), 'utf8')]);
}

describe('contract fields that name a file', () => {
  it('never echo a file’s content: evaluation.table with a path as its test list (it once leaked /etc/passwd)', async () => {
    const handlers = createHandlers(library);
    for (const input of [{ testList: join(dir, 'secret.txt') }, { testListText: join(dir, 'secret.txt') }, { testListText: '/proc/self/environ' }]) {
      const result = await dispatch(handlers, 'evaluation.table', input);
      expect(result).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
      expect(JSON.stringify(result)).not.toContain(SECRET);
    }
  });

  it('refuse hundreds of random hostile paths with typed input errors, quickly, quoting nothing, changing nothing', async () => {
    const handlers = createHandlers(library);
    const before = snapshot();
    const environ = execFileSync('cat', ['/proc/self/environ']).toString('utf8').split('\0');
    const leaks = [SECRET, 'second line', ...environ.filter((entry) => entry.length > 12)];
    let state = 14;
    const random = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
    const codes = new Set<string>();
    for (let i = 0; i < 300; i++) {
      const path = hostile[Math.floor(random() * hostile.length)] as string;
      const calls = callsFor(path, spellings(path, random));
      const [method, input] = calls[Math.floor(random() * calls.length)] as [string, Record<string, unknown>];
      const what = `${method} ${JSON.stringify(input)}`;
      const result = await bounded(dispatch(handlers, method, input), 5000, what);
      expect(result.ok, what).toBe(false);
      if (result.ok) continue;
      codes.add(result.error.code);
      expect(['INVALID_INPUT', 'NOT_FOUND'], what).toContain(result.error.code);
      const text = JSON.stringify(result.error);
      for (const leak of leaks) expect(text, what).not.toContain(leak);
    }
    expect([...codes].sort()).toEqual(['INVALID_INPUT', 'NOT_FOUND']);
    expect(snapshot()).toBe(before);
  }, 60_000);

  it('refuse each hostile path in each field (the exhaustive pass)', async () => {
    const handlers = createHandlers(library);
    const before = snapshot();
    for (const path of hostile) {
      for (const [method, input] of callsFor(path)) {
        const what = `${method} ${JSON.stringify(input)}`;
        const result = await bounded(dispatch(handlers, method, input), 5000, what);
        expect(result, what).toMatchObject({ ok: false, error: { code: expect.stringMatching(/^(INVALID_INPUT|NOT_FOUND)$/) } });
        expect(JSON.stringify(result), what).not.toContain(SECRET);
      }
    }
    expect(snapshot()).toBe(before);
  }, 60_000);
});
