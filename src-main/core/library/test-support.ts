/** Helpers for tests that need library videos without running an import (not a test file itself). */
import { statSync } from 'node:fs';
import { insertVideo } from '../db/videos.ts';
import type { Studio } from '../studio.ts';

/**
 * Records `path` as a ready video imported from `root` with its size and mtime as they are now, the
 * record dated a minute ago by default (so what a test changes afterwards is clearly newer).
 */
export function recordImported(library: Studio, path: string, root: string, recordedAt = new Date(Date.now() - 60_000)): number {
  const { size, mtimeMs } = statSync(path);
  const { db } = library.requireOpen();
  const id = insertVideo(db, {
    path, root, sizeBytes: size, mtimeMs: Math.trunc(mtimeMs), contentHash: 's256:test', media: null,
    label: null, status: 'ready', error: null, duplicateOf: null, thumbnail: null,
  });
  db.prepare('UPDATE videos SET updated_at = ? WHERE id = ?').run(recordedAt.toISOString(), id);
  return id;
}
