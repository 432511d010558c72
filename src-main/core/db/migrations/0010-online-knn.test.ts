import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './index.ts';

describe('migration 0010 (online kNN)', () => {
  it('keeps existing probes without a kNN and refuses impossible values', () => {
    const db = new Database(':memory:');
    migrate(db, 9);
    db.prepare(
      `INSERT INTO training_runs (id, task, backbone, config_json, seed, status, total_steps, created_at, updated_at)
       VALUES (1, 'clip-order', 'r3d', '{}', 1, 'completed', 10, 'now', 'now')`,
    ).run();
    db.prepare('INSERT INTO run_probes (run_id, step, feature_spread, feature_size) VALUES (1, 0, 0.1, 64)').run();
    migrate(db, 10);
    expect(schemaVersion(db)).toBe(10);
    expect(db.prepare('SELECT knn_accuracy, knn_videos, knn_classes, knn_majority FROM run_probes').get()).toEqual({
      knn_accuracy: null,
      knn_videos: null,
      knn_classes: null,
      knn_majority: null,
    });
    const insert = db.prepare(
      'INSERT INTO run_probes (run_id, step, feature_spread, feature_size, knn_accuracy, knn_videos, knn_classes, knn_majority) VALUES (1, ?, 0.1, 64, ?, ?, ?, ?)',
    );
    insert.run(50, 0.5, 40, 4, 0.25);
    expect(() => insert.run(100, 1.5, 40, 4, 0.25)).toThrow(/CHECK/);
    expect(() => insert.run(100, 0.5, 1, 4, 0.25)).toThrow(/CHECK/);
    expect(() => insert.run(100, 0.5, 40, 1, 0.25)).toThrow(/CHECK/);
  });
});
