import type { Migration } from './migration.ts';

/**
 * Feature sets for retrieval: one per weight source (a run's checkpoint or a seeded random init),
 * holding one float32 vector per video and one per clip. A video's row records the content hash it
 * was extracted from, so a changed file is extracted again while unchanged ones are kept.
 */
export const migration0004: Migration = {
  version: 4,
  name: 'features',
  up(db) {
    db.exec(`
      CREATE TABLE feature_sets (
        id INTEGER PRIMARY KEY,
        -- What identifies the weights, e.g. "run:3:step:400" or "random:run:3:seed:0".
        source_key TEXT NOT NULL UNIQUE,
        source_json TEXT NOT NULL,
        run_id INTEGER REFERENCES training_runs(id) ON DELETE CASCADE,
        name TEXT NOT NULL,
        config_json TEXT NOT NULL,
        -- Known once the encoder is built (the extraction worker reports it).
        feature_size INTEGER CHECK (feature_size >= 1),
        clips_per_video INTEGER NOT NULL CHECK (clips_per_video >= 1),
        frames_per_clip INTEGER NOT NULL CHECK (frames_per_clip >= 1),
        status TEXT NOT NULL
          CHECK (status IN ('extracting', 'ready', 'cancelled', 'failed', 'interrupted')),
        error TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL
      );

      CREATE TABLE video_features (
        feature_set_id INTEGER NOT NULL REFERENCES feature_sets(id) ON DELETE CASCADE,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        content_hash TEXT,
        -- float32 little-endian: feature_size values, then clips_per_video × feature_size.
        vector BLOB NOT NULL,
        clip_vectors BLOB NOT NULL,
        -- JSON [[startSeconds, endSeconds], …], one pair per clip.
        clip_spans TEXT NOT NULL,
        PRIMARY KEY (feature_set_id, video_id)
      ) WITHOUT ROWID;
      CREATE INDEX video_features_video ON video_features(video_id);

      CREATE TABLE feature_failures (
        feature_set_id INTEGER NOT NULL REFERENCES feature_sets(id) ON DELETE CASCADE,
        video_id INTEGER NOT NULL REFERENCES videos(id) ON DELETE CASCADE,
        reason TEXT NOT NULL,
        PRIMARY KEY (feature_set_id, video_id)
      ) WITHOUT ROWID;
    `);
  },
};
