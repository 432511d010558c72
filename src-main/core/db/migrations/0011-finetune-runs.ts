import type { Migration } from './migration.ts';

/**
 * Fine-tuning runs (issue #12.4): a training run is a pretext run (every run so far) or a fine-tune
 * run of a parent run's encoder. Deleting the parent keeps its fine-tune runs (their checkpoints hold
 * the whole network) and clears their link (ON DELETE SET NULL). The fine-tune config and its plan
 * (classes, train and test videos, the parent checkpoint) are kept as JSON so a resume trains on the
 * same videos; the final test accuracy (top-1, top-5 when there are ≥ 5 classes) with the videos and
 * clips per video it rests on.
 */
export const migration0011: Migration = {
  version: 11,
  name: 'finetune-runs',
  up(db) {
    db.exec(`
      ALTER TABLE training_runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'pretext' CHECK (kind IN ('pretext', 'finetune'));
      ALTER TABLE training_runs ADD COLUMN parent_run_id INTEGER REFERENCES training_runs(id) ON DELETE SET NULL;
      ALTER TABLE training_runs ADD COLUMN finetune_json TEXT;
      ALTER TABLE training_runs ADD COLUMN test_top1 REAL CHECK (test_top1 BETWEEN 0 AND 1);
      ALTER TABLE training_runs ADD COLUMN test_top5 REAL CHECK (test_top5 BETWEEN 0 AND 1);
      ALTER TABLE training_runs ADD COLUMN test_videos INTEGER CHECK (test_videos >= 1);
      ALTER TABLE training_runs ADD COLUMN test_clips INTEGER CHECK (test_clips >= 1);
      CREATE INDEX training_runs_parent ON training_runs(parent_run_id);
    `);
  },
};
