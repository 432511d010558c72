import type { Migration } from './migration.ts';

/**
 * Run health: the encoder measured on a fixed probe batch during training (feature spread), one row
 * per run and step beside the metric series, so a resumed run can neither duplicate nor skip one.
 */
export const migration0005: Migration = {
  version: 5,
  name: 'run-health',
  up(db) {
    db.exec(`
      CREATE TABLE run_probes (
        run_id INTEGER NOT NULL REFERENCES training_runs(id) ON DELETE CASCADE,
        step INTEGER NOT NULL CHECK (step >= 0),
        feature_spread REAL NOT NULL CHECK (feature_spread >= 0),
        feature_size INTEGER NOT NULL CHECK (feature_size >= 1),
        PRIMARY KEY (run_id, step)
      ) WITHOUT ROWID;
    `);
  },
};
