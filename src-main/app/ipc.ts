import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { EVENT_NAMES, METHOD_NAMES, eventChannel, methodChannel } from '../shared/contract.ts';
import { dispatch, type Handlers } from '../core/api/dispatch.ts';
import type { EventHub } from '../core/jobs/events.ts';

/**
 * Registers one ipcMain handler per contract method (channels derived from the contract) and
 * forwards contract events to the window. Calls from any other frame than our own page are refused.
 */
export function registerIpc(
  handlers: Handlers,
  events: EventHub,
  isTrustedSender: (event: IpcMainInvokeEvent) => boolean,
  target: () => WebContents | null,
): () => void {
  for (const name of METHOD_NAMES) {
    ipcMain.handle(methodChannel(name), (event, input: unknown) => {
      if (!isTrustedSender(event)) {
        return { ok: false, error: { code: 'UNAUTHORIZED', message: 'IPC from an untrusted frame.' } };
      }
      return dispatch(handlers, name, input);
    });
  }
  const unsubscribe = events.subscribe((name, payload) => {
    const contents = target();
    if (contents && !contents.isDestroyed() && EVENT_NAMES.includes(name)) {
      contents.send(eventChannel(name), payload);
    }
  });
  return () => {
    unsubscribe();
    for (const name of METHOD_NAMES) ipcMain.removeHandler(methodChannel(name));
  };
}
