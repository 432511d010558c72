import { ApiError, type CallResult } from '../../shared/errors.ts';
import {
  contract,
  isMethodName,
  type MethodName,
  type MethodOutput,
  type ParsedInput,
} from '../../shared/contract.ts';

/** One function per contract method; the mapped type makes a missing or extra handler a compile error. */
export type Handlers = {
  [M in MethodName]: (input: ParsedInput<M>) => Promise<MethodOutput<M>>;
};

/** Turns anything thrown into the typed error that crosses the boundary. */
export function toApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  if (error instanceof Error) {
    const errno = (error as NodeJS.ErrnoException).code;
    if (typeof errno === 'string' && /^E[A-Z]+$/.test(errno)) {
      return new ApiError('IO_ERROR', error.message);
    }
    return new ApiError('INTERNAL', error.message);
  }
  return new ApiError('INTERNAL', String(error));
}

/**
 * Validates a call from an untrusted transport and runs its handler. Never throws: unknown methods,
 * bad inputs and handler failures all come back as `{ ok: false, error }`.
 */
export async function dispatch(
  handlers: Handlers,
  method: unknown,
  rawInput: unknown,
): Promise<CallResult<unknown>> {
  if (!isMethodName(method)) {
    return {
      ok: false,
      error: { code: 'UNKNOWN_METHOD', message: `Unknown method: ${String(method).slice(0, 100)}` },
    };
  }
  const parsed = contract.methods[method].input.safeParse(rawInput ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => ({
      path: issue.path.map(String).join('.'),
      message: issue.message,
    }));
    const summary = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    return {
      ok: false,
      error: { code: 'INVALID_INPUT', message: `Invalid input for ${method}: ${summary}`, details: issues },
    };
  }
  try {
    const handler = handlers[method] as (input: unknown) => Promise<unknown>;
    const value = await handler(parsed.data);
    return { ok: true, value: value === undefined ? null : value };
  } catch (error) {
    return { ok: false, error: toApiError(error).toData() };
  }
}
