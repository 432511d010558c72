/**
 * Is a run learning? Plain-words flags from its metric series, for the Train screen and `pretext runs`:
 * pretext accuracy that stays at chance or at the majority class once the run is past its first steps
 * (with what to try), held-out accuracy that stays there while training accuracy rises, and encoder
 * features that collapse onto one direction. Pure; one rule shared by the UI (live) and the CLI.
 *
 * "Clearly above" a level means by more than two standard errors of an accuracy measured on that many
 * tuples: 64 validation tuples at chance 1/6 swing by ±4.7 points, so a 23 % "best" is not learning.
 */
import type { MetricPoint, ProbePoint, RunDto } from './dto.ts';
import { labelBaseline, type PretextBaseline } from './task-labels.ts';
import type { TrainConfig } from './training.ts';

/** Standard errors a measure must clear (one-sided, ≈ 2 % false alarms per look). */
const Z = 2;
/** Train steps pooled into the recent training accuracy. */
const TRAIN_WINDOW = 50;
/** Validation measurements averaged into the recent held-out accuracy. */
const VALIDATION_WINDOW = 3;
/** No verdict before this many steps (or a tenth of the run, if longer; or the whole run, if shorter). */
const MIN_STEPS = 200;
/**
 * Below this share of 1/√d the features have all but collapsed onto one point. Random init is not
 * judged: a tiny R3D measured 0.046 at step 0 and 0.38 after 50 steps (ReLU features start alike).
 */
const COLLAPSED_SPREAD = 0.01;
/** Spread shrunk to this share of its highest measurement during training: the features are collapsing. */
const COLLAPSE_SHRINK = 0.25;

/** Standard error of an accuracy measured on `tuples` tuples when the true rate is `level`. */
export function accuracyNoise(level: number, tuples: number): number {
  return Math.sqrt((level * (1 - level)) / Math.max(1, tuples));
}

/** Whether `accuracy`, measured on `tuples` tuples, is above `level` by more than noise. */
export function clearlyAbove(accuracy: number, level: number, tuples: number): boolean {
  return accuracy > level + Z * accuracyNoise(level, tuples);
}

/** The accuracy a run must clearly beat: the majority class (which is at least chance). */
export function baselineLevel(baseline: PretextBaseline): number {
  return Math.max(baseline.chance, baseline.majority);
}

/** The step from which a run is judged. */
export function judgedFrom(totalSteps: number): number {
  return Math.min(totalSteps, Math.max(MIN_STEPS, Math.round(totalSteps / 10)));
}

/** Feature spread in units of 1/√d: about 1 spread over the sphere (less for ReLU features), 0 collapsed. */
export function relativeSpread(probe: ProbePoint): number {
  return probe.featureSpread * Math.sqrt(probe.featureSize);
}

export type LearningState = 'too-early' | 'learning' | 'not-generalising' | 'at-chance' | 'at-majority';
export type CollapseState = 'unknown' | 'healthy' | 'collapsing';

export interface HealthFlag {
  kind: 'not-learning' | 'not-generalising' | 'collapsing';
  /** A few words for lists: "not learning (at chance, 16.7 %)". */
  headline: string;
  /** What is wrong, in one or two plain sentences. */
  message: string;
  /** What to try, most promising first. */
  advice: string[];
}

export interface RunHealth {
  learning: LearningState;
  collapse: CollapseState;
  /** The level accuracy is judged against (majority class, which is at least chance). */
  baseline: PretextBaseline;
  flags: HealthFlag[];
  /** One line for lists: "learning", "not learning: at chance (16.7 %) after 600 steps", … */
  summary: string;
}

export interface HealthInput {
  config: TrainConfig;
  /** Step-ordered series, as stored or as they arrive. */
  train: readonly MetricPoint[];
  validation: readonly MetricPoint[];
  probes: readonly ProbePoint[];
  /** The level to judge accuracy by; default: the pretext task's (runBaseline gives a fine-tune run's). */
  baseline?: PretextBaseline;
}

/**
 * What a run's accuracy is judged against: its pretext task's chance and majority class, or, for a
 * fine-tune run, chance over its classes (1 / classes).
 */
export function runBaseline(run: Pick<RunDto, 'config' | 'finetune'>): PretextBaseline {
  if (!run.finetune) return labelBaseline(run.config.task);
  const chance = 1 / run.finetune.classes.length;
  return { chance, majority: chance };
}

const percent = (share: number) => `${(share * 100).toFixed(1)} %`;

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Mean accuracy of the last train points within TRAIN_WINDOW steps of the latest, and their tuples. */
function recentTrain(config: TrainConfig, train: readonly MetricPoint[]): { accuracy: number; tuples: number } | null {
  const last = train.at(-1);
  if (!last) return null;
  const recent = train.filter((point) => point.step > last.step - TRAIN_WINDOW && Number.isFinite(point.accuracy));
  if (recent.length === 0) return null;
  return { accuracy: mean(recent.map((point) => point.accuracy)), tuples: recent.length * config.batchSize };
}

/** Loss of the first and of the last TRAIN_WINDOW train steps: has the optimiser moved at all? */
function lossTrend(train: readonly MetricPoint[]): { first: number; last: number } | null {
  if (train.length < 2 * TRAIN_WINDOW) return null;
  return {
    first: mean(train.slice(0, TRAIN_WINDOW).map((point) => point.loss)),
    last: mean(train.slice(-TRAIN_WINDOW).map((point) => point.loss)),
  };
}

function notLearningAdvice(config: TrainConfig, train: readonly MetricPoint[], state: 'at-chance' | 'at-majority'): string[] {
  const advice: string[] = [];
  const lr = config.learningRate;
  if (state === 'at-majority' && config.task.task === 'order-verification' && config.task.head === 'linear') {
    advice.push(
      'Use head "hidden-layer": the paper’s single linear layer scores each frame on its own and cannot tell that the middle frame lies between the other two.',
    );
  }
  const trend = lossTrend(train);
  if (trend && (!Number.isFinite(trend.last) || trend.last > trend.first * 1.02)) {
    advice.push(`Lower the learning rate (now ${lr}, try ${lr / 3}): the loss went up instead of down.`);
  } else if (trend && trend.last > trend.first * 0.98) {
    advice.push(`Raise the learning rate (now ${lr}, try ${lr * 3}): the loss has hardly moved; if it then jumps about, lower it instead.`);
  } else {
    advice.push(`Try another learning rate (now ${lr}): ${lr * 3} if the loss stays flat, ${lr / 3} if it jumps about.`);
  }
  advice.push(`Train longer: ${config.steps} steps may be too few for this footage (the papers train for about 100k).`);
  advice.push(
    'Use a library with more motion: tuples are taken where videos move, and still or nearly static footage carries no order to learn.',
  );
  return advice;
}

function judgeLearning(input: HealthInput, baseline: PretextBaseline): { state: LearningState; flag: HealthFlag | null } {
  const { config, train, validation } = input;
  const step = Math.max(train.at(-1)?.step ?? 0, validation.at(-1)?.step ?? 0);
  const recent = recentTrain(config, train);
  if (!recent || step < judgedFrom(config.steps)) return { state: 'too-early', flag: null };
  const level = baselineLevel(baseline);
  const heldOut = validation.slice(-VALIDATION_WINDOW).map((point) => point.accuracy).filter(Number.isFinite);
  const validationAccuracy = heldOut.length > 0 ? mean(heldOut) : null;

  if (!clearlyAbove(recent.accuracy, level, recent.tuples)) {
    // The majority is a class of its own only when labels are not uniform (S&L's 75 % negatives).
    const atMajority =
      baseline.majority > baseline.chance &&
      Math.abs(recent.accuracy - baseline.majority) <= Z * accuracyNoise(baseline.majority, recent.tuples);
    const state = atMajority ? 'at-majority' : 'at-chance';
    const shown = validationAccuracy ?? recent.accuracy;
    const message = atMajority
      ? `Not learning: after ${step} steps pretext accuracy (${percent(shown)}) stays at the majority class, ${percent(baseline.majority)} — the network gives every tuple the most frequent answer.`
      : `Not learning: after ${step} steps pretext accuracy (${percent(shown)}) stays at chance, ${percent(baseline.chance)} — the network is guessing.`;
    const headline = `not learning (at ${atMajority ? 'the majority class' : 'chance'}, ${percent(atMajority ? baseline.majority : baseline.chance)})`;
    return { state, flag: { kind: 'not-learning', headline, message, advice: notLearningAdvice(config, train, state) } };
  }
  if (validationAccuracy !== null && !clearlyAbove(validationAccuracy, level, config.validationTuples)) {
    return {
      state: 'not-generalising',
      flag: {
        kind: 'not-generalising',
        headline: 'not generalising (held-out accuracy at chance)',
        message: `Learning the training videos only: training accuracy is ${percent(recent.accuracy)} but held-out accuracy (${percent(validationAccuracy)}) is not clearly above ${percent(level)}.`,
        advice: [
          'Add videos: with few, the network can remember them instead of learning the task.',
          `Measure on more held-out tuples (validationTuples, now ${config.validationTuples}) so the figure is less noisy.`,
          'Train longer: held-out accuracy often follows training accuracy later.',
        ],
      },
    };
  }
  return { state: 'learning', flag: null };
}

function judgeCollapse(input: HealthInput): { state: CollapseState; flag: HealthFlag | null } {
  const trained = input.probes.filter((probe) => probe.step > 0);
  const last = trained.at(-1);
  if (!last) return { state: 'unknown', flag: null };
  const peak = trained.reduce((highest, probe) => (relativeSpread(probe) > relativeSpread(highest) ? probe : highest));
  const now = relativeSpread(last);
  const collapsing = now < COLLAPSED_SPREAD || now < relativeSpread(peak) * COLLAPSE_SHRINK;
  if (!collapsing) return { state: 'healthy', flag: null };
  return {
    state: 'collapsing',
    flag: {
      kind: 'collapsing',
      headline: 'collapsing (features all alike)',
      message: `Collapsing: at step ${last.step} the encoder gives nearly the same features to every input (spread ${now.toFixed(3)} × 1/√${last.featureSize}, down from ${relativeSpread(peak).toFixed(3)} at step ${peak.step}); they will not tell videos apart.`,
      advice: [
        `Lower the learning rate (now ${input.config.learningRate}).`,
        'Resume from an earlier checkpoint, before the spread fell.',
        'Use a library with more motion, so the task cannot be solved by a shortcut.',
      ],
    },
  };
}

export function assessRunHealth(input: HealthInput): RunHealth {
  const baseline = input.baseline ?? labelBaseline(input.config.task);
  const learning = judgeLearning(input, baseline);
  const collapse = judgeCollapse(input);
  const flags = [learning.flag, collapse.flag].filter((flag): flag is HealthFlag => flag !== null);
  const summary =
    flags.length > 0 ? flags.map((flag) => flag.headline).join('; ') : learning.state === 'too-early' ? 'too early to tell' : 'learning';
  return { learning: learning.state, collapse: collapse.state, baseline, flags, summary };
}
