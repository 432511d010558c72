// The whole renderer-facing surface: the contract's methods and events, nothing else.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import {
  eventChannel,
  isEventName,
  isMethodName,
  methodChannel,
  type PreloadBridge,
} from '../shared/contract.ts';
import type { CallResult } from '../shared/errors.ts';

const bridge: PreloadBridge = {
  invoke(method, input) {
    if (!isMethodName(method)) {
      return Promise.resolve<CallResult<unknown>>({
        ok: false,
        error: { code: 'UNKNOWN_METHOD', message: `Unknown method: ${String(method)}` },
      });
    }
    return ipcRenderer.invoke(methodChannel(method), input) as Promise<CallResult<unknown>>;
  },
  subscribe(event, listener) {
    if (!isEventName(event)) throw new Error(`Unknown event: ${String(event)}`);
    const channel = eventChannel(event);
    // Never hand the IpcRendererEvent (and its sender) to the page.
    const forward = (_event: IpcRendererEvent, payload: unknown) => listener(payload);
    ipcRenderer.on(channel, forward);
    return () => ipcRenderer.removeListener(channel, forward);
  },
};

contextBridge.exposeInMainWorld('pretext', bridge);
