/** `pretext eval --method finetune` as a user runs it, on the generated demo library (4 labelled classes). */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoLibrary, pretext } from './test-support.ts';

let work: string;
let library: string;

beforeAll(() => {
  ({ work, library } = demoLibrary('pretext-cli-finetune-'));
  const parent = pretext('train', '--task', 'clip-order', '--backbone', 'r3d', '--steps', '2', '--library', library, '--json');
  expect(parent.status, parent.stderr).toBe(0);
}, 240_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('pretext eval --method finetune', () => {
  it('fine-tunes run 1 with progress on stderr and prints the test accuracy as JSON', () => {
    const result = pretext('eval', '--method', 'finetune', '--run', '1', '--steps', '10', '--checkpoint', 'last', '--library', library, '--json');
    expect(result.status, result.stderr).toBe(0);
    expect(result.stderr).toMatch(/\[fine-tune: training\] step \d+\/10 .*\n(.*\n)*\[fine-tune: testing\] step 10\/10/);
    const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(parsed).toMatchObject({
      method: 'finetune',
      runId: 2,
      parentRunId: 1,
      status: 'completed',
      clips: 10,
      preset: 'tiny',
      steps: 10,
      split: { kind: 'seeded', seed: 0, testFraction: 0.3 },
      parentCheckpointStep: 2,
      top5: null,
    });
    expect(parsed.top1).toBeGreaterThanOrEqual(0);
    expect(parsed.top1).toBeLessThanOrEqual(1);
    expect((parsed.testVideos as number) + (parsed.trainVideos as number)).toBe(16);
    expect(parsed.classes).toHaveLength(4);

    const runs = JSON.parse(pretext('runs', '--library', library, '--json').stdout) as { id: number; kind: string; parentRunId: number | null; testAccuracy: unknown }[];
    expect(runs.find((run) => run.id === 2)).toMatchObject({ kind: 'finetune', parentRunId: 1, testAccuracy: { top1: parsed.top1, clips: 10 } });
    expect(pretext('runs', '--library', library).stdout).toMatch(/Run 2 \(fine-tune of run 1, checkpoint step 2\) completed at step 10\/10 .*test top-1 \d+\.\d %/);
  }, 180_000);

  it('fine-tunes the random-init baseline with --checkpoint random', () => {
    const result = pretext('eval', '--method', 'finetune', '--run', '1', '--checkpoint', 'random', '--steps', '2', '--json', '--library', library);
    expect(result.status, result.stderr).toBe(0);
    const parsed = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(parsed).toMatchObject({ method: 'finetune', parentRunId: 1, status: 'completed', parentCheckpointStep: null, steps: 2, clips: 10 });
    expect(pretext('runs', '--library', library).stdout).toMatch(/\(fine-tune of run 1, random init, no pretraining\) completed at step 2\/2/);
  }, 180_000);

  it('says what is wrong with a bad request', () => {
    const missing = pretext('eval', '--method', 'finetune', '--run', '99', '--library', library);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/No training run 99 to fine-tune/);
    const random = pretext('eval', '--method', 'finetune', '--run', 'random', '--library', library);
    expect(random.stderr).toMatch(/needs --run ID/);
    const step = pretext('eval', '--method', 'finetune', '--run', '1', '--checkpoint', '7', '--library', library);
    expect(step.stderr).toMatch(/no checkpoint at step 7/);
    const preset = pretext('eval', '--method', 'finetune', '--run', '1', '--preset', 'huge', '--library', library);
    expect(preset.status).toBe(2);
    expect(preset.stderr).toMatch(/--preset/);
  }, 120_000);
});
