/**
 * Single frames of library videos as JPEG stills (a clip's picture in clip retrieval), made once with
 * ffmpeg and kept in `<library>.cache/stills`, named by the video's content and the time, so a
 * changed file gets new stills and copies of one file share them. Each is as wide as a thumbnail.
 */
import { createHash } from 'node:crypto';
import { access, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { writeAtomically } from '../media/atomic.ts';
import { DEFAULT_THUMBNAIL_WIDTH, renderStill } from '../media/inspect.ts';
import type { MediaTools } from '../media/tools.ts';

export interface StillSource {
  /** The video file, already checked to be the one imported. */
  path: string;
  contentHash: string | null;
}

/** Stills being made, by path, so concurrent requests for one share one ffmpeg. */
const making = new Map<string, Promise<string>>();

/** Where the still of `source` at `ms` is kept in `folder`. */
export function stillPath(folder: string, source: StillSource, ms: number): string {
  // A digest, because content hashes hold ':' and paths may hold anything.
  const version = createHash('sha256').update(source.contentHash ?? source.path).digest('hex').slice(0, 24);
  return resolve(folder, `${version}-${ms}.jpg`);
}

/** The path of the still at `ms`, made now unless `folder` has it. Rejects when no frame decodes there. */
export function stillOf(folder: string, tools: MediaTools, source: StillSource, ms: number): Promise<string> {
  const target = stillPath(folder, source, ms);
  let pending = making.get(target);
  if (!pending) {
    pending = access(target)
      .catch(async () => {
        const jpeg = await renderStill(tools, source.path, ms / 1000, DEFAULT_THUMBNAIL_WIDTH);
        await writeAtomically(target, (tempPath) => writeFile(tempPath, jpeg));
      })
      .then(() => target)
      .finally(() => making.delete(target));
    making.set(target, pending);
  }
  return pending;
}
