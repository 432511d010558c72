import type Database from 'better-sqlite3';
import { ApiError } from '../../../shared/errors.ts';
import { migration0001 } from './0001-initial.ts';
import { migration0002 } from './0002-motion.ts';
import { migration0003 } from './0003-training-runs.ts';
import { migration0004 } from './0004-features.ts';
import { migration0005 } from './0005-run-health.ts';
import { migration0006 } from './0006-feature-protocol.ts';
import { migration0007 } from './0007-job-owners.ts';
import { migration0008 } from './0008-run-notes.ts';
import { migration0009 } from './0009-list-indexes.ts';
import { migration0010 } from './0010-online-knn.ts';
import { migration0011 } from './0011-finetune-runs.ts';
import { migration0012 } from './0012-table-versions.ts';
import type { Migration } from './migration.ts';


/** Every schema version in order; a new version is one new file appended here. */
export const MIGRATIONS: readonly Migration[] = [
  migration0001,
  migration0002,
  migration0003,
  migration0004,
  migration0005,
  migration0006,
  migration0007,
  migration0008,
  migration0009,
  migration0010,
  migration0011,
  migration0012,
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS.length;

export function schemaVersion(db: Database.Database): number {
  return db.pragma('user_version', { simple: true }) as number;
}

/**
 * Brings the database up to `target` (default: latest). Each migration runs in its own transaction
 * together with its user_version bump, so a failure leaves the database at the previous version.
 */
export function migrate(db: Database.Database, target = LATEST_SCHEMA_VERSION): void {
  const current = schemaVersion(db);
  if (current > LATEST_SCHEMA_VERSION) {
    throw new ApiError(
      'DB_TOO_NEW',
      `This library was written by a newer Pretext Studio (schema ${current}; this version knows up to ` +
        `${LATEST_SCHEMA_VERSION}). Update the app to open it; the file was not changed.`,
    );
  }
  for (const migration of MIGRATIONS) {
    if (migration.version <= current || migration.version > target) continue;
    db.transaction(() => {
      migration.up(db);
      db.pragma(`user_version = ${migration.version}`);
    })();
  }
}
