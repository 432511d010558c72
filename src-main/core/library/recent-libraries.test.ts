import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  MAX_RECENT_LIBRARIES,
  RecentLibraries,
  jsonFileStore,
  parseRecent,
  serializeRecent,
  withRecent,
  type RecentStore,
} from './recent-libraries.ts';

function memoryStore(existing: Iterable<string>, text: string | null = null) {
  const present = new Set(existing);
  const writes: string[] = [];
  const store: RecentStore = {
    read: () => text,
    write: (next) => {
      text = next;
      writes.push(next);
    },
    exists: (path) => present.has(path),
  };
  return { store, writes, present };
}

describe('withRecent', () => {
  it('puts the library first, once, and caps the list', () => {
    expect(withRecent(['/b', '/a'], '/a')).toEqual(['/a', '/b']);
    expect(withRecent(['/a'], '/x/../a')).toEqual(['/a']);
    const many = Array.from({ length: MAX_RECENT_LIBRARIES }, (_, index) => `/lib${index}`);
    const updated = withRecent(many, '/new');
    expect(updated).toHaveLength(MAX_RECENT_LIBRARIES);
    expect(updated[0]).toBe('/new');
    expect(updated).not.toContain(`/lib${MAX_RECENT_LIBRARIES - 1}`);
  });
});

describe('parseRecent', () => {
  it('reads its own format and treats anything damaged as empty', () => {
    expect(parseRecent(serializeRecent(['/a', '/b']))).toEqual(['/a', '/b']);
    expect(parseRecent(null)).toEqual([]);
    expect(parseRecent('{not json')).toEqual([]);
    expect(parseRecent('null')).toEqual([]);
    expect(parseRecent('{"libraries": "nope"}')).toEqual([]);
    expect(parseRecent('{"libraries": ["/a", 3, "", "/a", "rel"]}')).toEqual(['/a', resolve('rel')]);
  });
});

describe('RecentLibraries', () => {
  it('adds, dedupes and lists most recent first', () => {
    const { store } = memoryStore(['/a', '/b']);
    const recent = new RecentLibraries(store);
    recent.add('/a');
    recent.add('/b');
    recent.add('/a');
    expect(recent.list()).toEqual(['/a', '/b']);
  });

  it('prunes libraries that no longer exist, in the file too', () => {
    const { store, present } = memoryStore(['/a', '/b'], serializeRecent(['/a', '/gone', '/b']));
    const recent = new RecentLibraries(store);
    expect(recent.list()).toEqual(['/a', '/b']);
    present.delete('/a');
    expect(recent.list()).toEqual(['/b']);
    expect(parseRecent(store.read())).toEqual(['/b']);
  });

  it('does not rewrite the file when the library is already first', () => {
    const { store, writes } = memoryStore(['/a']);
    const recent = new RecentLibraries(store);
    recent.add('/a');
    recent.add('/a');
    expect(writes).toHaveLength(1);
    recent.clear();
    expect(recent.list()).toEqual([]);
  });
});

describe('jsonFileStore', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes atomically (temporary file, then rename) and creates the folder', () => {
    dir = mkdtempSync(join(tmpdir(), 'pretext-recent-'));
    const file = join(dir, 'user data', 'recent-libraries.json');
    const store = jsonFileStore(file);
    expect(store.read()).toBeNull();
    store.write(serializeRecent(['/a']));
    store.write(serializeRecent(['/b', '/a']));
    expect(parseRecent(readFileSync(file, 'utf8'))).toEqual(['/b', '/a']);
    expect(readdirSync(join(dir, 'user data'))).toEqual(['recent-libraries.json']);
    expect(store.exists(file)).toBe(true);
    expect(store.exists(join(dir, 'nope'))).toBe(false);
  });

  it('throws and leaves no temporary file behind when the rename fails', () => {
    dir = mkdtempSync(join(tmpdir(), 'pretext-recent-'));
    const file = join(dir, 'recent-libraries.json');
    // A non-empty folder where the list should go: the rename over it fails.
    mkdirSync(file);
    writeFileSync(join(file, 'keep'), '');
    expect(() => jsonFileStore(file).write(serializeRecent(['/new']))).toThrow();
    expect(readdirSync(dir)).toEqual(['recent-libraries.json']);
  });
});
