import type { Migration } from './migration.ts';

/**
 * Online kNN during training (issue #12.5): each probe may carry a leave-one-out weighted kNN accuracy
 * on the library's labelled videos, with how many videos and classes it measured and the majority
 * share to judge it by. Probes of older runs and of unlabelled libraries leave them NULL.
 */
export const migration0010: Migration = {
  version: 10,
  name: 'online-knn',
  up(db) {
    db.exec(`
      ALTER TABLE run_probes ADD COLUMN knn_accuracy REAL CHECK (knn_accuracy BETWEEN 0 AND 1);
      ALTER TABLE run_probes ADD COLUMN knn_videos INTEGER CHECK (knn_videos >= 2);
      ALTER TABLE run_probes ADD COLUMN knn_classes INTEGER CHECK (knn_classes >= 2);
      ALTER TABLE run_probes ADD COLUMN knn_majority REAL CHECK (knn_majority BETWEEN 0 AND 1);
    `);
  },
};
