import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLibraryDatabase, STATEMENT_CACHE_SIZE } from './connection.ts';
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

  it('refuses a file that is not a database without changing it or quoting it (an input error, not a DB_ERROR)', () => {
    const file = join(dir, 'notes.pretext');
    const text = 'this is not sqlite, just some text that happens to be long enough. '.repeat(20);
    writeFileSync(file, text);
    for (const create of [false, true]) {
      expect(() => openLibraryDatabase(file, { create })).toThrow(
        expect.objectContaining({ code: 'INVALID_INPUT', message: expect.not.stringContaining('sqlite, just') }),
      );
    }
    expect(readFileSync(file, 'utf8')).toBe(text);
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('refuses FIFOs, devices, /proc files and folders at once, without opening them for SQLite', () => {
    const fifo = join(dir, 'lib.fifo');
    execFileSync('mkfifo', [fifo]);
    for (const path of [fifo, '/dev/zero', '/dev/null', '/proc/self/environ', dir]) {
      for (const create of [false, true]) {
        expect(() => openLibraryDatabase(path, { create })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
      }
    }
    expect(() => openLibraryDatabase('/dev/shm/new.pretext', { create: true })).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
  });

  it('turns an empty file into a library only when asked to create one', () => {
    const file = join(dir, 'empty.pretext');
    writeFileSync(file, '');
    expect(() => openLibraryDatabase(file)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT' }));
    openLibraryDatabase(file, { create: true }).close();
    openLibraryDatabase(file).close();
  });

  it('leaves another program’s SQLite database alone', () => {
    const file = join(dir, 'places.sqlite');
    const other = new Database(file);
    other.exec('CREATE TABLE places (url TEXT)');
    other.close();
    const before = readFileSync(file);
    expect(() => openLibraryDatabase(file)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', message: expect.stringMatching(/another program/) }));
    expect(readFileSync(file).equals(before)).toBe(true);
  });
});

describe('statement reuse', () => {
  it('hands back the statement compiled before, with its row mode reset, and bounds how many it keeps', () => {
    const db = openLibraryDatabase(join(dir, 'lib.pretext'), { create: true });
    db.exec('CREATE TABLE pairs (a INTEGER, b INTEGER); INSERT INTO pairs VALUES (1, 2)');
    const sql = 'SELECT a, b FROM pairs';
    const first = db.prepare(sql);
    expect(db.prepare(sql)).toBe(first);
    expect(db.prepare(sql).pluck().get()).toBe(1);
    expect(db.prepare(sql).get()).toEqual({ a: 1, b: 2 });
    expect(db.prepare(sql).raw().get()).toEqual([1, 2]);
    expect(db.prepare(sql).get()).toEqual({ a: 1, b: 2 });
    expect(db.prepare(sql).expand().get()).toEqual({ pairs: { a: 1, b: 2 } });
    expect(db.prepare(sql).get()).toEqual({ a: 1, b: 2 });
    // Writes are statements too; a reused one binds new values each run.
    const insert = db.prepare('INSERT INTO pairs VALUES (?, ?)');
    db.prepare('INSERT INTO pairs VALUES (?, ?)').run(3, 4);
    expect(db.prepare('INSERT INTO pairs VALUES (?, ?)')).toBe(insert);
    expect(db.prepare('SELECT count(*) FROM pairs').pluck().get()).toBe(2);

    for (let i = 0; i < STATEMENT_CACHE_SIZE; i++) db.prepare(`SELECT ${i} AS n`);
    // Past the bound the least recently used was dropped: compiled afresh, still correct.
    const again = db.prepare(sql);
    expect(again).not.toBe(first);
    expect(again.all()).toEqual([{ a: 1, b: 2 }, { a: 3, b: 4 }]);
    expect(db.prepare(`SELECT ${STATEMENT_CACHE_SIZE - 1} AS n`).pluck().get()).toBe(STATEMENT_CACHE_SIZE - 1);
    db.close();
  });
});
