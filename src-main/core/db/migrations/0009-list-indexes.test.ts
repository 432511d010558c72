import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './index.ts';

const indexes = (db: Database.Database) =>
  (db.prepare(`SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = 'videos' AND sql IS NOT NULL ORDER BY name`).all() as { name: string }[]).map(
    (row) => row.name,
  );

describe('migration 0009 (list indexes)', () => {
  it('adds the grid-order and label/status indexes over existing videos, replacing the label index', () => {
    const db = new Database(':memory:');
    migrate(db, 8);
    db.prepare(
      `INSERT INTO videos (path, root, size_bytes, mtime_ms, label, status, imported_at, updated_at)
       VALUES ('/a/b.mp4', '/a', 1, 1, 'walk', 'ready', 'now', 'now')`,
    ).run();
    expect(indexes(db)).toContain('videos_label');
    migrate(db, 9);
    expect(schemaVersion(db)).toBe(9);
    expect(indexes(db)).toEqual(expect.arrayContaining(['videos_list_order', 'videos_label_status']));
    expect(indexes(db)).not.toContain('videos_label');
    expect(db.prepare(`SELECT count(*) AS n FROM videos WHERE label = 'walk'`).get()).toEqual({ n: 1 });
  });
});
