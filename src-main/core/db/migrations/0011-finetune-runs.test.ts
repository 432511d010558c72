import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './index.ts';

const insertRun = (db: Database.Database, id: number, extra = '', values = '') =>
  db
    .prepare(
      `INSERT INTO training_runs (id, task, backbone, config_json, seed, status, total_steps, created_at, updated_at${extra})
       VALUES (${id}, 'clip-order', 'r3d', '{}', 1, 'completed', 10, 'now', 'now'${values})`,
    )
    .run();

describe('migration 0011 (fine-tune runs)', () => {
  it('keeps existing runs as pretext runs without a parent or test accuracy', () => {
    const db = new Database(':memory:');
    migrate(db, 10);
    insertRun(db, 1);
    migrate(db, 11);
    expect(schemaVersion(db)).toBe(11);
    expect(db.prepare('SELECT kind, parent_run_id, finetune_json, test_top1, test_top5, test_videos, test_clips FROM training_runs').get()).toEqual({
      kind: 'pretext',
      parent_run_id: null,
      finetune_json: null,
      test_top1: null,
      test_top5: null,
      test_videos: null,
      test_clips: null,
    });
  });

  it('links a fine-tune run to its parent; deleting the parent keeps the run and clears the link', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db);
    insertRun(db, 1);
    insertRun(db, 2, ', kind, parent_run_id, test_top1, test_videos, test_clips', ", 'finetune', 1, 0.75, 8, 10");
    expect(() => insertRun(db, 3, ', kind, parent_run_id', ", 'finetune', 99")).toThrow(/FOREIGN KEY/);
    db.prepare('DELETE FROM training_runs WHERE id = 1').run();
    expect(db.prepare('SELECT id, kind, parent_run_id, test_top1 FROM training_runs').all()).toEqual([
      { id: 2, kind: 'finetune', parent_run_id: null, test_top1: 0.75 },
    ]);
  });

  it('refuses impossible values', () => {
    const db = new Database(':memory:');
    migrate(db);
    expect(() => insertRun(db, 1, ', kind', ", 'linear'")).toThrow(/CHECK/);
    expect(() => insertRun(db, 1, ', test_top1', ', 1.5')).toThrow(/CHECK/);
    expect(() => insertRun(db, 1, ', test_top5', ', -0.1')).toThrow(/CHECK/);
    expect(() => insertRun(db, 1, ', test_videos', ', 0')).toThrow(/CHECK/);
    expect(() => insertRun(db, 1, ', test_clips', ', 0')).toThrow(/CHECK/);
  });
});
