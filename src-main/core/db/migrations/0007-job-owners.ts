import type { Migration } from './migration.ts';

/**
 * Who runs each long job. Several processes may open one library (the app, `pretext train`, a
 * `pretext serve` on another machine over a network share): each one that runs jobs has a row here,
 * and a running import, training run or extraction names its owner. A job is closed as interrupted
 * only when its owner is gone, never because another process opened the library.
 */
export const migration0007: Migration = {
  version: 7,
  name: 'job-owners',
  up(db) {
    db.exec(`
      CREATE TABLE job_owners (
        -- Random per process and library: a pid alone is reused by the system.
        id TEXT PRIMARY KEY,
        host TEXT NOT NULL,
        pid INTEGER NOT NULL,
        -- Identifies the process beyond its pid where the system allows (Linux: boot id + start time).
        start_token TEXT,
        -- Renewed by the owner every few seconds; a lease that ran out means the owner is gone.
        heartbeat_at TEXT NOT NULL
      ) WITHOUT ROWID;

      ALTER TABLE import_jobs ADD COLUMN owner_id TEXT;
      ALTER TABLE training_runs ADD COLUMN owner_id TEXT;
      ALTER TABLE feature_sets ADD COLUMN owner_id TEXT;
    `);
  },
};
