import type { Migration } from './migration.ts';

/** The tables whose changes the library summary and the video listings depend on. */
const VERSIONED_TABLES = ['videos', 'import_jobs'] as const;

/**
 * A version per table, bumped by triggers on every inserted, updated or deleted row, by any
 * connection or process (issue #14.7). The listings and counts are kept until the tables they read
 * change: before, any change to the database (a training run's metrics, several times a second)
 * invalidated them, and with 20,000 videos each re-count cost tens of milliseconds on the loop that
 * answers the UI.
 */
export const migration0012: Migration = {
  version: 12,
  name: 'table-versions',
  up(db) {
    db.exec(`CREATE TABLE table_versions (name TEXT PRIMARY KEY, version INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID`);
    for (const table of VERSIONED_TABLES) {
      db.prepare('INSERT INTO table_versions (name) VALUES (?)').run(table);
      for (const event of ['INSERT', 'UPDATE', 'DELETE']) {
        db.exec(`
          CREATE TRIGGER ${table}_${event.toLowerCase()}_version AFTER ${event} ON ${table}
          BEGIN UPDATE table_versions SET version = version + 1 WHERE name = '${table}'; END
        `);
      }
    }
  },
};
