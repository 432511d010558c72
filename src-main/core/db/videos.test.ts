import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { openLibraryDatabase, openMemoryDatabase, type WritableDB } from './connection.ts';
import { migrate } from './migrations/index.ts';
import {
  findVideosByHash,
  insertVideo,
  labelCounts,
  listVideos,
  markMissing,
  presentPathsUnder,
  statusCounts,
  type VideoRecord,
} from './videos.ts';

function record(path: string, overrides: Partial<VideoRecord> = {}): VideoRecord {
  return {
    path,
    root: '/lib',
    sizeBytes: 100,
    mtimeMs: 1,
    contentHash: `h:${path}`,
    media: {
      durationS: 2,
      fps: 25,
      frameCount: 50,
      frameCountExact: true,
      width: 320,
      height: 240,
      codec: 'h264',
      container: 'mp4',
    },
    label: null,
    status: 'ready',
    error: null,
    duplicateOf: null,
    thumbnail: null,
    ...overrides,
  };
}

describe('videos repository', () => {
  it('filters by label (including unlabelled), status and search, with paging', () => {
    const db = openMemoryDatabase();
    insertVideo(db, record('/lib/Run/a.mp4', { label: 'Run' }));
    insertVideo(db, record('/lib/Run/b_100%.mp4', { label: 'Run' }));
    insertVideo(db, record('/lib/Jump/c.mp4', { label: 'Jump' }));
    insertVideo(db, record('/lib/d.mp4'));
    insertVideo(db, record('/lib/bad.mp4', { status: 'failed', error: 'corrupt', media: null }));

    expect(listVideos(db, { offset: 0, limit: 10 }).total).toBe(5);
    expect(listVideos(db, { offset: 0, limit: 10, label: 'Run' }).items.map((v) => v.fileName)).toEqual([
      'a.mp4',
      'b_100%.mp4',
    ]);
    expect(listVideos(db, { offset: 0, limit: 10, label: null }).total).toBe(2);
    expect(listVideos(db, { offset: 0, limit: 10, status: 'failed' }).items[0]?.error).toBe('corrupt');
    // LIKE wildcards in the search text are literal.
    expect(listVideos(db, { offset: 0, limit: 10, search: '100%' }).total).toBe(1);
    expect(listVideos(db, { offset: 0, limit: 10, search: '_' }).total).toBe(1);
    const page = listVideos(db, { offset: 2, limit: 2 });
    expect(page.items).toHaveLength(2);
    expect(page.offset).toBe(2);
  });

  it('counts statuses, and labels of ready videos and of all videos (as the label filter finds them)', () => {
    const db = openMemoryDatabase();
    insertVideo(db, record('/lib/Run/a.mp4', { label: 'Run' }));
    insertVideo(db, record('/lib/Run/x.mp4', { label: 'Run', status: 'failed', media: null }));
    insertVideo(db, record('/lib/d.mp4'));
    insertVideo(db, record('/lib/e.mp4', { status: 'failed', media: null }));
    insertVideo(db, record('/lib/f.mp4', { status: 'failed', media: null }));
    insertVideo(db, record('/lib/Walk/g.mp4', { label: 'Walk', status: 'failed', media: null }));
    expect(statusCounts(db)).toEqual({ ready: 2, failed: 4, missing: 0, duplicate: 0, total: 6 });
    expect(labelCounts(db)).toEqual([
      { label: 'Run', count: 1, total: 2 },
      { label: 'Walk', count: 0, total: 1 },
      { label: null, count: 1, total: 3 },
    ]);
    for (const { label, total } of labelCounts(db)) expect(listVideos(db, { offset: 0, limit: 10, label }).total).toBe(total);
  });

  it('finds present paths under a folder without matching sibling prefixes', () => {
    const db = openMemoryDatabase();
    insertVideo(db, record('/lib/a.mp4'));
    insertVideo(db, record('/library2/b.mp4'));
    insertVideo(db, record('/lib/sub/c.mp4'));
    markMissing(db, '/lib/sub/c.mp4');
    expect(presentPathsUnder(db, '/lib', '/')).toEqual(['/lib/a.mp4']);
  });

  it('lists videos sharing a content hash oldest first', () => {
    const db = openMemoryDatabase();
    const first = insertVideo(db, record('/lib/a.mp4', { contentHash: 'same' }));
    const second = insertVideo(db, record('/lib/b.mp4', { contentHash: 'same', status: 'duplicate', duplicateOf: first }));
    expect(findVideosByHash(db, 'same').map((v) => v.id)).toEqual([first, second]);
  });
});

describe('the UI\'s most frequent listings', () => {
  it('page the grid along an index and count labels from a covering one, never sorting the whole library', () => {
    const executed: string[] = [];
    const raw = new Database(':memory:', { verbose: (sql) => executed.push(String(sql)) });
    migrate(raw);
    const db = raw as unknown as WritableDB;
    for (let i = 0; i < 40; i++) insertVideo(db, record(`/lib/${i % 3}/clip${i}.mp4`, { label: i % 4 === 0 ? null : `label${i % 3}` }));
    executed.length = 0;
    listVideos(db, { offset: 0, limit: 10 });
    labelCounts(db);
    // The statements as run (parameters bound), each with SQLite's plan for it.
    const plans = executed.splice(0).map((sql) => ({
      sql,
      plan: (raw.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as { detail: string }[]).map((row) => row.detail).join('; '),
    }));
    const page = plans.find((entry) => /^SELECT \* FROM videos/.test(entry.sql.trim()));
    expect(page?.plan).toMatch(/USING INDEX videos_list_order/);
    expect(page?.plan).not.toMatch(/TEMP B-TREE/);
    const labels = plans.find((entry) => /GROUP BY label/.test(entry.sql));
    expect(labels?.plan).toMatch(/USING COVERING INDEX videos_label_status/);
  });
});

describe('the library\'s counts', () => {
  it('are computed again only after a change to the videos, by this connection or another', () => {
    const folder = mkdtempSync(join(tmpdir(), 'pretext-counts-'));
    try {
      const file = join(folder, 'lib.pretext');
      const executed: string[] = [];
      const here = openLibraryDatabase(file, { create: true });
      const other = openLibraryDatabase(file);
      const counted = () => executed.filter((sql) => /GROUP BY/.test(sql)).length;
      // Counts the counting queries this connection runs.
      const watched = new Database(file, { verbose: (sql) => executed.push(String(sql)) }) as unknown as WritableDB;
      insertVideo(here, record('/lib/a.mp4', { label: 'walk' }));
      expect(statusCounts(watched).ready).toBe(1);
      expect(labelCounts(watched)).toEqual([{ label: 'walk', count: 1, total: 1 }]);
      expect(counted()).toBe(2);
      statusCounts(watched);
      labelCounts(watched);
      expect(counted()).toBe(2);
      // Other tables' changes (a training run and its metrics, several times a second) leave the counts kept.
      other.prepare(
        `INSERT INTO training_runs (id, task, backbone, config_json, seed, status, total_steps, created_at, updated_at)
         VALUES (1, 'clip-order', 'r3d', '{}', 1, 'running', 10, 'now', 'now')`,
      ).run();
      watched.prepare("UPDATE training_runs SET step = 5 WHERE id = 1").run();
      statusCounts(watched);
      labelCounts(watched);
      expect(counted()).toBe(2);
      // A commit by another connection, then a change by this one: each is seen at once.
      insertVideo(other, record('/lib/b.mp4', { label: 'run' }));
      expect(statusCounts(watched).ready).toBe(2);
      insertVideo(watched, record('/lib/c.mp4', { label: 'run', status: 'failed' }));
      expect(statusCounts(watched)).toMatchObject({ ready: 2, failed: 1, total: 3 });
      expect(labelCounts(watched)).toEqual([
        { label: 'run', count: 1, total: 2 },
        { label: 'walk', count: 1, total: 1 },
      ]);
      // One answer is shared by every caller, so none may change it.
      expect(() => {
        statusCounts(watched).ready = 99;
      }).toThrow(TypeError);
      expect(statusCounts(watched).ready).toBe(2);
      for (const db of [watched, other, here]) db.close();
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('the grid\'s pages', () => {
  it('are read again only after a change, one answer per filter, shared and frozen', () => {
    const executed: string[] = [];
    const raw = new Database(':memory:', { verbose: (sql) => executed.push(String(sql)) });
    migrate(raw);
    const db = raw as unknown as WritableDB;
    for (let i = 0; i < 5; i++) insertVideo(db, record(`/lib/clip${i}.mp4`, { label: i % 2 ? 'walk' : 'run' }));
    const pagesRead = () => executed.filter((sql) => /^SELECT \* FROM videos/.test(sql.trim())).length;
    executed.length = 0;
    const first = listVideos(db, { offset: 0, limit: 2 });
    expect(listVideos(db, { offset: 0, limit: 2 })).toBe(first);
    expect(pagesRead()).toBe(1);
    expect(Object.isFrozen(first.items[0])).toBe(true);
    // Another filter is another answer.
    expect(listVideos(db, { offset: 0, limit: 2, label: 'walk' }).items.map((video) => video.label)).toEqual(['walk', 'walk']);
    expect(pagesRead()).toBe(2);
    // A change by this connection: the page is read again and shows it.
    markMissing(db, '/lib/clip0.mp4');
    const after = listVideos(db, { offset: 0, limit: 2 });
    expect(pagesRead()).toBe(3);
    expect(after.items.find((video) => video.path === '/lib/clip0.mp4')?.status).toBe('missing');
    raw.close();
  });
});
