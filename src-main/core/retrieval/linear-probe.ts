/**
 * The linear probe: a softmax classifier trained on frozen, standardised features of the train split,
 * scored on the test split. The weight decay comes from a small sweep judged on a validation part of
 * the train split (stratified, seeded); the chosen one is then fitted on the whole train split. The
 * problem is convex and starts from zero weights, so the seed only picks the validation part.
 */
import * as tf from '../compute/tf.ts';
import { rankClasses, scoreRankings, type ClassifierScore, type LabelledItem } from '../util/knn-classifier.ts';
import { seededSplit } from './evaluate.ts';

export const PROBE_WEIGHT_DECAYS = [1e-4, 1e-3, 1e-2, 1e-1] as const;
export const PROBE_VALIDATION_FRACTION = 0.2;
/** Full-batch Adam steps per fit: standardised features of a few thousand videos converge well before. */
export const PROBE_STEPS = 200;
const LEARNING_RATE = 0.05;

export interface ProbeOptions {
  train: readonly LabelledItem[];
  test: readonly LabelledItem[];
  seed: number;
  weightDecays?: readonly number[];
  steps?: number;
  /** Called after every step: steps done of all fits together. */
  onProgress?(done: number, total: number): void;
  signal?: AbortSignal;
}

export interface ProbeResult extends ClassifierScore {
  weightDecay: number;
  /** Top-1 on the validation part with the chosen weight decay; null when the train split was too small to hold one out. */
  validationAccuracy: number | null;
  /** Train-split videos in the validation part (0 when none could be held out). */
  validation: number;
  classes: number;
}

interface Standardised {
  /** rows × dimension, each column with mean 0 and standard deviation 1 over the fitting rows. */
  fit: Float32Array;
  apply(items: readonly LabelledItem[]): Float32Array;
}

function standardise(items: readonly LabelledItem[], dimension: number): Standardised {
  const mean = new Float64Array(dimension);
  const squares = new Float64Array(dimension);
  for (const { vector } of items) for (let i = 0; i < dimension; i++) mean[i] = (mean[i] as number) + (vector[i] as number) / items.length;
  for (const { vector } of items) for (let i = 0; i < dimension; i++) squares[i] = (squares[i] as number) + ((vector[i] as number) - (mean[i] as number)) ** 2;
  // A constant column (a dead unit) stays 0 instead of dividing by zero.
  const scale = squares.map((sum) => (sum > 0 ? 1 / Math.sqrt(sum / items.length) : 0));
  const apply = (rows: readonly LabelledItem[]) => {
    const out = new Float32Array(rows.length * dimension);
    rows.forEach(({ vector }, row) => {
      for (let i = 0; i < dimension; i++) out[row * dimension + i] = ((vector[i] as number) - (mean[i] as number)) * (scale[i] as number);
    });
    return out;
  };
  return { fit: apply(items), apply };
}

interface Fitted {
  /** Ranked classes per row. */
  rank(values: Float32Array, rows: number): string[][];
  dispose(): void;
}

async function fit(
  values: Float32Array,
  labels: readonly number[],
  classes: readonly string[],
  weightDecay: number,
  steps: number,
  step: () => void,
  signal?: AbortSignal,
): Promise<Fitted> {
  const rows = labels.length;
  const dimension = values.length / rows;
  // Variables outlive tidy; the zeros they start from do not.
  const weights = tf.tidy(() => tf.variable(tf.zeros([dimension, classes.length])));
  const bias = tf.tidy(() => tf.variable(tf.zeros([classes.length])));
  const x = tf.tensor2d(values, [rows, dimension]);
  const y = tf.tidy(() => tf.oneHot(tf.tensor1d(labels as number[], 'int32'), classes.length));
  const optimizer = tf.train.adam(LEARNING_RATE);
  try {
    for (let i = 0; i < steps; i++) {
      signal?.throwIfAborted();
      tf.tidy(() => {
        optimizer.minimize(() => {
          const logits = tf.add(tf.matMul(x, weights), bias);
          const crossEntropy = tf.losses.softmaxCrossEntropy(y, logits);
          return tf.add(crossEntropy, tf.mul(weightDecay / 2, tf.sum(tf.square(weights)))) as tf.Scalar;
        });
      });
      step();
      // Let a cancel message in between steps.
      if (i % 20 === 19) await new Promise((resolve) => setImmediate(resolve));
    }
  } catch (error) {
    tf.dispose([weights, bias]);
    throw error;
  } finally {
    tf.dispose([x, y]);
    optimizer.dispose();
  }
  return {
    rank(input, count) {
      const logits = tf.tidy(() => tf.add(tf.matMul(tf.tensor2d(input, [count, dimension]), weights), bias));
      const scores = logits.arraySync() as number[][];
      logits.dispose();
      return scores.map((row) => rankClasses(new Map(row.map((score, c) => [classes[c] as string, score]))));
    },
    dispose: () => tf.dispose([weights, bias]),
  };
}

function top1(fitted: Fitted, values: Float32Array, items: readonly LabelledItem[]): number {
  return scoreRankings(fitted.rank(values, items.length).map((ranked, row) => ({ label: (items[row] as LabelledItem).label, ranked }))).top1 ?? 0;
}

export async function linearProbe(options: ProbeOptions): Promise<ProbeResult> {
  const { train, test, seed } = options;
  const weightDecays = options.weightDecays ?? PROBE_WEIGHT_DECAYS;
  const steps = options.steps ?? PROBE_STEPS;
  if (train.length === 0) throw new RangeError('the linear probe needs labelled training videos');
  if (weightDecays.length === 0) throw new RangeError('the linear probe needs at least one weight decay');
  const dimension = (train[0] as LabelledItem).vector.length;
  const classes = [...new Set(train.map((item) => item.label))].sort();
  const classOf = new Map(classes.map((label, index) => [label, index]));
  const labelsOf = (items: readonly LabelledItem[]) => items.map((item) => classOf.get(item.label) as number);

  const held = seededSplit(train, { seed, testFraction: PROBE_VALIDATION_FRACTION });
  const validationKeys = new Set(held.test);
  const fitPart = train.filter((item) => !validationKeys.has(item.key));
  const validation = train.filter((item) => validationKeys.has(item.key));
  const sweep = validation.length > 0 && weightDecays.length > 1 ? weightDecays : [];
  const total = (sweep.length + 1) * steps;
  let done = 0;
  const step = () => options.onProgress?.(++done, total);

  let chosen = { weightDecay: weightDecays[Math.floor((weightDecays.length - 1) / 2)] as number, accuracy: null as number | null };
  if (sweep.length > 0) {
    const scaled = standardise(fitPart, dimension);
    const validationValues = scaled.apply(validation);
    chosen = { weightDecay: sweep[0] as number, accuracy: -1 };
    for (const weightDecay of sweep) {
      const fitted = await fit(scaled.fit, labelsOf(fitPart), classes, weightDecay, steps, step, options.signal);
      const accuracy = top1(fitted, validationValues, validation);
      fitted.dispose();
      // Ties go to the stronger decay: the simpler classifier.
      if (accuracy >= (chosen.accuracy as number)) chosen = { weightDecay, accuracy };
    }
  }
  const scaled = standardise(train, dimension);
  const fitted = await fit(scaled.fit, labelsOf(train), classes, chosen.weightDecay, steps, step, options.signal);
  try {
    const ranked = test.length === 0 ? [] : fitted.rank(scaled.apply(test), test.length);
    const rankings = ranked.map((classesByScore, row) => ({ label: (test[row] as LabelledItem).label, ranked: classesByScore }));
    return {
      ...scoreRankings(rankings),
      weightDecay: chosen.weightDecay,
      validationAccuracy: chosen.accuracy,
      validation: sweep.length > 0 ? validation.length : 0,
      classes: classes.length,
    };
  } finally {
    fitted.dispose();
  }
}
