import { describe, expect, it, vi } from 'vitest';
import type { EventName, MethodName, PreloadBridge } from '@shared/contract.ts';
import { ApiError, type CallResult } from '@shared/errors.ts';
import { createElectronApi } from './electron-client.ts';

class FakeBridge implements PreloadBridge {
  readonly invoked: Array<{ method: MethodName; input: unknown }> = [];
  readonly listeners = new Map<EventName, Set<(payload: unknown) => void>>();
  reply: (method: MethodName, input: unknown) => Promise<CallResult<unknown>> = async () => ({
    ok: true,
    value: null,
  });

  invoke(method: MethodName, input: unknown): Promise<CallResult<unknown>> {
    this.invoked.push({ method, input });
    return this.reply(method, input);
  }

  subscribe(event: EventName, listener: (payload: unknown) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener);
    return () => set.delete(listener);
  }

  emit(event: EventName, payload: unknown): void {
    for (const listener of this.listeners.get(event) ?? []) listener(payload);
  }
}

describe('createElectronApi', () => {
  it('passes method and input through and unwraps the value', async () => {
    const bridge = new FakeBridge();
    bridge.reply = async (method) =>
      method === 'library.open'
        ? { ok: true, value: { path: '/lib', schemaVersion: 1, counts: {}, labels: [], roots: [] } }
        : { ok: true, value: null };
    const api = createElectronApi(bridge);
    const info = await api.call('library.open', { path: '/lib', create: true });
    expect(info.path).toBe('/lib');
    expect(bridge.invoked).toEqual([{ method: 'library.open', input: { path: '/lib', create: true } }]);
  });

  it('throws the typed error of a failed call', async () => {
    const bridge = new FakeBridge();
    bridge.reply = async () => ({
      ok: false,
      error: { code: 'BUSY', message: 'An import is already running.', details: { jobId: 3 } },
    });
    const api = createElectronApi(bridge);
    const error = await api.call('import.start', { folder: '/videos' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'BUSY', message: 'An import is already running.', details: { jobId: 3 } });
  });

  it('turns a rejected invoke or a malformed reply into an INTERNAL ApiError', async () => {
    const bridge = new FakeBridge();
    const api = createElectronApi(bridge);
    bridge.reply = () => Promise.reject(new Error('IPC channel closed'));
    await expect(api.call('app.info', {})).rejects.toMatchObject({ code: 'INTERNAL', message: 'IPC channel closed' });
    bridge.reply = async () => 'nonsense' as unknown as CallResult<unknown>;
    await expect(api.call('app.info', {})).rejects.toMatchObject({ code: 'INTERNAL' });
  });

  it('forwards events and unsubscribes', () => {
    const bridge = new FakeBridge();
    const api = createElectronApi(bridge);
    const listener = vi.fn();
    const off = api.on('import.progress', listener);
    bridge.emit('import.progress', { jobId: 1 });
    bridge.emit('import.finished', { id: 1 });
    expect(listener).toHaveBeenCalledExactlyOnceWith({ jobId: 1 });
    off();
    bridge.emit('import.progress', { jobId: 2 });
    expect(listener).toHaveBeenCalledTimes(1);
  });
});
