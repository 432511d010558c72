import type {
  EventName,
  EventPayload,
  MethodInput,
  MethodName,
  MethodOutput,
  PreloadBridge,
  PretextApi,
} from '@shared/contract.ts';
import { toApiError, unwrapResult } from './result.ts';

/** `PretextApi` over the preload bridge (`window.pretext`): IPC calls return a `CallResult`. */
export function createElectronApi(bridge: PreloadBridge): PretextApi {
  return {
    async call<M extends MethodName>(method: M, input: MethodInput<M>): Promise<MethodOutput<M>> {
      let result: unknown;
      try {
        result = await bridge.invoke(method, input);
      } catch (error) {
        throw toApiError(error);
      }
      return unwrapResult(result) as MethodOutput<M>;
    },
    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      return bridge.subscribe(event, (payload) => listener(payload as EventPayload<E>));
    },
  };
}
