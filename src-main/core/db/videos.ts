import type { LabelCount, StatusCounts, VideoDto, VideoPage, VideoStatus } from '../../shared/dto.ts';
import { VIDEO_STATUSES } from '../../shared/dto.ts';
import type { VideoProbe } from '../media/probe.ts';
import { tasksTooShortFor } from '../tasks/usability.ts';
import { freezeDeep } from '../util/frozen.ts';
import type { ReadableDB, WritableDB } from './connection.ts';

interface VideoRow {
  id: number;
  path: string;
  root: string;
  size_bytes: number;
  mtime_ms: number;
  content_hash: string | null;
  duration_s: number | null;
  fps: number | null;
  frame_count: number | null;
  frame_count_exact: number;
  width: number | null;
  height: number | null;
  codec: string | null;
  container: string | null;
  label: string | null;
  status: VideoStatus;
  error: string | null;
  duplicate_of: number | null;
  thumbnail: string | null;
  imported_at: string;
  updated_at: string;
}

/** Stream facts of a decodable video, as the probe found them; null for files that failed before. */
export type VideoMedia = VideoProbe;

/** Everything the importer writes for one file. */
export interface VideoRecord {
  path: string;
  root: string;
  sizeBytes: number;
  mtimeMs: number;
  contentHash: string | null;
  media: VideoMedia | null;
  label: string | null;
  status: VideoStatus;
  error: string | null;
  duplicateOf: number | null;
  thumbnail: string | null;
}

/** The stored facts the incremental re-scan compares against. */
export interface StoredVideo {
  id: number;
  path: string;
  sizeBytes: number;
  mtimeMs: number;
  contentHash: string | null;
  status: VideoStatus;
  thumbnail: string | null;
  media: VideoMedia | null;
}

function baseName(filePath: string): string {
  return filePath.split(/[\\/]/).pop() ?? filePath;
}

function toDto(row: VideoRow): VideoDto {
  return {
    id: row.id,
    path: row.path,
    fileName: baseName(row.path),
    sizeBytes: row.size_bytes,
    durationS: row.duration_s,
    fps: row.fps,
    frameCount: row.frame_count,
    width: row.width,
    height: row.height,
    codec: row.codec,
    label: row.label,
    status: row.status,
    error: row.error,
    duplicateOfId: row.duplicate_of,
    hasThumbnail: row.thumbnail !== null,
    tooShortFor: row.status === 'ready' && row.duration_s !== null ? tasksTooShortFor(row.duration_s) : [],
    importedAt: row.imported_at,
    updatedAt: row.updated_at,
  };
}

function toStored(row: VideoRow): StoredVideo {
  return {
    id: row.id,
    path: row.path,
    sizeBytes: row.size_bytes,
    mtimeMs: row.mtime_ms,
    contentHash: row.content_hash,
    status: row.status,
    thumbnail: row.thumbnail,
    media: mediaOf(row),
  };
}

function mediaOf(row: VideoRow): VideoMedia | null {
  if (row.duration_s === null || row.fps === null || row.frame_count === null) return null;
  if (row.width === null || row.height === null) return null;
  return {
    durationS: row.duration_s,
    fps: row.fps,
    frameCount: row.frame_count,
    frameCountExact: row.frame_count_exact === 1,
    width: row.width,
    height: row.height,
    codec: row.codec ?? 'unknown',
    container: row.container ?? 'unknown',
  };
}

function recordParams(record: VideoRecord, now: string) {
  const media = record.media;
  return {
    path: record.path,
    root: record.root,
    size_bytes: record.sizeBytes,
    mtime_ms: Math.trunc(record.mtimeMs),
    content_hash: record.contentHash,
    duration_s: media?.durationS ?? null,
    fps: media?.fps ?? null,
    frame_count: media?.frameCount ?? null,
    frame_count_exact: media?.frameCountExact ? 1 : 0,
    width: media?.width ?? null,
    height: media?.height ?? null,
    codec: media?.codec ?? null,
    container: media?.container ?? null,
    label: record.label,
    status: record.status,
    error: record.error,
    duplicate_of: record.duplicateOf,
    thumbnail: record.thumbnail,
    now,
  };
}

export function insertVideo(db: WritableDB, record: VideoRecord, now = new Date().toISOString()): number {
  const result = db
    .prepare(
      `INSERT INTO videos (path, root, size_bytes, mtime_ms, content_hash, duration_s, fps, frame_count,
         frame_count_exact, width, height, codec, container, label, status, error, duplicate_of, thumbnail,
         imported_at, updated_at)
       VALUES (@path, @root, @size_bytes, @mtime_ms, @content_hash, @duration_s, @fps, @frame_count,
         @frame_count_exact, @width, @height, @codec, @container, @label, @status, @error, @duplicate_of,
         @thumbnail, @now, @now)`,
    )
    .run(recordParams(record, now));
  return Number(result.lastInsertRowid);
}

/** Replaces every stored fact of a video, keeping its id (so later features and runs stay linked). */
export function replaceVideo(
  db: WritableDB,
  id: number,
  record: VideoRecord,
  now = new Date().toISOString(),
): void {
  db.prepare(
    `UPDATE videos SET path = @path, root = @root, size_bytes = @size_bytes, mtime_ms = @mtime_ms,
       content_hash = @content_hash, duration_s = @duration_s, fps = @fps, frame_count = @frame_count,
       frame_count_exact = @frame_count_exact, width = @width, height = @height, codec = @codec,
       container = @container, label = @label, status = @status, error = @error,
       duplicate_of = @duplicate_of, thumbnail = @thumbnail, updated_at = @now
     WHERE id = @id`,
  ).run({ ...recordParams(record, now), id });
}

export function findVideoByPath(db: ReadableDB, path: string): StoredVideo | undefined {
  const row = db.prepare('SELECT * FROM videos WHERE path = ?').get(path) as VideoRow | undefined;
  return row && toStored(row);
}

/** Videos with this content, oldest first (the first is the original of any duplicates). */
export function findVideosByHash(db: ReadableDB, contentHash: string): StoredVideo[] {
  const rows = db
    .prepare('SELECT * FROM videos WHERE content_hash = ? ORDER BY id')
    .all(contentHash) as VideoRow[];
  return rows.map(toStored);
}

export function getVideo(db: ReadableDB, id: number): VideoDto | undefined {
  const row = db.prepare('SELECT * FROM videos WHERE id = ?').get(id) as VideoRow | undefined;
  return row && toDto(row);
}

/** The thumbnail file name of a video, for the media route. */
export interface VideoFiles {
  path: string;
  /** The imported folder it was found in, and the size and mtime it had then. */
  root: string;
  sizeBytes: number;
  mtimeMs: number;
  /** When this record was last written (ISO): what lies at `path` should be no newer. */
  updatedAt: string;
  thumbnail: string | null;
  status: VideoStatus;
  codec: string | null;
  container: string | null;
  contentHash: string | null;
  durationS: number | null;
}

export function getVideoFiles(db: ReadableDB, id: number): VideoFiles | undefined {
  return db
    .prepare(
      `SELECT path, root, size_bytes AS sizeBytes, mtime_ms AS mtimeMs, updated_at AS updatedAt, thumbnail, status,
              codec, container, content_hash AS contentHash, duration_s AS durationS FROM videos WHERE id = ?`,
    )
    .get(id) as VideoFiles | undefined;
}

/** Paths of the videos stored under a folder that are not yet marked missing. */
export function presentPathsUnder(db: ReadableDB, folder: string, separator: string): string[] {
  const prefix = folder.endsWith(separator) ? folder : folder + separator;
  const rows = db
    .prepare(`SELECT path FROM videos WHERE status != 'missing' AND substr(path, 1, length(?)) = ?`)
    .all(prefix, prefix) as { path: string }[];
  return rows.map((row) => row.path);
}

export function markMissing(db: WritableDB, path: string, now = new Date().toISOString()): void {
  db.prepare(
    `UPDATE videos SET status = 'missing', error = 'file not found at the last import', updated_at = ?
     WHERE path = ?`,
  ).run(now, path);
}

/** A video whose file is no longer the one imported (gone, replaced, changed): unusable until imported again. */
export function markNotAsImported(db: WritableDB, id: number, reason: string, now = new Date().toISOString()): void {
  db.prepare(
    `UPDATE videos SET status = 'missing', error = ?, updated_at = ? WHERE id = ? AND status IN ('ready', 'duplicate')`,
  ).run(reason, now, id);
}

export interface VideoFilter {
  offset: number;
  limit: number;
  /** A label; null = unlabelled; undefined = all. */
  label?: string | null | undefined;
  status?: VideoStatus | undefined;
  search?: string | undefined;
}

function escapeLike(text: string): string {
  return text.replace(/[\\%_]/g, (char) => `\\${char}`);
}

/**
 * A page of the grid. The same page is asked for by every window, again after each change event, so
 * it is kept until the database changes (like the counts below) instead of being read and serialised
 * per call; the answer is frozen and shared.
 */
export function listVideos(db: ReadableDB, filter: VideoFilter): VideoPage {
  return unlessChanged(db, `page:${JSON.stringify(filter)}`, () => readPage(db, filter));
}

function readPage(db: ReadableDB, filter: VideoFilter): VideoPage {
  const where: string[] = [];
  const params: Record<string, unknown> = {};
  if (filter.label === null) where.push('label IS NULL');
  else if (filter.label !== undefined) {
    where.push('label = @label');
    params.label = filter.label;
  }
  if (filter.status) {
    where.push('status = @status');
    params.status = filter.status;
  }
  const search = filter.search?.trim();
  if (search) {
    where.push(`path LIKE @search ESCAPE '\\'`);
    params.search = `%${escapeLike(search)}%`;
  }
  const clause = where.length ? `WHERE ${where.join(' AND ')}` : '';
  const { total } = db.prepare(`SELECT count(*) AS total FROM videos ${clause}`).get(params) as {
    total: number;
  };
  const rows = db
    .prepare(
      `SELECT * FROM videos ${clause}
       ORDER BY label IS NULL, label COLLATE NOCASE, path COLLATE NOCASE, id
       LIMIT @limit OFFSET @offset`,
    )
    .all({ ...params, limit: filter.limit, offset: filter.offset }) as VideoRow[];
  return { total, offset: filter.offset, items: rows.map(toDto) };
}

/** At most this many answers are kept per connection (distinct searches and pages) between changes. */
const MEMO_LIMIT = 64;

/** Each connection's answers since its last change, and the change stamp they were read at. */
const memos = new WeakMap<ReadableDB, { stamp: string; answers: Map<string, unknown> }>();

/**
 * Changes whenever a row of the videos or import jobs changed, committed by any connection or process
 * (table versions bumped by triggers, migration 0012); other tables' changes (a run's metrics) leave it.
 */
function changeStamp(db: ReadableDB): string {
  return db.prepare('SELECT group_concat(version) FROM table_versions').pluck().get() as string;
}

/**
 * `compute`'s last answer for `key`, for as long as no video or import job changed (`changeStamp`):
 * only those tables may be read by `compute`. library.current asks for the counts on every call, and
 * in a large library each is a scan of the whole table. Answers are frozen
 * (`freezeDeep`), so every caller can share one, and the bridge serialises it once.
 */
export function unlessChanged<T>(db: ReadableDB, key: string, compute: () => T): T {
  const stamp = changeStamp(db);
  let memo = memos.get(db);
  if (memo?.stamp !== stamp) memos.set(db, (memo = { stamp, answers: new Map() }));
  if (memo.answers.has(key)) return memo.answers.get(key) as T;
  const answer = freezeDeep(compute());
  if (memo.answers.size >= MEMO_LIMIT) memo.answers.delete(memo.answers.keys().next().value as string);
  memo.answers.set(key, answer);
  return answer;
}

export function statusCounts(db: ReadableDB): StatusCounts {
  return unlessChanged(db, 'status', () => {
    const rows = db.prepare('SELECT status, count(*) AS n FROM videos GROUP BY status').all() as {
      status: VideoStatus;
      n: number;
    }[];
    const counts = Object.fromEntries(VIDEO_STATUSES.map((status) => [status, 0])) as StatusCounts;
    counts.total = 0;
    for (const row of rows) {
      counts[row.status] = row.n;
      counts.total += row.n;
    }
    return counts;
  });
}

/** Label counts over the videos that can be used (ready). */
export function labelCounts(db: ReadableDB): LabelCount[] {
  return unlessChanged(
    db,
    'labels',
    () =>
      db
        .prepare(
          `SELECT label, sum(status = 'ready') AS count, count(*) AS total FROM videos
           GROUP BY label ORDER BY label IS NULL, label COLLATE NOCASE`,
        )
        .all() as LabelCount[],
  );
}

/** A ready video as the samplers and the frame source need it. */
export interface SamplingVideo {
  id: number;
  path: string;
  fileName: string;
  label: string | null;
  contentHash: string | null;
  durationS: number;
  fps: number;
}

export function readyVideos(db: ReadableDB): SamplingVideo[] {
  const rows = db
    .prepare(
      `SELECT id, path, label, content_hash, duration_s, fps FROM videos
       WHERE status = 'ready' AND duration_s IS NOT NULL AND fps IS NOT NULL ORDER BY id`,
    )
    .all() as {
    id: number;
    path: string;
    label: string | null;
    content_hash: string | null;
    duration_s: number;
    fps: number;
  }[];
  return rows.map((row) => ({
    id: row.id,
    path: row.path,
    fileName: baseName(row.path),
    label: row.label,
    contentHash: row.content_hash,
    durationS: row.duration_s,
    fps: row.fps,
  }));
}
