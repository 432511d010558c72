import { beforeEach, describe, expect, it, vi } from 'vitest';
import { EVENT_NAMES, METHOD_NAMES, eventChannel, methodChannel, type PreloadBridge } from '../shared/contract.ts';

const exposed = new Map<string, unknown>();
const invoke = vi.fn(async (..._args: unknown[]) => ({ ok: true, value: null }));
const on = vi.fn();
const removeListener = vi.fn();

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: { invoke, on, removeListener },
}));

beforeEach(async () => {
  vi.resetModules();
  exposed.clear();
  invoke.mockClear();
  on.mockClear();
  removeListener.mockClear();
  await import('./index.ts');
});

describe('preload', () => {
  it('exposes one object with exactly invoke and subscribe', () => {
    expect([...exposed.keys()]).toEqual(['pretext']);
    expect(Object.keys(exposed.get('pretext') as object).sort()).toEqual(['invoke', 'subscribe']);
  });

  it('forwards every contract method on its derived channel and nothing else', async () => {
    const bridge = exposed.get('pretext') as PreloadBridge;
    for (const name of METHOD_NAMES) await bridge.invoke(name, { a: 1 });
    expect(invoke.mock.calls.map((call) => call[0])).toEqual(METHOD_NAMES.map(methodChannel));
    const refused = await bridge.invoke('fs.readFile' as never, {});
    expect(refused).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    expect(invoke).toHaveBeenCalledTimes(METHOD_NAMES.length);
  });

  it('subscribes to contract events only and never passes the IPC event to the page', () => {
    const bridge = exposed.get('pretext') as PreloadBridge;
    const listener = vi.fn();
    for (const name of EVENT_NAMES) bridge.subscribe(name, listener);
    expect(on.mock.calls.map((call) => call[0])).toEqual(EVENT_NAMES.map(eventChannel));
    const forward = on.mock.calls[0]?.[1] as (event: unknown, payload: unknown) => void;
    forward({ sender: 'secret' }, { value: 1 });
    expect(listener).toHaveBeenCalledWith({ value: 1 });
    expect(() => bridge.subscribe('evil' as never, listener)).toThrow(/Unknown event/);
  });

  it('unsubscribes exactly the listener it added', () => {
    const bridge = exposed.get('pretext') as PreloadBridge;
    const unsubscribe = bridge.subscribe('import.progress', vi.fn());
    const [channel, forward] = on.mock.calls[0] as [string, unknown];
    unsubscribe();
    expect(removeListener).toHaveBeenCalledExactlyOnceWith(channel, forward);
  });

  it('never exposes ipcRenderer or its methods to the page', () => {
    const bridge = exposed.get('pretext') as Record<string, unknown>;
    for (const value of Object.values(bridge)) {
      expect([invoke, on, removeListener]).not.toContain(value);
    }
  });
});
