import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { LibraryInfo } from '../../shared/dto.ts';
import { EventHub } from '../jobs/events.ts';
import { Studio } from '../studio.ts';

let dir: string;
afterEach(() => rmSync(dir, { recursive: true, force: true }));

it('tells the library changed while an import stores videos, before it finishes', async () => {
  dir = mkdtempSync(join(tmpdir(), 'pretext-import-events-'));
  mkdirSync(join(dir, 'videos'));
  // Files that fail fast (text, not video) are stored as failed videos: enough to change the library.
  for (const name of ['a', 'b', 'c']) writeFileSync(join(dir, 'videos', `${name}.mp4`), 'not a video');
  const events = new EventHub();
  const library = new Studio({ events, importChangeIntervalMs: 0 });
  library.open(join(dir, 'lib.pretext'), true);
  const seen: { name: string; failed?: number }[] = [];
  events.subscribe((name, payload) => {
    if (name === 'library.changed') seen.push({ name, failed: (payload as LibraryInfo).counts.failed });
    if (name === 'import.finished') seen.push({ name });
  });
  const job = await library.imports.start(join(dir, 'videos'));
  await library.imports.wait(job.id);
  await library.close();
  const finished = seen.findIndex((event) => event.name === 'import.finished');
  const during = seen.slice(0, finished).filter((event) => event.name === 'library.changed');
  expect(during.length).toBeGreaterThan(0);
  expect(during.at(-1)?.failed).toBe(3);
});
