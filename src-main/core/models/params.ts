/**
 * A model's weights as explicit tfjs variables with stable names ("encoder/conv1/kernel"): the names
 * key checkpoints, the creation order is the optimiser's slot order, and every initial value is
 * seeded from (model seed, name), so a model is reproducible whatever was built before it.
 */
import * as tf from '../compute/tf.ts';
import { createRng } from '../tasks/rng.ts';

export interface Param {
  /** Unique within the model; checkpoints store weights under it. */
  name: string;
  variable: tf.Variable;
  /** Updated by the optimiser; BatchNorm's running statistics are not. */
  trainable: boolean;
}

/** Initial values for a weight of `shape`, reproducible from `seed`. */
export type Initializer = (shape: number[], seed: number) => tf.Tensor;

export interface Scope {
  /** A scope whose names are prefixed with `name/`. */
  child(name: string): Scope;
  variable(name: string, shape: number[], init: Initializer, trainable?: boolean): tf.Variable;
  /** A number derived from `name` alone, so each layer draws its own dropout masks from a step's seed. */
  salt(name: string): number;
}

const SEED_RANGE = 2 ** 31 - 1;
let variablesCreated = 0;

function seedFor(modelSeed: number, name: string): number {
  return createRng(`${modelSeed}/${name}`).int(0, SEED_RANGE);
}

/** A scope that appends every variable it creates to `params`. */
export function createScope(modelSeed: number, params: Param[], prefix = ''): Scope {
  const qualified = (name: string) => (prefix ? `${prefix}/${name}` : name);
  return {
    child: (name) => createScope(modelSeed, params, qualified(name)),
    variable: (name, shape, init, trainable = true) => {
      const fullName = qualified(name);
      if (params.some((param) => param.name === fullName)) throw new Error(`two weights are named ${fullName}`);
      const initial = init(shape, seedFor(modelSeed, fullName));
      // tfjs wants names unique in the process (two models share weight names) and not integer-like
      // (optimisers keep their slots in object key order, which puts integer keys first).
      const variable = tf.variable(initial, trainable, `${fullName}#${++variablesCreated}`);
      initial.dispose();
      params.push({ name: fullName, variable, trainable });
      return variable;
    },
    salt: (name) => createRng(qualified(name)).int(0, SEED_RANGE),
  };
}

/** He (Kaiming) normal: keeps activations' scale through ReLU layers. */
export function heNormal(fanIn: number): Initializer {
  return normal(Math.sqrt(2 / fanIn));
}

/** N(0, std²). */
export function normal(std: number): Initializer {
  return (shape, seed) => tf.randomNormal(shape, 0, std, 'float32', seed);
}

export const zeros: Initializer = (shape) => tf.zeros(shape);
export const ones: Initializer = (shape) => tf.ones(shape);

export function parameterCount(params: readonly Param[]): number {
  return params.reduce((sum, param) => sum + (param.trainable ? param.variable.size : 0), 0);
}

export function disposeParams(params: readonly Param[]): void {
  for (const param of params) param.variable.dispose();
}
