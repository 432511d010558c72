import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { once } from 'node:events';
import { dirname, join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

const CLI = resolve(import.meta.dirname, '../bin/pretext.js');

export interface Served {
  url: string;
  stop(): Promise<void>;
}

/** Starts `pretext serve` on a free port and resolves with the URL it prints (token included). */
export async function serve(library: string): Promise<Served> {
  const child: ChildProcess = spawn(process.execPath, [CLI, 'serve', '--library', library, '--create', '--json'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    // The recent-libraries list goes beside the test library, not into the user's home.
    env: { ...process.env, PRETEXT_USER_DATA: dirname(library) },
  });
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const lines = createInterface({ input: child.stdout! });
  const url = await new Promise<string>((resolveUrl, reject) => {
    lines.once('line', (line) => resolveUrl((JSON.parse(line) as { url: string }).url));
    child.once('exit', (code) => reject(new Error(`pretext serve exited with ${code}: ${stderr}`)));
  });
  return {
    url,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    },
  };
}

export interface DemoServer extends Served {
  /** The temporary folder holding the library and its videos. */
  work: string;
}

/** A fresh `pretext demo` library (16 synthetic labelled videos) in a temp folder, served. */
export async function serveDemoLibrary(prefix: string): Promise<DemoServer> {
  const work = mkdtempSync(join(tmpdir(), prefix));
  const library = join(work, 'lib.pretext');
  await promisify(execFile)(process.execPath, [CLI, 'demo', '--library', library, '--json'], {
    timeout: 240_000,
    maxBuffer: 16 * 1024 * 1024,
  });
  const served = await serve(library);
  return {
    ...served,
    work,
    stop: async () => {
      await served.stop();
      rmSync(work, { recursive: true, force: true });
    },
  };
}
