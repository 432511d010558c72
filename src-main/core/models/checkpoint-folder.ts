/** Checkpoint files in a folder on disk: the Node side of checkpoint.ts's `checkpointFiles`. */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '../compute/tf.ts';
import { checkpointArtifactsOf, checkpointFiles, type CheckpointFiles } from './checkpoint.ts';

export async function writeCheckpointFiles(folder: string, files: CheckpointFiles): Promise<void> {
  await mkdir(folder, { recursive: true });
  for (const [name, bytes] of Object.entries(files)) await writeFile(join(folder, name), bytes);
}

/** Every file of `folder` (a checkpoint holds a few flat files). */
export async function readCheckpointFiles(folder: string): Promise<CheckpointFiles> {
  const files: CheckpointFiles = {};
  for (const entry of await readdir(folder, { withFileTypes: true })) {
    if (entry.isFile()) files[entry.name] = new Uint8Array(await readFile(join(folder, entry.name)));
  }
  return files;
}

/** Reads and writes model.json + weights.bin in `folder`; atomicity (temp folder, rename) is the caller's. */
export function folderHandler(folder: string): tf.io.IOHandler {
  return {
    save: async (artifacts) => {
      await writeCheckpointFiles(folder, checkpointFiles(artifacts));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: async () => checkpointArtifactsOf(await readCheckpointFiles(folder)),
  };
}
