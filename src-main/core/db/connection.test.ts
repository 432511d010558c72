import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibraryDatabase } from './connection.ts';
import { LATEST_SCHEMA_VERSION, schemaVersion } from './migrations/index.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pretext-db-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('openLibraryDatabase', () => {
  it('creates a migrated WAL database when asked to', () => {
    const db = openLibraryDatabase(join(dir, 'lib.pretext'), { create: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(schemaVersion(db)).toBe(LATEST_SCHEMA_VERSION);
    db.close();
  });

  it('does not create a missing file unless asked to', () => {
    expect(() => openLibraryDatabase(join(dir, 'nope.pretext'))).toThrow(
      expect.objectContaining({ code: 'NOT_FOUND' }),
    );
  });

  it('refuses a file that is not a database without changing it', () => {
    const file = join(dir, 'notes.pretext');
    writeFileSync(file, 'this is not sqlite, just some text that happens to be long enough. '.repeat(20));
    expect(() => openLibraryDatabase(file)).toThrow(expect.objectContaining({ code: 'DB_ERROR' }));
  });
});
