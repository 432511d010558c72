import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './index.ts';

function at3(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, 2);
  migrate(db, 3);
  return db;
}

function insertRun(db: Database.Database): number {
  return Number(
    db
      .prepare(
        `INSERT INTO training_runs (task, backbone, config_json, seed, status, total_steps, created_at, updated_at)
         VALUES ('clip-order', 'r3d', '{}', 1, 'running', 10, 'now', 'now')`,
      )
      .run().lastInsertRowid,
  );
}

describe('migration 0003 (training runs)', () => {
  it('upgrades a version-2 database', () => {
    const db = at3();
    expect(schemaVersion(db)).toBe(3);
    expect(insertRun(db)).toBe(1);
  });

  it('keeps one metric per run, split and step', () => {
    const db = at3();
    const run = insertRun(db);
    const insert = db.prepare(`INSERT INTO run_metrics (run_id, split, step, loss, accuracy) VALUES (?, ?, ?, 1, 0.5)`);
    insert.run(run, 'train', 1);
    insert.run(run, 'validation', 1);
    expect(() => insert.run(run, 'train', 1)).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insert.run(run, 'test', 2)).toThrow(/CHECK/);
    expect(() => db.prepare(`INSERT INTO run_metrics (run_id, split, step, loss, accuracy) VALUES (?, 'train', 3, 1, 1.5)`).run(run)).toThrow(/CHECK/);
  });

  it('deletes metrics and checkpoints with their run', () => {
    const db = at3();
    const run = insertRun(db);
    db.prepare(`INSERT INTO run_metrics (run_id, split, step, loss, accuracy) VALUES (?, 'train', 1, 1, 0.5)`).run(run);
    db.prepare(`INSERT INTO checkpoints (run_id, step, folder, created_at) VALUES (?, 1, 'c', 'now')`).run(run);
    db.prepare('DELETE FROM training_runs WHERE id = ?').run(run);
    expect(db.prepare('SELECT (SELECT count(*) FROM run_metrics) + (SELECT count(*) FROM checkpoints) AS n').get()).toEqual({ n: 0 });
  });
});
