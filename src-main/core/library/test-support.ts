/** Helpers for tests that need library videos without running an import (not a test file itself). */
import { statSync } from 'node:fs';
import { insertVideo } from '../db/videos.ts';
import type { LibraryService } from './service.ts';

/** Records `path` as a ready video imported from `root`, with its size and mtime as they are now. */
export function recordImported(library: LibraryService, path: string, root: string): number {
  const { size, mtimeMs } = statSync(path);
  return insertVideo(library.requireOpen().db, {
    path, root, sizeBytes: size, mtimeMs: Math.trunc(mtimeMs), contentHash: 's256:test', media: null,
    label: null, status: 'ready', error: null, duplicateOf: null, thumbnail: null,
  });
}
