/** Data that crosses the IPC boundary. Plain JSON: no Dates, Maps or class instances. */

export const VIDEO_STATUSES = ['ready', 'failed', 'missing', 'duplicate'] as const;
export type VideoStatus = (typeof VIDEO_STATUSES)[number];

export interface VideoDto {
  id: number;
  path: string;
  fileName: string;
  sizeBytes: number;
  durationS: number | null;
  fps: number | null;
  frameCount: number | null;
  width: number | null;
  height: number | null;
  codec: string | null;
  /** Parent folder name below the import root (UCF101 layout `Class/video.avi`); null when none. */
  label: string | null;
  status: VideoStatus;
  /** Why the video failed to import, or why it is missing/duplicate. */
  error: string | null;
  duplicateOfId: number | null;
  hasThumbnail: boolean;
  /** ISO-8601 timestamps. */
  importedAt: string;
  updatedAt: string;
}

export interface VideoPage {
  total: number;
  offset: number;
  items: VideoDto[];
}

export interface LabelCount {
  /** null groups the videos without a label. */
  label: string | null;
  count: number;
}

export type StatusCounts = Record<VideoStatus, number> & { total: number };

export interface LibraryInfo {
  path: string;
  schemaVersion: number;
  counts: StatusCounts;
  labels: LabelCount[];
  /** Folders imported so far, most recent first. */
  roots: string[];
}

export const IMPORT_JOB_STATUSES = ['running', 'completed', 'cancelled', 'failed', 'interrupted'] as const;
export type ImportJobStatus = (typeof IMPORT_JOB_STATUSES)[number];

export interface ImportCounts {
  /** Video files found by the scan. */
  found: number;
  /** Files processed so far (any outcome). */
  processed: number;
  imported: number;
  updated: number;
  unchanged: number;
  moved: number;
  duplicates: number;
  failed: number;
  /** Videos of this root that were in the library but are gone from disk. */
  missing: number;
}

export interface ImportJobDto extends ImportCounts {
  id: number;
  root: string;
  status: ImportJobStatus;
  startedAt: string;
  finishedAt: string | null;
  /** Why the whole job failed (not per-file failures). */
  error: string | null;
}

export interface ImportFailure {
  path: string;
  reason: string;
}

export type ImportPhase = 'scanning' | 'importing' | 'finishing';

export interface ImportProgress {
  jobId: number;
  phase: ImportPhase;
  counts: ImportCounts;
  currentFile: string | null;
  /** Seconds left, estimated from throughput so far; null until there is a sample. */
  etaSeconds: number | null;
}

export interface MediaToolsStatus {
  ok: boolean;
  ffmpeg: string | null;
  ffprobe: string | null;
  /** Where the binaries came from, e.g. "FFMPEG_PATH", "ffmpeg-static", "system". */
  source: string | null;
  /** When not ok: what was tried and why each failed. */
  message: string | null;
}

export interface AppInfo {
  version: string;
  platform: string;
  mediaTools: MediaToolsStatus;
}

export interface PickFolderResult {
  /** null when the user cancelled the dialog. */
  path: string | null;
}
