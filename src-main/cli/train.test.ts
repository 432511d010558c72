/**
 * The CLI end to end, as a user runs it: a real training process killed with SIGKILL mid-run, then
 * resumed. The library must stay consistent and the metric series must have no gap and no duplicate.
 */
import { spawn } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI, demoLibrary, pretext } from './test-support.ts';

let work: string;
let library: string;

beforeAll(() => {
  ({ work, library } = demoLibrary('pretext-cli-train-'));
}, 240_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('pretext train', () => {
  it('rejects a bad config with a clear message', () => {
    const result = pretext('train', '--task', 'clip-order', '--backbone', 'alexnet', '--library', library);
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/alexnet does not fit clip-order/);
    const steps = pretext('train', '--task', 'sequence-sorting', '--steps', 'many', '--library', library);
    expect(steps.status).toBe(2);
    expect(steps.stderr).toMatch(/--steps must be a whole number/);
    const replicas = pretext('train', '--task', 'sequence-sorting', '--replicas', '0', '--library', library);
    expect(replicas.status).toBe(1);
    expect(replicas.stderr).toMatch(/replicas must be at least 1/);
  });

  it('survives a kill mid-run and resumes from the last checkpoint', async () => {
    const child = spawn(process.execPath, [CLI, 'train', '--task', 'sequence-sorting', '--steps', '400', '--library', library], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    // Kill once the first checkpoint (every 50 steps in the tiny preset) is behind us.
    await new Promise<void>((done, fail) => {
      let log = '';
      child.stderr.on('data', (chunk: Buffer) => {
        log += chunk.toString();
        const steps = [...log.matchAll(/step (\d+)\/400/g)].map((match) => Number(match[1]));
        if (steps.some((step) => step >= 60)) {
          child.kill('SIGKILL');
          done();
        }
      });
      child.once('exit', () => fail(new Error(`training ended before it could be killed:\n${log}`)));
    });
    await new Promise((done) => child.once('exit', done));

    const db = new Database(library, { readonly: true });
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    const run = db.prepare('SELECT id, status FROM training_runs ORDER BY id DESC LIMIT 1').get() as { id: number };
    db.close();

    const runs = JSON.parse(pretext('runs', '--library', library, '--json').stdout) as { id: number; status: string; lastCheckpointStep: number }[];
    const killed = runs.find((item) => item.id === run.id);
    expect(killed?.status).toBe('interrupted');
    expect(killed?.lastCheckpointStep).toBeGreaterThanOrEqual(50);

    const resumed = pretext('train', '--resume', String(run.id), '--library', library, '--json');
    expect(resumed.status, resumed.stderr).toBe(0);
    const detail = JSON.parse(resumed.stdout) as {
      run: { status: string; step: number };
      metrics: { split: string; step: number }[];
      checkpoints: { step: number }[];
    };
    expect(detail.run).toMatchObject({ status: 'completed', step: 400 });
    const trainSteps = detail.metrics.filter((point) => point.split === 'train').map((point) => point.step);
    expect(trainSteps).toEqual(Array.from({ length: 400 }, (_, index) => index + 1));
    // Pruned as it went (keepCheckpoints 3 and the best), and every record still has its folder.
    const folders = readdirSync(join(`${library}.cache`, 'runs', String(run.id))).filter((name) => /^step-\d+$/.test(name)).sort();
    expect(detail.checkpoints.length).toBeLessThanOrEqual(4);
    expect(detail.checkpoints.map((checkpoint) => `step-${checkpoint.step}`).sort()).toEqual(folders);
    expect(folders).toContain('step-400');
  }, 300_000);

  it('cancels on Ctrl-C (SIGINT): exit code 130 and the run recorded as cancelled', async () => {
    const child = spawn(process.execPath, [CLI, 'train', '--task', 'odd-one-out', '--steps', '400', '--library', library], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    let log = '';
    child.stderr.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (/step [1-9]\d*\/400/.test(log) && !child.killed) child.kill('SIGINT');
    });
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    expect(code, log).toBe(130);
    const summary = /Run (\d+) cancelled at step (\d+)\/400/.exec(stdout);
    expect(summary, stdout).not.toBeNull();
    expect(Number(summary?.[2])).toBeLessThan(400);
    const runs = JSON.parse(pretext('runs', '--library', library, '--json').stdout) as { id: number; status: string }[];
    expect(runs.find((item) => item.id === Number(summary?.[1]))?.status).toBe('cancelled');
  }, 120_000);
});
