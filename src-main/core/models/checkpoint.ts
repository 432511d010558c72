/**
 * Checkpoints in the TensorFlow.js format: model artifacts whose weights are the model's (under
 * their stable names) and the optimiser's ("optimizer/<weight>/momentum", "optimizer/iterations"), written and read through any tf.io.IOHandler.
 * `checkpointFiles` turns them into the usual model.json + weights.bin pair as bytes (checkpoint-folder.ts
 * keeps them in a folder; the compute host page sends them to main). Plain web code (no Node imports).
 */
import * as tf from '../compute/tf.ts';
import type { Param } from './params.ts';
import type { NamedTensor, Optimizer } from './optimizer.ts';
import type { TaskModel } from './task-models.ts';

const FORMAT = 'pretext-studio/task-model';

const OPTIMIZER = 'optimizer/';
const ITERATIONS = `${OPTIMIZER}iterations`;

export interface CheckpointParts {
  model: TaskModel;
  optimizer?: Optimizer;
  /** Stored as the topology, returned by loadCheckpoint: e.g. the run config. */
  description?: unknown;
}

interface Topology {
  format: typeof FORMAT;
  description: unknown;
}

/** The optimiser's state; the iteration count is a new tensor for the caller to dispose. */
function optimizerTensors(optimizer: Optimizer): NamedTensor[] {
  const slots = optimizer.state().map((slot) => ({ name: `${OPTIMIZER}${slot.name}`, tensor: slot.tensor }));
  return [{ name: ITERATIONS, tensor: tf.scalar(optimizer.iterations, 'int32') }, ...slots];
}

export async function checkpointArtifacts(parts: CheckpointParts): Promise<tf.io.ModelArtifacts> {
  const weights: NamedTensor[] = parts.model.params.map((param) => ({ name: param.name, tensor: param.variable }));
  const optimizer = parts.optimizer ? optimizerTensors(parts.optimizer) : [];
  try {
    const { data, specs } = await tf.io.encodeWeights([...weights, ...optimizer]);
    const topology: Topology = { format: FORMAT, description: parts.description ?? null };
    return { modelTopology: topology, format: FORMAT, generatedBy: 'Pretext Studio', weightSpecs: specs, weightData: data };
  } finally {
    optimizer[0]?.tensor.dispose();
  }
}

export async function saveCheckpoint(handler: tf.io.IOHandler, parts: CheckpointParts): Promise<tf.io.SaveResult> {
  if (!handler.save) throw new Error('this IOHandler cannot save');
  return handler.save(await checkpointArtifacts(parts));
}

function assertMatches(params: readonly Param[], weights: tf.NamedTensorMap): void {
  for (const param of params) {
    const stored = weights[param.name];
    if (!stored) throw new Error(`the checkpoint lacks ${param.name}: it was made for another model`);
    if (!tf.util.arraysEqual(stored.shape, param.variable.shape)) {
      throw new Error(`${param.name} is [${stored.shape.join(', ')}] in the checkpoint but [${param.variable.shape.join(', ')}] in the model`);
    }
  }
  const known = new Set(params.map((param) => param.name));
  const extra = Object.keys(weights).find((name) => !name.startsWith(OPTIMIZER) && !known.has(name));
  if (extra) throw new Error(`the checkpoint has ${extra}, which this model lacks: it was made for another model`);
}

async function restoreOptimizer(optimizer: Optimizer, weights: tf.NamedTensorMap): Promise<void> {
  const iterations = weights[ITERATIONS];
  if (!iterations) return;
  const slots = Object.keys(weights)
    .filter((name) => name.startsWith(OPTIMIZER) && name !== ITERATIONS)
    .map((name) => ({ name: name.slice(OPTIMIZER.length), tensor: weights[name] as tf.Tensor }));
  optimizer.restore((await iterations.data())[0] as number, slots);
}

/** Loads weights (and optimiser state, when both have it) into `parts`; returns the description. */
export async function loadCheckpoint(handler: tf.io.IOHandler, parts: CheckpointParts): Promise<unknown> {
  if (!handler.load) throw new Error('this IOHandler cannot load');
  const artifacts = await handler.load();
  const topology = artifacts.modelTopology as Partial<Topology> | undefined;
  if (topology?.format !== FORMAT || !artifacts.weightSpecs || !artifacts.weightData) {
    throw new Error('not a Pretext Studio checkpoint');
  }
  const weights = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  try {
    assertMatches(parts.model.params, weights);
    for (const param of parts.model.params) param.variable.assign(weights[param.name] as tf.Tensor);
    if (parts.optimizer) await restoreOptimizer(parts.optimizer, weights);
  } finally {
    tf.dispose(Object.values(weights));
  }
  return topology.description;
}

const ENCODER = 'encoder/';

/**
 * Loads a checkpoint's encoder weights ("encoder/…", BatchNorm statistics included) into the encoder
 * params of another network (fine-tuning); the checkpoint's head and optimiser state are ignored.
 * Returns how many weights were loaded.
 */
export async function loadEncoderWeights(handler: tf.io.IOHandler, params: readonly Param[]): Promise<number> {
  if (!handler.load) throw new Error('this IOHandler cannot load');
  const artifacts = await handler.load();
  const topology = artifacts.modelTopology as Partial<Topology> | undefined;
  if (topology?.format !== FORMAT || !artifacts.weightSpecs || !artifacts.weightData) throw new Error('not a Pretext Studio checkpoint');
  const weights = tf.io.decodeWeights(artifacts.weightData, artifacts.weightSpecs);
  try {
    const encoder = params.filter((param) => param.name.startsWith(ENCODER));
    assertMatches(encoder, Object.fromEntries(Object.entries(weights).filter(([name]) => name.startsWith(ENCODER))));
    for (const param of encoder) param.variable.assign(weights[param.name] as tf.Tensor);
    return encoder.length;
  } finally {
    tf.dispose(Object.values(weights));
  }
}

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/** A checkpoint's files by name: what a checkpoint folder holds, or what crosses a message port. */
export type CheckpointFiles = Record<string, Uint8Array>;

/** Saved artifacts as model.json + weights.bin, as tfjs-node's file:// handler writes them. */
export function checkpointFiles(artifacts: tf.io.ModelArtifacts): CheckpointFiles {
  const weightData = artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0);
  const modelJson: tf.io.ModelJSON = {
    modelTopology: artifacts.modelTopology as object,
    ...(artifacts.format ? { format: artifacts.format } : {}),
    ...(artifacts.generatedBy ? { generatedBy: artifacts.generatedBy } : {}),
    weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
  };
  return { [MODEL_FILE]: new TextEncoder().encode(JSON.stringify(modelJson)), [WEIGHTS_FILE]: new Uint8Array(weightData) };
}

/** The artifacts `checkpointFiles` wrote. */
export function checkpointArtifactsOf(files: CheckpointFiles): tf.io.ModelArtifacts {
  const model = files[MODEL_FILE];
  const weights = files[WEIGHTS_FILE];
  if (!model || !weights) throw new Error(`a checkpoint needs ${MODEL_FILE} and ${WEIGHTS_FILE}`);
  const modelJson = JSON.parse(new TextDecoder().decode(model)) as tf.io.ModelJSON;
  return {
    modelTopology: modelJson.modelTopology,
    weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
    weightData: weights.buffer.slice(weights.byteOffset, weights.byteOffset + weights.byteLength) as ArrayBuffer,
    ...(modelJson.format ? { format: modelJson.format } : {}),
  };
}
