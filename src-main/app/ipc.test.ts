import { describe, expect, it, vi } from 'vitest';
import { METHOD_NAMES, methodChannel } from '../shared/contract.ts';
import { EventHub } from '../core/jobs/events.ts';
import type { Handlers } from '../core/api/dispatch.ts';

const handled = new Map<string, (event: unknown, input: unknown) => Promise<unknown>>();
vi.mock('electron', () => ({
  ipcMain: {
    handle: (channel: string, fn: (event: unknown, input: unknown) => Promise<unknown>) => handled.set(channel, fn),
    removeHandler: (channel: string) => handled.delete(channel),
  },
}));

describe('registerIpc', () => {
  it('handles exactly the contract channels, checks the sender and validates input', async () => {
    const { registerIpc } = await import('./ipc.ts');
    const handlers = Object.fromEntries(
      METHOD_NAMES.map((name) => [name, async () => `handled ${name}`]),
    ) as unknown as Handlers;
    const trusted = { trusted: true };
    const dispose = registerIpc(handlers, new EventHub(), (event) => event === (trusted as never), () => null);
    expect([...handled.keys()].sort()).toEqual(METHOD_NAMES.map(methodChannel).sort());

    const call = handled.get(methodChannel('library.current'))!;
    expect(await call(trusted, {})).toEqual({ ok: true, value: 'handled library.current' });
    expect(await call({ trusted: false }, {})).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect(await call(trusted, { unexpected: 1 })).toMatchObject({ ok: false, error: { code: 'INVALID_INPUT' } });
    dispose();
    expect(handled.size).toBe(0);
  });
});
