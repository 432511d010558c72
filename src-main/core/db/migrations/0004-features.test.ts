import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate, schemaVersion } from './index.ts';

/** A version-3 library with a video and a run, upgraded to 4. */
function at4(): Database.Database {
  const db = new Database(':memory:');
  db.pragma('foreign_keys = ON');
  migrate(db, 3);
  db.prepare(
    `INSERT INTO videos (id, path, root, size_bytes, mtime_ms, status, imported_at, updated_at)
     VALUES (1, '/r/a.mp4', '/r', 1, 1, 'ready', 'now', 'now')`,
  ).run();
  db.prepare(
    `INSERT INTO training_runs (id, task, backbone, config_json, seed, status, total_steps, created_at, updated_at)
     VALUES (1, 'clip-order', 'r3d', '{}', 1, 'completed', 10, 'now', 'now')`,
  ).run();
  migrate(db, 4);
  return db;
}

const insertSet = (db: Database.Database, key: string, runId: number | null, status = 'ready') =>
  Number(
    db
      .prepare(
        `INSERT INTO feature_sets (source_key, source_json, run_id, name, config_json, feature_size, clips_per_video,
           frames_per_clip, status, created_at, updated_at)
         VALUES (?, '{}', ?, 'n', '{}', 2, 10, 16, ?, 'now', 'now')`,
      )
      .run(key, runId, status).lastInsertRowid,
  );

const insertFeatures = (db: Database.Database, setId: number, videoId: number) =>
  db
    .prepare(
      `INSERT INTO video_features (feature_set_id, video_id, content_hash, vector, clip_vectors, clip_spans)
       VALUES (?, ?, 'h', ?, ?, '[]')`,
    )
    .run(setId, videoId, Buffer.alloc(8), Buffer.alloc(80));

const count = (db: Database.Database, table: string) =>
  (db.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;

describe('migration 0004 (features)', () => {
  it('upgrades a version-3 library and stores vectors per set and video', () => {
    const db = at4();
    expect(schemaVersion(db)).toBe(4);
    const set = insertSet(db, 'run:1:step:10', 1);
    insertFeatures(db, set, 1);
    expect(() => insertFeatures(db, set, 1)).toThrow(/UNIQUE|PRIMARY KEY/);
    expect(() => insertSet(db, 'run:1:step:10', 1)).toThrow(/UNIQUE/);
    expect(() => insertSet(db, 'random:x', null, 'done')).toThrow(/CHECK/);
  });

  it('drops a set with its run, and a video\'s vectors and failures with the video', () => {
    const db = at4();
    const fromRun = insertSet(db, 'run:1:step:10', 1);
    const random = insertSet(db, 'random:seed:0', null);
    insertFeatures(db, fromRun, 1);
    insertFeatures(db, random, 1);
    db.prepare(`INSERT INTO feature_failures (feature_set_id, video_id, reason) VALUES (?, 1, 'x')`).run(random);
    db.prepare('DELETE FROM training_runs WHERE id = 1').run();
    expect(count(db, 'feature_sets')).toBe(1);
    expect(count(db, 'video_features')).toBe(1);
    db.prepare('DELETE FROM videos WHERE id = 1').run();
    expect(count(db, 'video_features') + count(db, 'feature_failures')).toBe(0);
    expect(count(db, 'feature_sets')).toBe(1);
  });
});
