import type { Migration } from './migration.ts';

/** Videos of the library, import jobs and the per-file failures of each job. */
export const migration0001: Migration = {
  version: 1,
  name: 'initial',
  up(db) {
    db.exec(`
      CREATE TABLE videos (
        id INTEGER PRIMARY KEY,
        path TEXT NOT NULL UNIQUE,
        root TEXT NOT NULL,
        size_bytes INTEGER NOT NULL,
        mtime_ms INTEGER NOT NULL,
        content_hash TEXT,
        duration_s REAL,
        fps REAL,
        frame_count INTEGER,
        frame_count_exact INTEGER NOT NULL DEFAULT 0,
        width INTEGER,
        height INTEGER,
        codec TEXT,
        container TEXT,
        label TEXT,
        status TEXT NOT NULL CHECK (status IN ('ready', 'failed', 'missing', 'duplicate')),
        error TEXT,
        duplicate_of INTEGER REFERENCES videos(id) ON DELETE SET NULL,
        thumbnail TEXT,
        imported_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );
      CREATE INDEX videos_content_hash ON videos(content_hash);
      CREATE INDEX videos_label ON videos(label);
      CREATE INDEX videos_status ON videos(status);
      CREATE INDEX videos_root ON videos(root);

      CREATE TABLE import_jobs (
        id INTEGER PRIMARY KEY,
        root TEXT NOT NULL,
        status TEXT NOT NULL
          CHECK (status IN ('running', 'completed', 'cancelled', 'failed', 'interrupted')),
        started_at TEXT NOT NULL,
        finished_at TEXT,
        found INTEGER NOT NULL DEFAULT 0,
        processed INTEGER NOT NULL DEFAULT 0,
        imported INTEGER NOT NULL DEFAULT 0,
        updated INTEGER NOT NULL DEFAULT 0,
        unchanged INTEGER NOT NULL DEFAULT 0,
        moved INTEGER NOT NULL DEFAULT 0,
        duplicates INTEGER NOT NULL DEFAULT 0,
        failed INTEGER NOT NULL DEFAULT 0,
        missing INTEGER NOT NULL DEFAULT 0,
        error TEXT
      );

      CREATE TABLE import_failures (
        id INTEGER PRIMARY KEY,
        job_id INTEGER NOT NULL REFERENCES import_jobs(id) ON DELETE CASCADE,
        path TEXT NOT NULL,
        reason TEXT NOT NULL
      );
      CREATE INDEX import_failures_job ON import_failures(job_id);
    `);
  },
};
