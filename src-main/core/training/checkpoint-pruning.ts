/**
 * Deletes the checkpoints a run's policy does not keep (config.keepCheckpoints: the newest few and
 * the best, plus any a feature set was extracted from). The records go first, in one transaction,
 * and the folders after: a kill in between leaves a stray folder, never a record whose folder is
 * gone, and the newest checkpoint (what a resume continues from) is never among them.
 */
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkpointsToPrune } from '../../shared/checkpoint-policy.ts';
import type { WritableDB } from '../db/connection.ts';
import { checkpointStepsInUse } from '../db/features.ts';
import { deleteCheckpoints, listCheckpoints } from '../db/runs.ts';

export interface PruneOptions {
  /** The library's cache folder, which checkpoint folders are relative to. */
  cacheDir: string;
  keepLast: number;
  /** Deletes one folder (tests inject failures). */
  remove?: (folder: string) => Promise<void>;
}

/** Forgets the checkpoints to prune and returns a promise that deletes their folders, with their steps. */
export function pruneCheckpoints(db: WritableDB, runId: number, options: PruneOptions): { steps: number[]; removed: Promise<void> } {
  const checkpoints = listCheckpoints(db, runId);
  const steps = checkpointsToPrune(checkpoints, options.keepLast, checkpointStepsInUse(db, runId));
  if (steps.length === 0) return { steps, removed: Promise.resolve() };
  deleteCheckpoints(db, runId, steps);
  const remove = options.remove ?? ((folder: string) => rm(folder, { recursive: true, force: true }));
  const folders = checkpoints.filter((checkpoint) => steps.includes(checkpoint.step)).map((checkpoint) => resolve(options.cacheDir, checkpoint.folder));
  return { steps, removed: Promise.all(folders.map((folder) => remove(folder))).then(() => undefined) };
}
