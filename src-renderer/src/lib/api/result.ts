import { ApiError, isApiErrorData } from '@shared/errors.ts';

/** Turns anything thrown by a transport into the one error type the UI handles. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error) return new ApiError('INTERNAL', error.message);
  return new ApiError('INTERNAL', String(error));
}

/**
 * Unwraps a `CallResult` that came over a transport: the value on success, a thrown `ApiError`
 * on failure. Anything that is not a well-formed result is itself an error, never a silent value.
 */
export function unwrapResult(result: unknown): unknown {
  if (typeof result === 'object' && result !== null && 'ok' in result) {
    const candidate = result as { ok: unknown; value?: unknown; error?: unknown };
    if (candidate.ok === true) return candidate.value;
    if (candidate.ok === false && isApiErrorData(candidate.error)) {
      throw ApiError.fromData(candidate.error);
    }
  }
  throw new ApiError('INTERNAL', 'The Pretext backend sent a malformed reply.', { reply: result });
}
