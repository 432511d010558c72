import { describe, expect, it } from 'vitest';
import { trainPreset } from '../../shared/training.ts';
import { openMemoryDatabase, type WritableDB } from './connection.ts';
import {
  createFeatureSet,
  deleteFeatureSet,
  findFeatureSet,
  getFeatureSet,
  loadSetVectors,
  recordFeatureFailure,
  saveVideoFeatures,
  setFeatureSize,
  videosMissingFeatures,
} from './features.ts';

function addVideo(db: WritableDB, name: string, label: string | null, hash: string | null): number {
  return Number(
    db
      .prepare(
        `INSERT INTO videos (path, root, size_bytes, mtime_ms, content_hash, duration_s, fps, label, status, imported_at, updated_at)
         VALUES (?, '/r', 1, 1, ?, 2, 25, ?, 'ready', 'now', 'now')`,
      )
      .run(`/r/${label ?? 'x'}/${name}`, hash, label).lastInsertRowid,
  );
}

function newSet(db: WritableDB): number {
  return createFeatureSet(db, {
    sourceKey: 'random:clip-order:r3d:tiny:seed:0',
    source: { kind: 'random', seed: 0, runId: null },
    name: 'Random init',
    config: trainPreset('clip-order', 'r3d', 'tiny'),
    protocol: 'compact',
    inputSize: 32,
    clipsPerVideo: 2,
    framesPerClip: 4,
  });
}

const features = (videoId: number, hash: string | null, values: number[]) => ({
  videoId,
  contentHash: hash,
  vector: new Float32Array(values),
  clipVectors: new Float32Array([...values, ...values]),
  clips: [
    { index: 0, startSeconds: 0, endSeconds: 0.16 },
    { index: 1, startSeconds: 1, endSeconds: 1.16 },
  ],
});

describe('feature sets repository', () => {
  it('stores vectors bit-exactly and reads them back per set, in video order', () => {
    const db = openMemoryDatabase();
    const a = addVideo(db, 'a.mp4', 'left', 'ha');
    const b = addVideo(db, 'b.mp4', null, 'hb');
    const set = newSet(db);
    setFeatureSize(db, set, 2);
    saveVideoFeatures(db, set, features(b, 'hb', [0.1, -3]));
    saveVideoFeatures(db, set, features(a, 'ha', [1e-8, 2]));
    const loaded = loadSetVectors(db, set);
    expect(loaded.videoIds).toEqual([a, b]);
    expect(loaded.labels).toEqual(['left', null]);
    expect(loaded.fileNames).toEqual(['a.mp4', 'b.mp4']);
    expect([...loaded.vectors]).toEqual([...new Float32Array([1e-8, 2, 0.1, -3])]);
    expect(loaded.clips[0]?.[1]).toEqual({ index: 1, startSeconds: 1, endSeconds: 1.16 });
    expect(loaded.clipVectors[1]?.length).toBe(4);
    expect(getFeatureSet(db, set)?.dto).toMatchObject({ videoCount: 2, missingCount: 0, featureSize: 2, status: 'extracting' });
  });

  it('counts a changed, unhashed or new video as missing, and an earlier failure is cleared by success', () => {
    const db = openMemoryDatabase();
    const a = addVideo(db, 'a.mp4', 'left', 'ha');
    const b = addVideo(db, 'b.mp4', 'left', null);
    const set = newSet(db);
    saveVideoFeatures(db, set, features(a, 'ha', [1, 0]));
    saveVideoFeatures(db, set, features(b, null, [0, 1]));
    expect(videosMissingFeatures(db, set).map((video) => video.id)).toEqual([b]);
    db.prepare(`UPDATE videos SET content_hash = 'ha2' WHERE id = ?`).run(a);
    const c = addVideo(db, 'c.mp4', 'right', 'hc');
    expect(videosMissingFeatures(db, set).map((video) => video.id)).toEqual([a, b, c]);
    recordFeatureFailure(db, set, c, 'cannot decode');
    expect(getFeatureSet(db, set)?.dto.failures).toEqual([{ videoId: c, fileName: 'c.mp4', reason: 'cannot decode' }]);
    saveVideoFeatures(db, set, features(c, 'hc', [1, 1]));
    expect(getFeatureSet(db, set)?.dto.failures).toEqual([]);
  });

  it('keeps one feature size per set', () => {
    const db = openMemoryDatabase();
    const set = newSet(db);
    setFeatureSize(db, set, 8);
    setFeatureSize(db, set, 8);
    expect(() => setFeatureSize(db, set, 16)).toThrow(/8.*extract again|16 features/);
  });

  it('finds a set by source and deletes a set with its vectors', () => {
    const db = openMemoryDatabase();
    const a = addVideo(db, 'a.mp4', 'left', 'ha');
    const set = newSet(db);
    saveVideoFeatures(db, set, features(a, 'ha', [1, 0]));
    expect(findFeatureSet(db, 'random:clip-order:r3d:tiny:seed:0')?.dto.id).toBe(set);
    expect(deleteFeatureSet(db, set)).toBe(1);
    expect((db.prepare('SELECT count(*) AS n FROM video_features').get() as { n: number }).n).toBe(0);
  });
});
