import { describe, expect, it } from 'vitest';
import { checkpointsToPrune, defaultCheckpoint, isMeaningful, type CheckpointRecord } from './checkpoint-policy.ts';

const CHANCE = { chance: 1 / 6, majority: 1 / 6 };

/** Checkpoints every 50 steps with these validation accuracies; the best flagged as the database does. */
function checkpoints(accuracies: (number | null)[]): CheckpointRecord[] {
  let best = -1;
  accuracies.forEach((accuracy, i) => {
    if (accuracy !== null && (best < 0 || accuracy >= (accuracies[best] as number))) best = i;
  });
  return accuracies.map((accuracy, i) => ({ step: (i + 1) * 50, validationAccuracy: accuracy, isBest: i === best }));
}

describe('checkpointsToPrune', () => {
  it('keeps the newest few and the best, and deletes the rest', () => {
    const list = checkpoints([0.2, 0.5, 0.3, 0.3, 0.35, 0.3, 0.32]);
    expect(checkpointsToPrune(list, 3)).toEqual([50, 150, 200]);
    expect(checkpointsToPrune(list, 100)).toEqual([]);
  });

  it('never deletes the newest checkpoint, which a resume continues from', () => {
    const list = checkpoints([0.5, 0.2, null]);
    expect(checkpointsToPrune(list, 0)).toEqual([100]);
    expect(checkpointsToPrune(list, 1)).not.toContain(150);
  });

  it('keeps checkpoints it is told to (feature sets were extracted from them)', () => {
    expect(checkpointsToPrune(checkpoints([0.2, 0.5, 0.3, 0.3, 0.3]), 2, new Set([50]))).toEqual([150]);
  });
});

describe('defaultCheckpoint', () => {
  it('uses the last checkpoint when the best is within noise of it', () => {
    // The run: a 23.4 % "best" from 64 tuples while the last measured 18 %.
    const choice = defaultCheckpoint(checkpoints([0.17, 0.234, 0.18]), CHANCE, 64);
    expect(choice).toMatchObject({ step: 150, kind: 'last' });
    expect(choice?.reason).toMatch(/at chance/);
    expect(defaultCheckpoint(checkpoints([0.3, 0.36, 0.33]), CHANCE, 256)).toMatchObject({ step: 150, kind: 'last' });
  });

  it('uses the best when it is clearly better than the latest', () => {
    const choice = defaultCheckpoint(checkpoints([0.3, 0.45, 0.3]), CHANCE, 256);
    expect(choice).toMatchObject({ step: 100, kind: 'best' });
    expect(choice?.reason).toMatch(/clearly above the latest \(30\.0 %\)/);
  });

  it('compares with the latest measured checkpoint when the last (a cancel) has none', () => {
    expect(defaultCheckpoint(checkpoints([0.45, 0.3, null]), CHANCE, 256)).toMatchObject({ step: 50, kind: 'best' });
    expect(defaultCheckpoint(checkpoints([0.3, 0.33, null]), CHANCE, 256)).toMatchObject({ step: 150, kind: 'last' });
  });

  it('answers null without checkpoints, and the last when it is the best', () => {
    expect(defaultCheckpoint([], CHANCE, 256)).toBeNull();
    expect(defaultCheckpoint(checkpoints([0.2, 0.5]), CHANCE, 256)).toMatchObject({ step: 100, kind: 'last' });
  });

  it('calls a best at the 75 % majority class not meaningful', () => {
    const majority = { chance: 0.5, majority: 0.75 };
    expect(isMeaningful(0.76, majority, 256)).toBe(false);
    expect(isMeaningful(0.88, majority, 256)).toBe(true);
    expect(isMeaningful(null, majority, 256)).toBe(false);
  });
});
