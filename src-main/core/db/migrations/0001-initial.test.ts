import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './index.ts';

function tables(db: Database.Database): string[] {
  return (
    db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name`).all() as {
      name: string;
    }[]
  ).map((row) => row.name);
}

describe('migration 0001 (initial)', () => {
  it('creates videos, import jobs and failures and sets user_version 1', () => {
    const db = new Database(':memory:');
    migrate(db, 1);
    expect(schemaVersion(db)).toBe(1);
    expect(tables(db)).toEqual(['import_failures', 'import_jobs', 'videos']);
  });

  it('rejects unknown statuses and duplicate paths', () => {
    const db = new Database(':memory:');
    migrate(db, 1);
    const insert = db.prepare(
      `INSERT INTO videos (path, root, size_bytes, mtime_ms, status, imported_at, updated_at)
       VALUES (?, '/r', 1, 1, ?, 'now', 'now')`,
    );
    insert.run('/r/a.mp4', 'ready');
    expect(() => insert.run('/r/b.mp4', 'exploded')).toThrow(/CHECK constraint/);
    expect(() => insert.run('/r/a.mp4', 'ready')).toThrow(/UNIQUE constraint/);
  });

  it('deletes a job’s failures with the job', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, 1);
    db.prepare(`INSERT INTO import_jobs (id, root, status, started_at) VALUES (1, '/r', 'running', 'now')`).run();
    db.prepare(`INSERT INTO import_failures (job_id, path, reason) VALUES (1, '/r/x', 'bad')`).run();
    db.prepare('DELETE FROM import_jobs WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM import_failures').get()).toEqual({ n: 0 });
  });
});
