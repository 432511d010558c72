/** Error codes every layer shares; the UI and CLI show `message` and may branch on `code`. */
export const ERROR_CODES = [
  'INVALID_INPUT',
  'UNKNOWN_METHOD',
  'NOT_FOUND',
  'NO_LIBRARY',
  /** The library has no ready video for what was asked (e.g. training on an empty library). */
  'NO_VIDEOS',
  'BUSY',
  'CANCELLED',
  'MEDIA_TOOLS_MISSING',
  'DB_TOO_NEW',
  'DB_ERROR',
  'IO_ERROR',
  'UNSUPPORTED',
  'UNAUTHORIZED',
  'INTERNAL',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** The error shape that crosses IPC and HTTP. */
export interface ApiErrorData {
  code: ErrorCode;
  message: string;
  /** Extra machine-readable context, e.g. the failing argument paths for INVALID_INPUT. */
  details?: unknown;
}

/** Thrown by handlers and client proxies alike so callers can catch one type. */
export class ApiError extends Error implements ApiErrorData {
  readonly code: ErrorCode;
  readonly details?: unknown;

  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    if (details !== undefined) this.details = details;
  }

  toData(): ApiErrorData {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }

  static fromData(data: ApiErrorData): ApiError {
    return new ApiError(data.code, data.message, data.details);
  }
}

export function isApiErrorData(value: unknown): value is ApiErrorData {
  if (typeof value !== 'object' || value === null) return false;
  const candidate = value as Record<string, unknown>;
  return (
    typeof candidate.message === 'string' &&
    typeof candidate.code === 'string' &&
    (ERROR_CODES as readonly string[]).includes(candidate.code)
  );
}

/** What every transport returns for a call: a value or a typed error, never a thrown exception. */
export type CallResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorData };
