/**
 * Feature sets and their vectors. Vectors are float32 BLOBs; a video's row remembers the content
 * hash it came from, so "missing" means new or changed since the last extraction.
 */
import type { ClipSpan, FeatureProtocol, FeatureSetDto, FeatureSetStatus, FeatureSourceDto } from '../../shared/dto.ts';
import type { TrainConfig } from '../../shared/training.ts';
import type { ReadableDB, WritableDB } from './connection.ts';
import { readyVideos, type SamplingVideo } from './videos.ts';

interface SetRow {
  id: number;
  source_key: string;
  source_json: string;
  name: string;
  config_json: string;
  feature_size: number | null;
  protocol: FeatureProtocol;
  input_size: number;
  clips_per_video: number;
  frames_per_clip: number;
  status: FeatureSetStatus;
  error: string | null;
  created_at: string;
  updated_at: string;
}

export interface NewFeatureSet {
  sourceKey: string;
  source: FeatureSourceDto;
  name: string;
  /** The architecture and input the encoder was built with. */
  config: TrainConfig;
  protocol: FeatureProtocol;
  /** Side of the square crop the encoder sees. */
  inputSize: number;
  clipsPerVideo: number;
  framesPerClip: number;
}

export interface StoredFeatureSet {
  dto: FeatureSetDto;
  sourceKey: string;
  config: TrainConfig;
}

/** Extracted vectors of one video. */
export interface VideoFeatures {
  videoId: number;
  contentHash: string | null;
  vector: Float32Array;
  /** clips × featureSize, row-major. */
  clipVectors: Float32Array;
  clips: ClipSpan[];
}

const floats = (blob: Buffer) => new Float32Array(blob.buffer.slice(blob.byteOffset, blob.byteOffset + blob.byteLength));
const blob = (vector: Float32Array) => Buffer.from(vector.buffer, vector.byteOffset, vector.byteLength);

/** Whether the stored row still describes the file (a missing hash on either side never matches). */
const SAME_CONTENT = 'f.content_hash IS v.content_hash AND v.content_hash IS NOT NULL';

function toStored(db: ReadableDB, row: SetRow): StoredFeatureSet {
  const config = JSON.parse(row.config_json) as TrainConfig;
  const counts = db
    .prepare(
      `SELECT
         (SELECT count(*) FROM video_features f JOIN videos v ON v.id = f.video_id
           WHERE f.feature_set_id = ? AND v.status = 'ready') AS stored,
         (SELECT count(*) FROM videos v WHERE v.status = 'ready' AND NOT EXISTS (
           SELECT 1 FROM video_features f WHERE f.feature_set_id = ? AND f.video_id = v.id AND ${SAME_CONTENT})) AS missing`,
    )
    .get(row.id, row.id) as { stored: number; missing: number };
  const failures = db
    .prepare(
      `SELECT ff.video_id, v.path, ff.reason FROM feature_failures ff JOIN videos v ON v.id = ff.video_id
       WHERE ff.feature_set_id = ? ORDER BY ff.video_id`,
    )
    .all(row.id) as { video_id: number; path: string; reason: string }[];
  return {
    sourceKey: row.source_key,
    config,
    dto: {
      id: row.id,
      name: row.name,
      source: JSON.parse(row.source_json) as FeatureSourceDto,
      task: config.task.task,
      backbone: config.backbone,
      featureSize: row.feature_size,
      protocol: row.protocol,
      inputSize: row.input_size,
      clipsPerVideo: row.clips_per_video,
      framesPerClip: row.frames_per_clip,
      status: row.status,
      videoCount: counts.stored,
      missingCount: counts.missing,
      failures: failures.map((failure) => ({
        videoId: failure.video_id,
        fileName: failure.path.split(/[\\/]/).pop() ?? failure.path,
        reason: failure.reason,
      })),
      error: row.error,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    },
  };
}

export function getFeatureSet(db: ReadableDB, id: number): StoredFeatureSet | undefined {
  const row = db.prepare('SELECT * FROM feature_sets WHERE id = ?').get(id) as SetRow | undefined;
  return row && toStored(db, row);
}

export function findFeatureSet(db: ReadableDB, sourceKey: string): StoredFeatureSet | undefined {
  const row = db.prepare('SELECT * FROM feature_sets WHERE source_key = ?').get(sourceKey) as SetRow | undefined;
  return row && toStored(db, row);
}

/** Checkpoint steps of a run that feature sets were extracted from (kept when checkpoints are pruned). */
export function checkpointStepsInUse(db: ReadableDB, runId: number): Set<number> {
  const rows = db.prepare('SELECT source_json FROM feature_sets WHERE run_id = ?').all(runId) as { source_json: string }[];
  const sources = rows.map((row) => JSON.parse(row.source_json) as FeatureSourceDto);
  return new Set(sources.flatMap((source) => (source.kind === 'run' ? [source.checkpointStep] : [])));
}

export function listFeatureSets(db: ReadableDB): FeatureSetDto[] {
  const rows = db.prepare('SELECT * FROM feature_sets ORDER BY id').all() as SetRow[];
  return rows.map((row) => toStored(db, row).dto);
}

export function createFeatureSet(db: WritableDB, set: NewFeatureSet, now = new Date().toISOString()): number {
  const runId = set.source.runId;
  return Number(
    db
      .prepare(
        `INSERT INTO feature_sets (source_key, source_json, run_id, name, config_json, protocol, input_size, clips_per_video,
           frames_per_clip, status, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'extracting', ?, ?)`,
      )
      .run(
        set.sourceKey,
        JSON.stringify(set.source),
        runId,
        set.name,
        JSON.stringify(set.config),
        set.protocol,
        set.inputSize,
        set.clipsPerVideo,
        set.framesPerClip,
        now,
        now,
      )
      .lastInsertRowid,
  );
}

export function setFeatureSetStatus(
  db: WritableDB,
  id: number,
  status: FeatureSetStatus,
  error: string | null = null,
  now = new Date().toISOString(),
): void {
  db.prepare('UPDATE feature_sets SET status = ?, error = ?, updated_at = ? WHERE id = ?').run(status, error, now, id);
}

/**
 * The encoder's output size. A set keeps one size: a different one means the stored vectors came from
 * another encoder, and mixing them would make distances meaningless.
 */
export function setFeatureSize(db: WritableDB, id: number, featureSize: number): void {
  const row = db.prepare('SELECT feature_size FROM feature_sets WHERE id = ?').get(id) as { feature_size: number | null };
  if (row.feature_size !== null && row.feature_size !== featureSize) {
    throw new Error(`the encoder now gives ${featureSize} features, but the set holds ${row.feature_size}: delete the set and extract again`);
  }
  db.prepare('UPDATE feature_sets SET feature_size = ? WHERE id = ?').run(featureSize, id);
}

/** Stores (or replaces) one video's vectors and clears an earlier failure: one transaction. */
export function saveVideoFeatures(db: WritableDB, setId: number, features: VideoFeatures): void {
  db.transaction(() => {
    db.prepare(
      `INSERT OR REPLACE INTO video_features (feature_set_id, video_id, content_hash, vector, clip_vectors, clip_spans)
       VALUES (?, ?, ?, ?, ?, ?)`,
    ).run(
      setId,
      features.videoId,
      features.contentHash,
      blob(features.vector),
      blob(features.clipVectors),
      JSON.stringify(features.clips.map((clip) => [clip.startSeconds, clip.endSeconds])),
    );
    db.prepare('DELETE FROM feature_failures WHERE feature_set_id = ? AND video_id = ?').run(setId, features.videoId);
  })();
}

export function recordFeatureFailure(db: WritableDB, setId: number, videoId: number, reason: string): void {
  db.prepare('INSERT OR REPLACE INTO feature_failures (feature_set_id, video_id, reason) VALUES (?, ?, ?)').run(setId, videoId, reason);
}

/** Ready videos whose features are absent or stale in the set: what an extraction must (re)do. */
export function videosMissingFeatures(db: ReadableDB, setId: number): SamplingVideo[] {
  const current = new Set(
    (
      db
        .prepare(`SELECT f.video_id FROM video_features f JOIN videos v ON v.id = f.video_id WHERE f.feature_set_id = ? AND ${SAME_CONTENT}`)
        .all(setId) as { video_id: number }[]
    ).map((row) => row.video_id),
  );
  return readyVideos(db).filter((video) => !current.has(video.id));
}

export interface SetVectors {
  videoIds: number[];
  labels: (string | null)[];
  /** Where each video lies (absolute, as imported). */
  paths: string[];
  fileNames: string[];
  featureSize: number;
  /** videoIds.length × featureSize. */
  vectors: Float32Array;
  /** Per video: clips × featureSize. */
  clipVectors: Float32Array[];
  clips: ClipSpan[][];
}

/** Every ready video's current vectors in the set, by video id. */
export function loadSetVectors(db: ReadableDB, setId: number): SetVectors {
  const rows = db
    .prepare(
      `SELECT f.video_id, v.label, v.path, f.vector, f.clip_vectors, f.clip_spans
       FROM video_features f JOIN videos v ON v.id = f.video_id
       WHERE f.feature_set_id = ? AND v.status = 'ready' ORDER BY f.video_id`,
    )
    .all(setId) as { video_id: number; label: string | null; path: string; vector: Buffer; clip_vectors: Buffer; clip_spans: string }[];
  const featureSize = rows[0] ? rows[0].vector.byteLength / 4 : 0;
  const vectors = new Float32Array(rows.length * featureSize);
  rows.forEach((row, index) => vectors.set(floats(row.vector), index * featureSize));
  return {
    videoIds: rows.map((row) => row.video_id),
    labels: rows.map((row) => row.label),
    paths: rows.map((row) => row.path),
    fileNames: rows.map((row) => row.path.split(/[\\/]/).pop() ?? row.path),
    featureSize,
    vectors,
    clipVectors: rows.map((row) => floats(row.clip_vectors)),
    clips: rows.map((row) =>
      (JSON.parse(row.clip_spans) as [number, number][]).map(([startSeconds, endSeconds], index) => ({ index, startSeconds, endSeconds })),
    ),
  };
}

export function deleteFeatureSet(db: WritableDB, id: number): number {
  return db.prepare('DELETE FROM feature_sets WHERE id = ?').run(id).changes;
}
