import type { Migration } from './migration.ts';

/**
 * Training runs with their full config, the metric series (one row per split and step, so a resumed
 * run can neither duplicate nor skip a step) and checkpoints (folders under the library's cache).
 */
export const migration0003: Migration = {
  version: 3,
  name: 'training-runs',
  up(db) {
    db.exec(`
      CREATE TABLE training_runs (
        id INTEGER PRIMARY KEY,
        task TEXT NOT NULL,
        backbone TEXT NOT NULL,
        config_json TEXT NOT NULL,
        seed INTEGER NOT NULL,
        backend TEXT,
        status TEXT NOT NULL
          CHECK (status IN ('running', 'completed', 'cancelled', 'failed', 'interrupted')),
        step INTEGER NOT NULL DEFAULT 0 CHECK (step >= 0),
        total_steps INTEGER NOT NULL CHECK (total_steps >= 1),
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE run_metrics (
        run_id INTEGER NOT NULL REFERENCES training_runs(id) ON DELETE CASCADE,
        split TEXT NOT NULL CHECK (split IN ('train', 'validation')),
        step INTEGER NOT NULL CHECK (step >= 1),
        loss REAL NOT NULL,
        accuracy REAL NOT NULL CHECK (accuracy >= 0 AND accuracy <= 1),
        steps_per_second REAL,
        PRIMARY KEY (run_id, split, step)
      ) WITHOUT ROWID;

      CREATE TABLE checkpoints (
        id INTEGER PRIMARY KEY,
        run_id INTEGER NOT NULL REFERENCES training_runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL CHECK (step >= 1),
        folder TEXT NOT NULL,
        validation_accuracy REAL,
        is_best INTEGER NOT NULL DEFAULT 0 CHECK (is_best IN (0, 1)),
        created_at TEXT NOT NULL,
        UNIQUE (run_id, step)
      );
      CREATE INDEX checkpoints_run ON checkpoints(run_id);
    `);
  },
};
