// `npm start` in serve mode (scripts/start.js --serve), stopped the ways people and tools stop it.
// Each run gets its own process group, so whatever it leaves behind can be found.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { expect, test } from '@playwright/test';

const ROOT = resolve(import.meta.dirname, '..');

let work: string;
let groups: number[] = [];
test.beforeEach(() => {
  work = mkdtempSync(join(tmpdir(), 'pretext-e2e-start-'));
  groups = [];
});
test.afterEach(() => {
  // A failed test must not leave its server running.
  for (const pgid of groups.filter(groupAlive)) process.kill(-pgid, 'SIGKILL');
  rmSync(work, { recursive: true, force: true });
});

/** Starts `command` as the leader of a new process group; resolves once the app printed its URL. */
async function startGroup(command: string, args: string[]): Promise<{ leader: ChildProcess; url: string }> {
  const leader = spawn(command, args, {
    cwd: ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, PRETEXT_LIBRARY: join(work, 'lib.pretext') },
  });
  groups.push(leader.pid!);
  let output = '';
  const url = await new Promise<string>((found, fail) => {
    leader.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const match = /Open (http:\/\/\S+)/.exec(output);
      if (match?.[1]) found(match[1]);
    });
    leader.once('exit', (code) => fail(new Error(`exited with ${code} before printing a URL:\n${output}`)));
  });
  return { leader, url };
}

/** Whether any process of the group is still alive. */
function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
}

test('Ctrl-C reaches the server twice (from the terminal and from npm start) and it still closes cleanly', async () => {
  const { leader, url } = await startGroup(process.execPath, ['scripts/start.js', '--serve']);
  expect((await fetch(url)).status).toBe(200);
  const exited = once(leader, 'exit');
  process.kill(-leader.pid!, 'SIGINT'); // what a terminal does: the whole foreground group
  const [code, signal] = await exited;
  expect({ code, signal }).toEqual({ code: 0, signal: null });
});

test("stopping npm's shell stops the server and everything it started", async () => {
  // npm runs the start script through `sh -c`, which dies of npm's SIGTERM without passing it on.
  const { leader, url } = await startGroup('sh', ['-c', `"${process.execPath}" scripts/start.js --serve; :`]);
  expect((await fetch(url)).status).toBe(200);
  leader.kill('SIGTERM');
  await expect.poll(() => groupAlive(leader.pid!), { timeout: 20_000 }).toBe(false);
});
