import { mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isAbortError } from '../util/abort.ts';
import { runTool } from './run.ts';

// Node itself is the child: it exists wherever the tests run and can misbehave on demand.
const node = process.execPath;
const script = (source: string): string[] => ['-e', source];

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'pretext-run-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** A child that records its pid, then hangs; lets a test check the child was really killed. */
function hangingChild(pidFile: string): string[] {
  return script(`require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(process.pid)); setInterval(() => {}, 1000);`);
}

async function waitForFile(filePath: string): Promise<string> {
  for (let attempt = 0; attempt < 200; attempt += 1) {
    const text = await readFile(filePath, 'utf8').catch(() => '');
    if (text) return text;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`${filePath} never appeared`);
}

describe('runTool', () => {
  it('returns stdout, stderr and a non-zero exit code without rejecting', async () => {
    const result = await runTool(node, script('process.stdout.write("out"); process.stderr.write("err"); process.exit(3)'));
    expect(result.stdout.toString()).toBe('out');
    expect(result.stderr).toBe('err');
    expect(result.code).toBe(3);
  });

  it('passes stdin through and keeps binary stdout intact', async () => {
    const result = await runTool(
      node,
      script('let d=[];process.stdin.on("data",c=>d.push(c)).on("end",()=>process.stdout.write(Buffer.concat(d).reverse()))'),
      { stdin: Buffer.from([1, 2, 255]) },
    );
    expect([...result.stdout]).toEqual([255, 2, 1]);
    expect(result.code).toBe(0);
  });

  it('keeps only the last 4 KB of a long stderr', async () => {
    const result = await runTool(node, script('process.stderr.write("x".repeat(100000) + "THE END")'));
    expect(result.stderr.length).toBeLessThanOrEqual(4096);
    expect(result.stderr.endsWith('THE END')).toBe(true);
  });

  it('rejects and kills the child when stdout exceeds the limit', async () => {
    await expect(
      runTool(node, script('setInterval(() => process.stdout.write("y".repeat(65536)), 1)'), { maxStdoutBytes: 100_000 }),
    ).rejects.toThrow(/printed more than 100000 bytes/);
  });

  it('times out with a clear message and kills the child', async () => {
    const pidFile = path.join(dir, 'timeout.pid');
    const started = Date.now();
    const run = runTool(node, hangingChild(pidFile), { timeoutMs: 1000 });
    await expect(run).rejects.toThrow(/timed out after 1000 ms/);
    expect(Date.now() - started).toBeLessThan(5000);
    expect(isAlive(Number(await waitForFile(pidFile)))).toBe(false);
  });

  it('rejects with an AbortError and kills the child when aborted', async () => {
    const pidFile = path.join(dir, 'abort.pid');
    const controller = new AbortController();
    const run = runTool(node, hangingChild(pidFile), { signal: controller.signal });
    const pid = Number(await waitForFile(pidFile));
    controller.abort();
    const error = await run.catch((caught: unknown) => caught);
    expect(isAbortError(error)).toBe(true);
    expect((error as Error).name).toBe('AbortError');
    expect(isAlive(pid)).toBe(false);
  });

  it('does not spawn at all when the signal is already aborted', async () => {
    const marker = path.join(dir, 'should-not-exist');
    const controller = new AbortController();
    controller.abort();
    await expect(
      runTool(node, script(`require('fs').writeFileSync(${JSON.stringify(marker)}, 'x')`), { signal: controller.signal }),
    ).rejects.toMatchObject({ name: 'AbortError' });
    await expect(readFile(marker)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('rejects with the spawn error when the binary does not exist', async () => {
    await expect(runTool(path.join(dir, 'no-such-tool'), [])).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
