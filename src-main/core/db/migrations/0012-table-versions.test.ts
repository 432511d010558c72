import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './index.ts';

describe('migration 0012 (table versions)', () => {
  it('bumps a table\'s version on every inserted, updated and deleted row of it, and only of it', () => {
    const db = new Database(':memory:');
    migrate(db, 11);
    db.prepare(
      `INSERT INTO videos (path, root, size_bytes, mtime_ms, content_hash, status, imported_at, updated_at)
       VALUES ('/lib/a.mp4', '/lib', 1, 1, 'a', 'ready', 'now', 'now')`,
    ).run();
    migrate(db, 12);
    expect(schemaVersion(db)).toBe(12);
    const versions = () => Object.fromEntries((db.prepare('SELECT name, version FROM table_versions').all() as { name: string; version: number }[]).map((row) => [row.name, row.version]));
    expect(versions()).toEqual({ videos: 0, import_jobs: 0 });
    db.prepare(
      `INSERT INTO videos (path, root, size_bytes, mtime_ms, content_hash, status, imported_at, updated_at)
       VALUES ('/lib/b.mp4', '/lib', 1, 1, 'b', 'ready', 'now', 'now')`,
    ).run();
    db.prepare("UPDATE videos SET label = 'walk'").run();
    db.prepare("DELETE FROM videos WHERE path = '/lib/a.mp4'").run();
    // One insert, two rows updated, one delete.
    expect(versions()).toEqual({ videos: 4, import_jobs: 0 });
    db.prepare(
      `INSERT INTO training_runs (id, task, backbone, config_json, seed, status, total_steps, created_at, updated_at)
       VALUES (1, 'clip-order', 'r3d', '{}', 1, 'running', 10, 'now', 'now')`,
    ).run();
    expect(versions()).toEqual({ videos: 4, import_jobs: 0 });
    db.prepare("INSERT INTO import_jobs (root, status, started_at) VALUES ('/lib', 'running', 'now')").run();
    expect(versions()).toEqual({ videos: 4, import_jobs: 1 });
  });
});
