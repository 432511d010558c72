/** Stored motion scores (see migration 0002): saved and loaded as Float32Arrays. */
import type { CellMotion } from '../tasks/motion.ts';
import type { ReadableDB, WritableDB } from './connection.ts';

export interface MotionRecord {
  videoId: number;
  /** The requested decode rate in frames per second; 0 = the file's native rate. */
  rate: number;
  /** The rate of the frames the scores describe (the requested one, or the file's own). */
  fps: number;
  frameCount: number;
  /** One score per frame (core/tasks/motion.ts convention). */
  scores: Float32Array;
  /** The same per cell of a coarse grid, for OPN's motion-aware patch. */
  cells: CellMotion;
  /** The video's content hash when the scores were computed. */
  contentHash: string | null;
  computedAt: string;
}

interface MotionRow {
  video_id: number;
  rate: number;
  fps: number;
  grid_rows: number;
  grid_cols: number;
  frame_count: number;
  scores: Buffer;
  cells: Buffer;
  content_hash: string | null;
  computed_at: string;
}

/** Little-endian whatever the machine, so a library file moves between machines unchanged. */
export function float32ToBlob(values: Float32Array): Buffer {
  const blob = Buffer.alloc(values.length * 4);
  values.forEach((value, i) => blob.writeFloatLE(value, i * 4));
  return blob;
}

export function blobToFloat32(blob: Buffer): Float32Array {
  return Float32Array.from({ length: blob.length / 4 }, (_, i) => blob.readFloatLE(i * 4));
}

function toRecord(row: MotionRow): MotionRecord {
  const frameCount = row.frame_count;
  return {
    videoId: row.video_id,
    rate: row.rate,
    fps: row.fps,
    frameCount,
    scores: blobToFloat32(row.scores),
    cells: { rows: row.grid_rows, cols: row.grid_cols, frameCount, values: blobToFloat32(row.cells) },
    contentHash: row.content_hash,
    computedAt: row.computed_at,
  };
}

/** Inserts or replaces the scores of (video, rate). */
export function saveMotion(db: WritableDB, record: MotionRecord): void {
  if (record.scores.length !== record.frameCount || record.cells.frameCount !== record.frameCount) {
    throw new RangeError(`motion of video ${record.videoId} does not cover its ${record.frameCount} frames`);
  }
  db.prepare(
    `INSERT OR REPLACE INTO motion (video_id, rate, fps, grid_rows, grid_cols, frame_count, scores, cells,
       content_hash, computed_at)
     VALUES (@video_id, @rate, @fps, @grid_rows, @grid_cols, @frame_count, @scores, @cells, @content_hash,
       @computed_at)`,
  ).run({
    video_id: record.videoId,
    rate: record.rate,
    fps: record.fps,
    grid_rows: record.cells.rows,
    grid_cols: record.cells.cols,
    frame_count: record.frameCount,
    scores: float32ToBlob(record.scores),
    cells: float32ToBlob(record.cells.values),
    content_hash: record.contentHash,
    computed_at: record.computedAt,
  });
}

export function loadMotion(db: ReadableDB, videoId: number, rate: number): MotionRecord | undefined {
  const row = db.prepare('SELECT * FROM motion WHERE video_id = ? AND rate = ?').get(videoId, rate) as
    | MotionRow
    | undefined;
  return row && toRecord(row);
}
