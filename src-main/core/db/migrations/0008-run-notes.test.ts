import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './index.ts';

describe('migration 0008 (run notes)', () => {
  it('gives existing runs no name and an empty note, and refuses a blank name', () => {
    const db = new Database(':memory:');
    migrate(db, 7);
    db.prepare(
      `INSERT INTO training_runs (id, task, backbone, config_json, seed, status, total_steps, created_at, updated_at)
       VALUES (1, 'clip-order', 'r3d', '{}', 1, 'completed', 10, 'now', 'now')`,
    ).run();
    migrate(db, 8);
    expect(schemaVersion(db)).toBe(8);
    expect(db.prepare('SELECT name, note FROM training_runs').get()).toEqual({ name: null, note: '' });
    expect(() => db.prepare(`UPDATE training_runs SET name = '  '`).run()).toThrow(/CHECK/);
    db.prepare(`UPDATE training_runs SET name = 'baseline', note = 'lr 0.01'`).run();
    expect(db.prepare('SELECT name, note FROM training_runs').get()).toEqual({ name: 'baseline', note: 'lr 0.01' });
  });
});
