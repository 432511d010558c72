import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { METHOD_NAMES } from '../../shared/contract.ts';
import { ERROR_CODES } from '../../shared/errors.ts';
import { Studio } from '../studio.ts';
import { dispatch } from './dispatch.ts';
import { EventHub } from '../jobs/events.ts';
import { createHandlers } from './handlers.ts';

let dir: string;
let library: Studio;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'pretext-dispatch-'));
  library = new Studio({ events: new EventHub() });
  library.open(join(dir, 'lib.pretext'), true);
});
afterEach(async () => {
  await library.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A small deterministic generator of hostile JSON values. */
function* hostileValues(seed: number, count: number): Generator<unknown> {
  let state = seed;
  const random = () => ((state = (state * 1664525 + 1013904223) >>> 0) / 2 ** 32);
  const atoms: unknown[] = [
    null, undefined, true, 0, -1, 1.5, 2 ** 53, Number.NaN, '', ' ', '../../etc/passwd', '\u0000', 'x'.repeat(5000),
    [], {}, { __proto__: { polluted: true } }, { constructor: { prototype: { bad: 1 } } },
  ];
  const keys = ['path', 'create', 'folder', 'jobId', 'id', 'limit', 'offset', 'label', 'status', 'search', 'title', 'extra'];
  const value = (depth: number): unknown => {
    const pick = random();
    if (depth > 2 || pick < 0.5) return atoms[Math.floor(random() * atoms.length)];
    if (pick < 0.7) return Array.from({ length: Math.floor(random() * 3) }, () => value(depth + 1));
    const object: Record<string, unknown> = {};
    for (let i = Math.floor(random() * 4); i > 0; i--) object[keys[Math.floor(random() * keys.length)] as string] = value(depth + 1);
    return object;
  };
  for (let i = 0; i < count; i++) yield value(0);
}

describe('contract handlers', () => {
  it('handle exactly the contract methods', () => {
    expect(Object.keys(createHandlers(library)).sort()).toEqual([...METHOD_NAMES].sort());
  });

  it('reject unknown methods with a typed error', async () => {
    for (const method of ['', 'constructor', '__proto__', 'toString', 'fs.readFile', 42, null]) {
      const result = await dispatch(createHandlers(library), method, {});
      expect(result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_METHOD' } });
    }
  });

  it('survive hundreds of malformed payloads: typed errors only, library unchanged', async () => {
    const handlers = createHandlers(library);
    const before = JSON.stringify(library.info());
    let rejected = 0;
    // Methods that would legitimately change state with a valid payload are fuzzed with invalid ones only.
    for (const method of METHOD_NAMES) {
      for (const payload of hostileValues(METHOD_NAMES.indexOf(method) + 1, 60)) {
        const result = await dispatch(handlers, method, payload);
        if (result.ok) continue;
        rejected++;
        expect(ERROR_CODES).toContain(result.error.code);
        expect(typeof result.error.message).toBe('string');
      }
    }
    expect(rejected).toBeGreaterThan(300);
    expect(JSON.stringify(library.info())).toBe(before);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('name the failing argument in INVALID_INPUT', async () => {
    const result = await dispatch(createHandlers(library), 'videos.list', { limit: 'ten', extra: 1 });
    expect(result.ok).toBe(false);
    if (!result.ok) {
      expect(result.error.code).toBe('INVALID_INPUT');
      expect(result.error.message).toMatch(/limit/);
    }
  });

  it('refuse to train on a library without ready videos, creating no run', async () => {
    const handlers = createHandlers(library);
    const config = await dispatch(handlers, 'training.preset', { task: 'clip-order', backbone: 'r3d', preset: 'tiny' });
    if (!config.ok) throw new Error(config.error.message);
    const result = await dispatch(handlers, 'training.start', { config: config.value });
    expect(result).toMatchObject({ ok: false, error: { code: 'NO_VIDEOS', message: expect.stringMatching(/import videos first/) } });
    expect(library.training.runs()).toEqual([]);
  });

  it('list the recent libraries the shell keeps, none without one', async () => {
    expect(await dispatch(createHandlers(library), 'library.recent', {})).toEqual({ ok: true, value: [] });
    const shell = { recentLibraries: () => ['/data/ucf.pretext'] };
    expect(await dispatch(createHandlers(library, shell), 'library.recent', {})).toEqual({ ok: true, value: ['/data/ucf.pretext'] });
  });
});
