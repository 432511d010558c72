/** Checkpoints as folders on disk, written atomically: the engine's `CheckpointStore` in Node. */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname } from 'node:path';
import { writeCheckpointFiles } from '../models/checkpoint-folder.ts';
import type { CheckpointStore } from './engine.ts';

/**
 * Writes each checkpoint into a temporary folder beside `folderOf(step)` and renames it into place:
 * a kill mid-write leaves no half checkpoint.
 */
export function folderCheckpointStore(folderOf: (step: number) => string): CheckpointStore {
  return {
    save: async (step, files) => {
      const folder = folderOf(step);
      const temp = `${folder}.tmp-${randomBytes(4).toString('hex')}`;
      try {
        await writeCheckpointFiles(temp, files);
        await rm(folder, { recursive: true, force: true });
        await mkdir(dirname(folder), { recursive: true });
        await rename(temp, folder);
      } catch (error) {
        await rm(temp, { recursive: true, force: true });
        throw error;
      }
      return folder;
    },
  };
}
