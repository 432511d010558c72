import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './index.ts';

function videoDatabase(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, 1);
  db.prepare(
    `INSERT INTO videos (id, path, root, size_bytes, mtime_ms, status, imported_at, updated_at)
     VALUES (1, '/r/a.mp4', '/r', 1, 1, 'ready', 'now', 'now')`,
  ).run();
  migrate(db, 2);
  return db;
}

const insertMotion = (db: Database.Database, videoId: number, rate: number, frames = 2, scoreBytes = 4 * frames) =>
  db
    .prepare(
      `INSERT INTO motion (video_id, rate, fps, grid_rows, grid_cols, frame_count, scores, cells, computed_at)
       VALUES (?, ?, 25, 1, 2, ?, ?, ?, 'now')`,
    )
    .run(videoId, rate, frames, Buffer.alloc(scoreBytes), Buffer.alloc(4 * frames * 2));

describe('migration 0002 (motion)', () => {
  it('adds the motion table to a version 1 library that already has videos', () => {
    const db = videoDatabase();
    expect(schemaVersion(db)).toBe(2);
    insertMotion(db, 1, 25);
    insertMotion(db, 1, 0);
    expect(db.prepare('SELECT video_id, rate, frame_count FROM motion ORDER BY rate').all()).toEqual([
      { video_id: 1, rate: 0, frame_count: 2 },
      { video_id: 1, rate: 25, frame_count: 2 },
    ]);
  });

  it('keys by video and rate, checks blob sizes and refuses unknown videos', () => {
    const db = videoDatabase();
    insertMotion(db, 1, 25);
    expect(() => insertMotion(db, 1, 25)).toThrow(/UNIQUE constraint/);
    expect(() => insertMotion(db, 1, 10, 2, 7)).toThrow(/CHECK constraint/);
    expect(() => insertMotion(db, 99, 25)).toThrow(/FOREIGN KEY constraint/);
  });

  it('deletes a video’s motion with the video', () => {
    const db = videoDatabase();
    insertMotion(db, 1, 25);
    db.prepare('DELETE FROM videos WHERE id = 1').run();
    expect(db.prepare('SELECT count(*) AS n FROM motion').get()).toEqual({ n: 0 });
  });
});
