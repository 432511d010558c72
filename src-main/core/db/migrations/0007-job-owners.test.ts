import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './index.ts';

describe('migration 0007 (job owners)', () => {
  it('adds owners and an owner column to each kind of job, keeping existing jobs without one', () => {
    const db = new Database(':memory:');
    migrate(db, 6);
    db.prepare(`INSERT INTO import_jobs (root, status, started_at) VALUES ('/r', 'running', 'now')`).run();
    migrate(db, 7);
    expect(schemaVersion(db)).toBe(7);
    expect(db.prepare('SELECT owner_id FROM import_jobs').get()).toEqual({ owner_id: null });
    for (const table of ['training_runs', 'feature_sets']) {
      expect((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((column) => column.name)).toContain('owner_id');
    }
    const insert = db.prepare(`INSERT INTO job_owners (id, host, pid, start_token, heartbeat_at) VALUES (?, 'h', 1, NULL, 'now')`);
    insert.run('a');
    expect(() => insert.run('a')).toThrow(/UNIQUE|PRIMARY/);
  });
});
