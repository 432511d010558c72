/**
 * Why a file cannot be used as a video. `reason` is stored in the library and shown in the UI as is,
 * so it is short, lower-case and starts with the kind of problem ("not a video: …", "truncated: …").
 */
export class MediaError extends Error {
  readonly reason: string;
  readonly filePath: string | undefined;

  constructor(reason: string, options: { filePath?: string; cause?: unknown } = {}) {
    super(options.filePath ? `${options.filePath}: ${reason}` : reason, { cause: options.cause });
    this.name = 'MediaError';
    this.reason = reason;
    this.filePath = options.filePath;
  }
}

export function isMediaError(error: unknown): error is MediaError {
  return error instanceof MediaError;
}

const FS_REASONS: Record<string, string> = {
  ENOENT: 'file disappeared during import',
  EACCES: 'unreadable: EACCES (permission denied)',
  EPERM: 'unreadable: EPERM (operation not permitted)',
  EISDIR: 'not a video: it is a folder',
  EIO: 'unreadable: EIO (disk read error)',
  EBUSY: 'unreadable: EBUSY (file is locked by another program)',
  ELOOP: 'unreadable: ELOOP (symbolic link loop)',
};

/** Turns a failed open/read of the video file itself into a MediaError; other errors pass through. */
export function mediaErrorFromFs(error: unknown, filePath: string): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reason = code ? FS_REASONS[code] : undefined;
  return reason ? new MediaError(reason, { filePath, cause: error }) : error;
}
