import type { MethodInput, MethodName, MethodOutput } from '../shared/contract.ts';
import { ApiError } from '../shared/errors.ts';
import { dispatch, type Handlers } from '../core/api/dispatch.ts';

/** The CLI calls the same validated handlers as the UI, so both accept and reject the same inputs. */
export function callerFor(handlers: Handlers) {
  return async function call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
    const result = await dispatch(handlers, method, input);
    if (!result.ok) throw ApiError.fromData(result.error);
    return result.value as MethodOutput<M>;
  };
}

export type Caller = ReturnType<typeof callerFor>;
