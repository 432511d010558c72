import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import type { JobOwner } from '../db/job-owners.ts';
import { LEASE_MS, ownerIsGone, probeProcess, type ProcessState } from './ownership.ts';

const now = Date.parse('2026-06-01T12:00:00.000Z');
const owner = (fields: Partial<JobOwner> = {}): JobOwner => ({
  id: 'o',
  host: 'here',
  pid: 42,
  startToken: 'boot:100',
  heartbeatAt: new Date(now - 1000).toISOString(),
  ...fields,
});
const observer = (state: ProcessState, host = 'here') => ({ host, now, probe: () => state });

describe('ownerIsGone', () => {
  it('on this host: gone when the process is gone or its pid now names another process', () => {
    const alive = { exists: true, startToken: 'boot:100' };
    expect(ownerIsGone(owner(), observer(alive))).toBe(false);
    expect(ownerIsGone(owner(), observer({ exists: false, startToken: null }))).toBe(true);
    expect(ownerIsGone(owner(), observer({ exists: true, startToken: 'boot:999' }))).toBe(true);
    // A live process keeps its jobs even when its heartbeat is late (a long synchronous step).
    expect(ownerIsGone(owner({ heartbeatAt: new Date(now - 10 * LEASE_MS).toISOString() }), observer(alive))).toBe(false);
  });

  it('where the system gives no start token, a reused pid is caught by the lease', () => {
    const reused = { exists: true, startToken: null };
    expect(ownerIsGone(owner({ startToken: null }), observer(reused))).toBe(false);
    expect(ownerIsGone(owner({ startToken: null, heartbeatAt: new Date(now - LEASE_MS - 1).toISOString() }), observer(reused))).toBe(true);
  });

  it('on another host (a network share): gone only when the lease ran out', () => {
    const unknown = { exists: false, startToken: null };
    expect(ownerIsGone(owner(), observer(unknown, 'elsewhere'))).toBe(false);
    expect(ownerIsGone(owner({ heartbeatAt: new Date(now - LEASE_MS - 1).toISOString() }), observer(unknown, 'elsewhere'))).toBe(true);
  });
});

describe('probeProcess', () => {
  it('sees this process, with a stable start token, and not a process that exited', () => {
    const self = probeProcess(process.pid);
    expect(self.exists).toBe(true);
    expect(probeProcess(process.pid).startToken).toBe(self.startToken);
    const exited = spawnSync(process.execPath, ['-e', '0']);
    expect(probeProcess(exited.pid as number).exists).toBe(false);
  });
});
