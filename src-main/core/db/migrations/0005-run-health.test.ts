import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './index.ts';

/** A version-4 library with one run, upgraded to 5. */
function at5(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, 4);
  db.prepare(
    `INSERT INTO training_runs (id, task, backbone, config_json, seed, status, total_steps, created_at, updated_at)
     VALUES (1, 'clip-order', 'r3d', '{}', 1, 'completed', 10, 'now', 'now')`,
  ).run();
  migrate(db, 5);
  return db;
}

const insertProbe = (db: Database.Database, runId: number, step: number, spread = 0.1, size = 64) =>
  db.prepare('INSERT INTO run_probes (run_id, step, feature_spread, feature_size) VALUES (?, ?, ?, ?)').run(runId, step, spread, size);

describe('migration 0005 (run health)', () => {
  it('upgrades a version-4 library and keeps one probe per run and step', () => {
    const db = at5();
    expect(schemaVersion(db)).toBe(5);
    insertProbe(db, 1, 0);
    insertProbe(db, 1, 50);
    expect(() => insertProbe(db, 1, 50)).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insertProbe(db, 1, 100, -0.1)).toThrow(/CHECK/);
    expect(() => insertProbe(db, 1, 100, 0.1, 0)).toThrow(/CHECK/);
    expect(() => insertProbe(db, 2, 100)).toThrow(/FOREIGN KEY/);
  });

  it('drops a run’s probes with the run', () => {
    const db = at5();
    insertProbe(db, 1, 50);
    db.prepare('DELETE FROM training_runs WHERE id = 1').run();
    expect((db.prepare('SELECT count(*) AS n FROM run_probes').get() as { n: number }).n).toBe(0);
  });
});
