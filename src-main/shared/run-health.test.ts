import { describe, expect, it } from 'vitest';
import type { MetricPoint, ProbePoint } from './dto.ts';
import { finetunePreset } from './finetune.ts';
import { accuracyNoise, assessRunHealth, clearlyAbove, judgedFrom, runBaseline } from './run-health.ts';
import { trainPreset, type TrainConfig } from './training.ts';

/** A train series of `steps` steps whose accuracy is `accuracy(step)` and loss `loss(step)`. */
function series(steps: number, accuracy: (step: number) => number, loss: (step: number) => number = () => 1.8): MetricPoint[] {
  return Array.from({ length: steps }, (_, i) => ({ split: 'train', step: i + 1, loss: loss(i + 1), accuracy: accuracy(i + 1), stepsPerSecond: 2 }));
}

function validation(steps: number[], accuracy: number): MetricPoint[] {
  return steps.map((step) => ({ split: 'validation', step, loss: 1.8, accuracy, stepsPerSecond: null }));
}

const vcop = (overrides: Partial<TrainConfig> = {}) => ({ ...trainPreset('clip-order', 'r3d', 'tiny'), steps: 600, ...overrides });

describe('accuracy noise', () => {
  it('says a 23.4 % best from 64 tuples is not above chance 1/6, and 30 % from 256 is', () => {
    expect(accuracyNoise(1 / 6, 64)).toBeCloseTo(0.0466, 3);
    expect(clearlyAbove(0.234, 1 / 6, 64)).toBe(false);
    expect(clearlyAbove(0.3, 1 / 6, 256)).toBe(true);
  });

  it('judges a run after 200 steps, a tenth of a long one, or at the end of a short one', () => {
    expect(judgedFrom(300)).toBe(200);
    expect(judgedFrom(100_000)).toBe(10_000);
    expect(judgedFrom(50)).toBe(50);
  });
});

describe('assessRunHealth', () => {
  it('flags a run at chance after N steps, with what to try', () => {
    const config = vcop();
    const health = assessRunHealth({
      config,
      train: series(600, (step) => (step % 3 === 0 ? 0.25 : 0.125)),
      validation: validation([200, 400, 600], 0.17),
      probes: [],
    });
    expect(health.learning).toBe('at-chance');
    expect(health.summary).toBe('not learning (at chance, 16.7 %)');
    const flag = health.flags[0];
    expect(flag?.message).toMatch(/after 600 steps pretext accuracy \(17\.0 %\) stays at chance, 16\.7 %/);
    // Flat loss: raise the learning rate; then longer training and more motion.
    expect(flag?.advice[0]).toMatch(/Raise the learning rate \(now 0\.01, try 0\.03/);
    expect(flag?.advice.join(' ')).toMatch(/Train longer: 600 steps/);
    expect(flag?.advice.join(' ')).toMatch(/more motion/);
  });

  it('tells the majority class from chance (order verification, 75 % negatives)', () => {
    const config = { ...trainPreset('order-verification', 'alexnet', 'paper'), steps: 300, batchSize: 16, validationTuples: 256 };
    const health = assessRunHealth({ config, train: series(300, () => 0.75), validation: validation([300], 0.75), probes: [] });
    expect(health.learning).toBe('at-majority');
    expect(health.flags[0]?.message).toMatch(/stays at the majority class, 75\.0 % — the network gives every tuple the most frequent answer/);
    // The paper's linear head cannot learn betweenness: the first thing to try.
    expect(health.flags[0]?.advice[0]).toMatch(/head "hidden-layer"/);
  });

  it('suggests a lower learning rate when the loss went up', () => {
    const health = assessRunHealth({ config: vcop(), train: series(600, () => 0.16, (step) => 1.8 + step / 100), validation: [], probes: [] });
    expect(health.flags[0]?.advice[0]).toMatch(/Lower the learning rate \(now 0\.01/);
  });

  it('does not flag a run that learns, nor one too young to judge', () => {
    const learning = assessRunHealth({
      config: vcop(),
      train: series(600, (step) => 1 / 6 + (0.3 * step) / 600),
      validation: validation([200, 400, 600], 0.35),
      probes: [],
    });
    expect(learning).toMatchObject({ learning: 'learning', flags: [], summary: 'learning' });
    const young = assessRunHealth({ config: vcop(), train: series(150, () => 1 / 6), validation: [], probes: [] });
    expect(young).toMatchObject({ learning: 'too-early', flags: [], summary: 'too early to tell' });
  });

  it('says when training accuracy rises but held-out accuracy stays at chance', () => {
    const health = assessRunHealth({ config: vcop(), train: series(600, () => 0.6), validation: validation([400, 600], 0.17), probes: [] });
    expect(health.learning).toBe('not-generalising');
    expect(health.flags[0]?.kind).toBe('not-generalising');
  });

  it('flags collapsing features: spread near 0, or a quarter of its highest; random init is not judged', () => {
    const probe = (step: number, relative: number): ProbePoint => ({ step, featureSpread: relative / 8, featureSize: 64 });
    const judge = (probes: ProbePoint[]) => assessRunHealth({ config: vcop(), train: [], validation: [], probes });
    expect(judge([])).toMatchObject({ collapse: 'unknown' });
    // Measured on a tiny R3D: 0.046 at random init, 0.38 after 50 steps.
    expect(judge([probe(0, 0.046)])).toMatchObject({ collapse: 'unknown', flags: [] });
    expect(judge([probe(0, 0.046), probe(50, 0.38), probe(300, 0.3)])).toMatchObject({ collapse: 'healthy', flags: [] });
    const shrunk = judge([probe(0, 0.046), probe(200, 0.4), probe(600, 0.08)]);
    expect(shrunk.collapse).toBe('collapsing');
    expect(shrunk.flags[0]?.message).toMatch(/Collapsing: at step 600 the encoder gives nearly the same features to every input .*down from 0\.400 at step 200/);
    expect(judge([probe(0, 0.046), probe(50, 0.005)]).collapse).toBe('collapsing');
  });

  it('judges a fine-tune run against chance over its classes, not its parent task', () => {
    const finetune = { config: finetunePreset(1, 'tiny'), parentCheckpointStep: 2, classes: ['a', 'b', 'c', 'd'], trainVideos: 8, testVideos: 8 };
    expect(runBaseline({ config: vcop(), finetune })).toEqual({ chance: 0.25, majority: 0.25 });
    expect(runBaseline({ config: vcop(), finetune: null }).chance).toBeCloseTo(1 / 6);
    // 20 % would be above VCOP's chance (1/6) but is below chance over four classes.
    const health = assessRunHealth({ config: vcop(), train: series(600, () => 0.2), validation: validation([200, 400, 600], 0.2), probes: [], baseline: runBaseline({ config: vcop(), finetune }) });
    expect(health.learning).toBe('at-chance');
    expect(health.summary).toMatch(/at chance, 25\.0 %/);
  });
});
