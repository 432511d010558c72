/**
 * A library for the handler tests (not a test file itself): one ready feature set whose videos are
 * labelled by folder and whose vectors encode the label, so every evaluation has an answer.
 */
import { join } from 'node:path';
import { trainPreset } from '../../shared/training.ts';
import { createFeatureSet, saveVideoFeatures, setFeatureSetStatus } from '../db/features.ts';
import { insertVideo } from '../db/videos.ts';
import { EventHub } from '../jobs/events.ts';
import { Studio } from '../studio.ts';

/** Ready videos have probed media: the evaluation's split draws from those. */
const READY_MEDIA = { durationS: 2, fps: 25, frameCount: 50, frameCountExact: true, width: 320, height: 240, codec: 'h264', container: 'mp4' };

/** Opens a new library in `dir` with one ready set named `name`, a video per entry of `labels` ('a' or 'b'). */
export function libraryWithLabelledSet(dir: string, name: string, labels: readonly ('a' | 'b')[]): { library: Studio; setId: number } {
  const library = new Studio({ events: new EventHub() });
  library.open(join(dir, 'lib.pretext'), true);
  const { db } = library.requireOpen();
  const setId = createFeatureSet(db, {
    sourceKey: 'test',
    source: { kind: 'random', seed: 0, runId: null },
    name,
    config: trainPreset('clip-order', 'r3d', 'tiny'),
    protocol: 'compact',
    inputSize: 40,
    clipsPerVideo: 1,
    framesPerClip: 4,
  });
  labels.forEach((label, index) => {
    const path = join(dir, label, `${index}.mp4`);
    const record = { path, root: dir, sizeBytes: 1, mtimeMs: 0, contentHash: `h${index}`, media: READY_MEDIA, label, status: 'ready', error: null, duplicateOf: null, thumbnail: null } as const;
    const videoId = insertVideo(db, record);
    const vector = Float32Array.of(label === 'a' ? 1 : 0, label === 'b' ? 1 : 0, index / 10);
    saveVideoFeatures(db, setId, { videoId, contentHash: `h${index}`, vector, clipVectors: vector, clips: [{ index: 0, startSeconds: 0, endSeconds: 1 }] });
  });
  setFeatureSetStatus(db, setId, 'ready');
  return { library, setId };
}
