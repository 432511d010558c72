import type { Migration } from './migration.ts';

/**
 * Feature sets record how their vectors were made: the protocol (`compact` global pooling, or VCOP's
 * `vcop-reference` grid features) and the side of the crop the encoder saw. Every set stored before
 * was extracted with compact pooling at the encoder's own crop (the task's cropSize, or OPN's patchSize).
 */
export const migration0006: Migration = {
  version: 6,
  name: 'feature-protocol',
  up(db) {
    db.exec(`
      ALTER TABLE feature_sets ADD COLUMN protocol TEXT NOT NULL DEFAULT 'compact'
        CHECK (protocol IN ('compact', 'vcop-reference'));
      ALTER TABLE feature_sets ADD COLUMN input_size INTEGER CHECK (input_size >= 1);
      UPDATE feature_sets SET input_size = COALESCE(
        json_extract(config_json, '$.task.cropSize'), json_extract(config_json, '$.task.patchSize'));
    `);
  },
};
