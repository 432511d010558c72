import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EventHub } from '../jobs/events.ts';
import { Studio } from '../studio.ts';
import { LIBRARY_FILE_NAME } from './library-files.ts';
import { recordImported } from './test-support.ts';

let dir: string;
let library: Studio;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pretext-open-'));
  library = new Studio({ events: new EventHub() });
});
afterEach(async () => {
  await library.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('opening a library by the path the user gives', () => {
  it('creates a library file with its missing parent folders', () => {
    const file = join(dir, 'new', 'deeper', 'videos.pretext');
    expect(library.open(file, true).path).toBe(file);
    expect(existsSync(file)).toBe(true);
  });

  it('takes a folder as the place of the library: created when asked, reopened later', async () => {
    const folder = join(dir, 'my library');
    expect(library.open(folder, true).path).toBe(join(folder, LIBRARY_FILE_NAME));
    await library.close();
    expect(library.open(folder, false).path).toBe(join(folder, LIBRARY_FILE_NAME));
  });

  it('creates a library inside an existing folder, and says what is missing when not creating', () => {
    const folder = join(dir, 'existing');
    mkdirSync(folder);
    expect(() => library.open(folder, false)).toThrow(expect.objectContaining({ code: 'NOT_FOUND', message: expect.stringContaining(LIBRARY_FILE_NAME) }));
    expect(library.open(folder, true).path).toBe(join(folder, LIBRARY_FILE_NAME));
  });

  it('makes no library in a filesystem root or a system folder, nor folders there (it once wrote /library.pretext)', () => {
    const fresh = `pretext-open-test-${process.pid}`;
    for (const path of ['/', '/proc/self/root', `/proc/self/root/${fresh}`, '/dev', `/dev/${fresh}.pretext`]) {
      expect(() => library.open(path, true), path).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    }
    expect(existsSync(`/${LIBRARY_FILE_NAME}`)).toBe(false);
    expect(existsSync(`/${fresh}`)).toBe(false);
  });

  it('refuses a folder it cannot create, with a typed error', () => {
    writeFileSync(join(dir, 'a-file'), 'x');
    expect(() => library.open(join(dir, 'a-file', 'sub', 'lib.pretext'), true)).toThrow(expect.objectContaining({ code: 'IO_ERROR' }));
  });
});

describe('the library\'s summary (library.current)', () => {
  it('is one shared answer until the database changes, then shows the change', () => {
    library.open(join(dir, 'lib.pretext'), true);
    const first = library.current();
    expect(library.current()).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    mkdirSync(join(dir, 'videos'));
    writeFileSync(join(dir, 'videos', 'a.mp4'), 'not really a video');
    recordImported(library, join(dir, 'videos', 'a.mp4'), join(dir, 'videos'));
    const after = library.current();
    expect(after).not.toBe(first);
    expect(after?.counts.total).toBe((first?.counts.total ?? 0) + 1);
  });
});
