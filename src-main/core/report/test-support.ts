/**
 * A generated library for the report tests (not a test file itself): labelled videos, two runs with
 * metrics (one named like an attack), and a trained and a random-init feature set whose vectors encode
 * the label (trained) or not (random), so every evaluation has rows to show.
 */
import { trainPreset } from '../../shared/training.ts';
import type { WritableDB } from '../db/connection.ts';
import { createFeatureSet, saveVideoFeatures, setFeatureSetStatus, setFeatureSize } from '../db/features.ts';
import { createRun, recordMetrics, updateRunNotes } from '../db/runs.ts';

export const HOSTILE = '<script>alert(1)</script>';
export const CLASSES = ['jump', 'run', 'walk'];
const PER_CLASS = 8;

function addVideo(db: WritableDB, path: string, label: string): number {
  return Number(
    db
      .prepare(
        `INSERT INTO videos (path, root, size_bytes, mtime_ms, content_hash, duration_s, fps, label, status, imported_at, updated_at)
         VALUES (?, '/lib', 1, 1, ?, 2, 25, ?, 'ready', 'now', 'now')`,
      )
      .run(path, `hash:${path}`, label).lastInsertRowid,
  );
}

function addSet(db: WritableDB, name: string, runId: number | null, videos: { id: number; path: string; cls: number }[]): number {
  const config = trainPreset('clip-order', 'r3d', 'tiny');
  const setId = createFeatureSet(db, {
    sourceKey: name,
    source: runId === null ? { kind: 'random', seed: 0, runId: null } : { kind: 'run', runId, checkpointStep: 40 },
    name,
    config,
    protocol: runId === null ? 'vcop-reference' : 'compact',
    inputSize: runId === null ? 112 : 32,
    clipsPerVideo: 1,
    framesPerClip: 16,
  });
  setFeatureSize(db, setId, 4);
  videos.forEach((video, i) => {
    // Trained: a one-hot of the class, a little noise; random init: noise only.
    const vector = Float32Array.from({ length: 4 }, (_, d) => (runId !== null && d === video.cls ? 1 : 0) + 0.3 * Math.sin(7 * i + 3 * d));
    saveVideoFeatures(db, setId, { videoId: video.id, contentHash: `hash:${video.path}`, vector, clipVectors: vector, clips: [{ index: 0, startSeconds: 0, endSeconds: 0.64 }] });
  });
  setFeatureSetStatus(db, setId, 'ready');
  return setId;
}

/** Fills an empty library; returns the ids it made. */
export function fillReportLibrary(db: WritableDB): { runIds: number[]; setIds: number[] } {
  const videos = CLASSES.flatMap((label, cls) =>
    Array.from({ length: PER_CLASS }, (_, i) => {
      const path = `/lib/${label}/${i === 0 ? `<img src=x onerror=alert(2)>` : `v${i}`}.mp4`;
      return { id: addVideo(db, path, label), path, cls };
    }),
  );
  const config = { ...trainPreset('clip-order', 'r3d', 'tiny'), steps: 40 };
  const named = createRun(db, config);
  updateRunNotes(db, named.id, { name: HOSTILE, note: `note with ${HOSTILE}` });
  const plain = createRun(db, trainPreset('order-verification', 'alexnet', 'tiny'));
  recordMetrics(
    db,
    named.id,
    Array.from({ length: 40 }, (_, step) => ({ split: 'train' as const, step: step + 1, loss: 1.8 - step * 0.01, accuracy: 0.2 + step * 0.005, stepsPerSecond: 2 })),
  );
  recordMetrics(db, named.id, [{ split: 'validation', step: 40, loss: 1.5, accuracy: 0.3, stepsPerSecond: null }]);
  const trained = addSet(db, `Run ${named.id} · clip-order r3d · step 40`, named.id, videos);
  const random = addSet(db, 'Random init · clip-order r3d', null, videos);
  return { runIds: [named.id, plain.id], setIds: [trained, random] };
}
