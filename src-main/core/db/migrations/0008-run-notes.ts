import type { Migration } from './migration.ts';

/** A run's own title and the researcher's note about it (runs otherwise look alike in a long list). */
export const migration0008: Migration = {
  version: 8,
  name: 'run-notes',
  up(db) {
    db.exec(`
      -- NULL: the run is called by its number, task and backbone.
      ALTER TABLE training_runs ADD COLUMN name TEXT CHECK (name IS NULL OR length(trim(name)) > 0);
      ALTER TABLE training_runs ADD COLUMN note TEXT NOT NULL DEFAULT '';
    `);
  },
};
