import { realpathSync } from 'node:fs';
import { dirname } from 'node:path';
import Database from 'better-sqlite3';
import { ApiError } from '../../shared/errors.ts';
import { isPseudoFilesystemPath, readFileHeadSync } from '../util/user-files.ts';
import { migrate, schemaVersion } from './migrations/index.ts';

/** Branded connections (after Signal-Desktop): a write on a read-only handle fails to compile. */
export type ReadableDB = Database.Database & { readonly __readable: true };
export type WritableDB = ReadableDB & { readonly __writable: true };

export interface OpenOptions {
  /** Create the file when it does not exist (otherwise a missing file is NOT_FOUND). */
  create?: boolean;
}

/** How many compiled statements a connection keeps: a bound, since some SQL is built per call (IN lists). */
export const STATEMENT_CACHE_SIZE = 256;

/**
 * Makes `db.prepare` hand back the statement it compiled before for the same SQL. Compiling was the
 * largest part of a cheap call's CPU (bench:ipc's server profile: 43 % of the time in calls, 20 clients
 * listing videos and runs), and every call prepares its queries afresh. A statement handed back again
 * has its row mode reset (raw/pluck/expand off), so it behaves as a fresh one; the least recently used
 * is dropped past STATEMENT_CACHE_SIZE.
 */
function reuseStatements(db: Database.Database): void {
  const compile = db.prepare.bind(db);
  const statements = new Map<string, Database.Statement>();
  db.prepare = ((sql: string) => {
    let statement = statements.get(sql);
    if (statement) {
      statements.delete(sql);
      if (statement.reader) statement.raw(true).raw(false);
    } else {
      statement = compile(sql);
      if (statements.size >= STATEMENT_CACHE_SIZE) statements.delete(statements.keys().next().value as string);
    }
    statements.set(sql, statement);
    return statement;
  }) as Database.Database['prepare'];
}

function applyPragmas(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // WAL + NORMAL: durable at checkpoints, no fsync per transaction; a crash loses at most the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
}

/** The first 16 bytes of every SQLite database file. */
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

/**
 * Refuses, before SQLite opens it, a path that cannot be a library: a FIFO (SQLite's open would
 * block the whole process until a writer came), a device, a file in /proc or /sys, a folder, or a
 * file that is not an SQLite database. Only `create` may use a missing or empty file.
 */
function checkLibraryFile(file: string, create: boolean): void {
  let head: Buffer;
  let size: number;
  try {
    ({ head, stats: { size } } = readFileHeadSync(file, SQLITE_HEADER.length));
  } catch (error) {
    if (!(error instanceof ApiError && error.code === 'NOT_FOUND')) throw error;
    if (!create) throw new ApiError('NOT_FOUND', `No library at ${file}.`);
    let folder: string;
    try {
      folder = realpathSync(dirname(file));
    } catch {
      throw new ApiError('NOT_FOUND', `Cannot create library ${file}: its folder does not exist.`);
    }
    if (isPseudoFilesystemPath(folder)) throw new ApiError('INVALID_INPUT', `A library cannot live in ${folder}.`);
    return;
  }
  if (size === 0 && create) return;
  if (!head.equals(SQLITE_HEADER)) {
    throw new ApiError('INVALID_INPUT', `${file} is not a Pretext library (not an SQLite database); it was not changed.`);
  }
}

/** SQLite's verdict that the file is damaged or no database: the file named is wrong, not the app. */
const isBadFile = (error: unknown) => /^SQLITE_(NOTADB|CORRUPT)/.test(String((error as { code?: unknown }).code));

/** Opens (and migrates) a library database. */
export function openLibraryDatabase(file: string, options: OpenOptions = {}): WritableDB {
  checkLibraryFile(file, options.create === true);
  let db: Database.Database;
  try {
    // The Electron app passes a better-sqlite3 build for its own ABI (see scripts/electron-native.js).
    const nativeBinding = process.env.PRETEXT_SQLITE_BINDING;
    db = new Database(file, { fileMustExist: !options.create, ...(nativeBinding ? { nativeBinding } : {}) });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    if (/unable to open|does not exist|SQLITE_CANTOPEN/i.test(message)) {
      throw new ApiError('NOT_FOUND', `Cannot open library ${file}: ${message}`);
    }
    throw new ApiError('DB_ERROR', `Cannot open library ${file}: ${message}`);
  }
  try {
    // Before the pragmas: switching to WAL would already rewrite another program's database.
    if (schemaVersion(db) === 0 && db.prepare('SELECT count(*) FROM sqlite_master').pluck().get() !== 0) {
      throw new ApiError('INVALID_INPUT', `${file} is an SQLite database of another program, not a Pretext library; it was not changed.`);
    }
    applyPragmas(db);
    reuseStatements(db);
    migrate(db);
  } catch (error) {
    db.close();
    if (error instanceof ApiError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw new ApiError(isBadFile(error) ? 'INVALID_INPUT' : 'DB_ERROR', `${file} is not a usable Pretext library: ${message}`);
  }
  return db as WritableDB;
}

/** An in-memory, migrated database for tests. */
export function openMemoryDatabase(): WritableDB {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  reuseStatements(db);
  migrate(db);
  return db as WritableDB;
}
