import { createHash } from 'node:crypto';
import { access } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import type { MediaRequest } from '../../shared/routes.ts';
import { importRoots } from '../db/jobs.ts';
import { getVideoFiles, type VideoFiles } from '../db/videos.ts';
import { isBrowserPlayable, writePlayableCopy } from '../media/playable.ts';
import {
  MEDIA_NOT_FOUND,
  MEDIA_PROBLEM_REASON,
  MEDIA_PROBLEM_STATUS,
  openFileInside,
  openRecordedFile,
  type MediaAnswer,
} from './media-access.ts';
import type { OpenLibrary } from './open-library.ts';
import { stillOf } from './stills.ts';

/** The files behind the shells' media requests, and the playable copies made for them. */
export class MediaFiles {
  /** Playable copies being made, so concurrent requests for one video share one ffmpeg. */
  private readonly copies = new Map<string, Promise<string>>();

  /**
   * The file behind a media request, opened, or the status to answer. Only files the library knows
   * are served, so a request can never name an arbitrary path, and each is checked again at request
   * time (media-access.ts): a video that is no longer the file imported is refused, and
   * `notAsImported` records why. 'playable' makes (once) an H.264 copy of a video browsers cannot
   * play; when that fails the original is served and the player says why. 'frame' serves a still
   * of one moment, made once from the checked file (404 past the video's end or where no frame
   * decodes).
   */
  async answer(library: OpenLibrary, request: MediaRequest, notAsImported: (reason: string) => void): Promise<MediaAnswer> {
    const { kind, videoId } = request;
    const { db, paths } = library;
    const files = getVideoFiles(db, videoId);
    if (!files) return MEDIA_NOT_FOUND;
    if (kind === 'thumbnail') {
      if (!files.thumbnail) return MEDIA_NOT_FOUND;
      const thumbnail = await openFileInside(resolve(paths.thumbnails, files.thumbnail), [paths.thumbnails]);
      return thumbnail.ok ? thumbnail : MEDIA_NOT_FOUND;
    }
    if (files.status !== 'ready' && files.status !== 'duplicate') return MEDIA_NOT_FOUND;
    const original = await openRecordedFile(files, [files.root, ...importRoots(db)]);
    if (!original.ok) {
      notAsImported(MEDIA_PROBLEM_REASON[original.problem]);
      return { ok: false, status: MEDIA_PROBLEM_STATUS[original.problem] };
    }
    if (request.kind === 'frame') {
      await original.file.handle.close();
      return this.still(library, files, request.ms);
    }
    if (kind === 'video' || isBrowserPlayable(files.codec, files.container)) return original;
    const copy = await this.playableCopy(library, videoId, files).catch(() => null);
    // The copy must be a file of its own folder in the cache, not a link out of it.
    const opened = copy ? await openFileInside(copy, [dirname(copy)]) : null;
    if (!opened?.ok) return original;
    await original.file.handle.close();
    return opened;
  }

  /** The still of a checked video at `ms`, from the stills cache beside the library. */
  private async still(library: OpenLibrary, files: VideoFiles, ms: number): Promise<MediaAnswer> {
    if (files.durationS === null || ms >= files.durationS * 1000) return MEDIA_NOT_FOUND;
    const folder = library.paths.stills;
    const path = await stillOf(folder, await library.tools(), files, ms).catch(() => null);
    const opened = path ? await openFileInside(path, [folder]) : null;
    return opened?.ok ? opened : MEDIA_NOT_FOUND;
  }

  /** The path of a video's H.264 copy, made once; concurrent requests for one video share one ffmpeg. */
  private playableCopy(library: OpenLibrary, videoId: number, files: VideoFiles): Promise<string> {
    // Named by content, so a changed file gets a new copy; a digest, because hashes hold ':'.
    const version = createHash('sha256').update(files.contentHash ?? files.path).digest('hex').slice(0, 16);
    const copy = resolve(library.paths.playable, `${videoId}-${version}.mp4`);
    let making = this.copies.get(copy);
    if (!making) {
      making = access(copy)
        .catch(async () => writePlayableCopy(await library.tools(), files.path, copy))
        .then(() => copy)
        .finally(() => this.copies.delete(copy));
      this.copies.set(copy, making);
    }
    return making;
  }
}
