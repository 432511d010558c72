import { describe, expect, it } from 'vitest';
import { openMemoryDatabase } from './connection.ts';
import { blobToFloat32, float32ToBlob, loadMotion, saveMotion, type MotionRecord } from './motion.ts';
import { insertVideo } from './videos.ts';

function addVideo(db: ReturnType<typeof openMemoryDatabase>, path = '/lib/a.mp4'): number {
  return insertVideo(db, {
    path, root: '/lib', sizeBytes: 1, mtimeMs: 1, contentHash: 'h', media: null, label: null,
    status: 'ready', error: null, duplicateOf: null, thumbnail: null,
  });
}

function record(videoId: number, rate = 25): MotionRecord {
  return {
    videoId,
    rate,
    fps: rate || 29.97,
    frameCount: 3,
    scores: Float32Array.of(1.5, 1.5, 0.1),
    cells: { rows: 1, cols: 2, frameCount: 3, values: Float32Array.of(1, 2, 1, 2, 0, 0.2) },
    contentHash: 'h',
    computedAt: '2025-01-01T00:00:00.000Z',
  };
}

describe('motion repository', () => {
  it('saves and loads scores and cells exactly, per rate', () => {
    const db = openMemoryDatabase();
    const id = addVideo(db);
    saveMotion(db, record(id, 25));
    saveMotion(db, record(id, 0));
    expect(loadMotion(db, id, 25)).toEqual(record(id, 25));
    expect(loadMotion(db, id, 0)).toEqual(record(id, 0));
    expect(loadMotion(db, id, 10)).toBeUndefined();
  });

  it('replaces the scores of the same video and rate', () => {
    const db = openMemoryDatabase();
    const id = addVideo(db);
    saveMotion(db, record(id));
    saveMotion(db, { ...record(id), contentHash: 'new', computedAt: 'later' });
    expect(loadMotion(db, id, 25)).toMatchObject({ contentHash: 'new', computedAt: 'later' });
  });

  it('refuses motion that does not cover the frames it claims', () => {
    const db = openMemoryDatabase();
    const id = addVideo(db);
    expect(() => saveMotion(db, { ...record(id), frameCount: 4 })).toThrow(RangeError);
  });

  it('stores float32 little-endian', () => {
    const blob = float32ToBlob(Float32Array.of(1, -0.5));
    expect([...blob]).toEqual([0, 0, 0x80, 0x3f, 0, 0, 0, 0xbf]);
    expect(blobToFloat32(blob)).toEqual(Float32Array.of(1, -0.5));
  });
});
