import type { Migration } from './migration.ts';

/**
 * Per-frame motion scores of each video at each decode rate, computed once by the frame source.
 * `rate` is the requested rate (0 = the file's native rate) and, with the video, the key; `fps` is the
 * rate the frames really have. `scores` holds frame_count float32 values and `cells` frame_count ·
 * grid_rows · grid_cols (frame-major, then row, then column), both little-endian. `content_hash` is the
 * video's hash when the scores were computed, so a re-imported, changed file gets new ones.
 */
export const migration0002: Migration = {
  version: 2,
  name: 'motion',
  up(db) {
    db.exec(`
      CREATE TABLE motion (
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        rate REAL NOT NULL CHECK (rate >= 0),
        fps REAL NOT NULL CHECK (fps > 0),
        grid_rows INTEGER NOT NULL CHECK (grid_rows >= 1),
        grid_cols INTEGER NOT NULL CHECK (grid_cols >= 1),
        frame_count INTEGER NOT NULL CHECK (frame_count >= 1),
        scores BLOB NOT NULL CHECK (length(scores) = 4 * frame_count),
        cells BLOB NOT NULL CHECK (length(cells) = 4 * frame_count * grid_rows * grid_cols),
        content_hash TEXT,
        computed_at TEXT NOT NULL,
        PRIMARY KEY (video_id, rate)
      );
    `);
  },
};
