/** The CLI as a user runs it, for the command tests (not a test file itself). */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect } from 'vitest';

export const CLI = resolve(import.meta.dirname, '../../bin/pretext.js');

export function pretext(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', timeout: 240_000 });
}

/** A temporary folder holding the generated, imported demo library (16 labelled videos). */
export function demoLibrary(prefix: string): { work: string; library: string } {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const library = join(work, 'lib.pretext');
  const demo = pretext('demo', '--library', library, '--json');
  expect(demo.status, demo.stderr).toBe(0);
  return { work, library };
}
