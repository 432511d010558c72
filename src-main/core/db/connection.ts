import Database from 'better-sqlite3';
import { ApiError } from '../../shared/errors.ts';
import { migrate } from './migrations/index.ts';

/** Branded connections (after Signal-Desktop): a write on a read-only handle fails to compile. */
export type ReadableDB = Database.Database & { readonly __readable: true };
export type WritableDB = ReadableDB & { readonly __writable: true };

export interface OpenOptions {
  /** Create the file when it does not exist (otherwise a missing file is NOT_FOUND). */
  create?: boolean;
}

function applyPragmas(db: Database.Database): void {
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  // WAL + NORMAL: durable at checkpoints, no fsync per transaction; a crash loses at most the last commits.
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
}

/** Opens (and migrates) a library database. */
export function openLibraryDatabase(file: string, options: OpenOptions = {}): WritableDB {
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
    applyPragmas(db);
    migrate(db);
  } catch (error) {
    db.close();
    if (error instanceof ApiError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    // A non-SQLite file surfaces here as SQLITE_NOTADB.
    throw new ApiError('DB_ERROR', `${file} is not a usable Pretext library: ${message}`);
  }
  return db as WritableDB;
}

/** An in-memory, migrated database for tests. */
export function openMemoryDatabase(): WritableDB {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db);
  return db as WritableDB;
}
