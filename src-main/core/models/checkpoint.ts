/**
 * Checkpoints in the TensorFlow.js format: model artifacts whose weights are the model's (under
 * their stable names) and the optimiser's ("optimizer/<weight>/momentum", "optimizer/iterations"), written and read through any tf.io.IOHandler. `folderHandler` writes the
 * usual model.json + weights.bin pair; atomicity (temp folder, rename) is the caller's.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '../compute/tf.ts';
import type { Param } from './params.ts';
import type { MomentumSgd, NamedTensor } from './sgd.ts';
import type { TaskModel } from './task-models.ts';

const FORMAT = 'pretext-studio/task-model';

const OPTIMIZER = 'optimizer/';
const ITERATIONS = `${OPTIMIZER}iterations`;

export interface CheckpointParts {
  model: TaskModel;
  optimizer?: MomentumSgd;
  /** Stored as the topology, returned by loadCheckpoint: e.g. the run config. */
  description?: unknown;
}

interface Topology {
  format: typeof FORMAT;
  description: unknown;
}

/** The optimiser's state; the iteration count is a new tensor for the caller to dispose. */
function optimizerTensors(optimizer: MomentumSgd): NamedTensor[] {
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

async function restoreOptimizer(optimizer: MomentumSgd, weights: tf.NamedTensorMap): Promise<void> {
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

const MODEL_FILE = 'model.json';
const WEIGHTS_FILE = 'weights.bin';

/** Reads and writes model.json + weights.bin in `folder`, as tfjs-node's file:// handler does. */
export function folderHandler(folder: string): tf.io.IOHandler {
  return {
    save: async (artifacts) => {
      const weightData = artifacts.weightData ? tf.io.CompositeArrayBuffer.join(artifacts.weightData) : new ArrayBuffer(0);
      const modelJson: tf.io.ModelJSON = {
        modelTopology: artifacts.modelTopology as object,
        ...(artifacts.format ? { format: artifacts.format } : {}),
        ...(artifacts.generatedBy ? { generatedBy: artifacts.generatedBy } : {}),
        weightsManifest: [{ paths: [WEIGHTS_FILE], weights: artifacts.weightSpecs ?? [] }],
      };
      await mkdir(folder, { recursive: true });
      await writeFile(join(folder, WEIGHTS_FILE), new Uint8Array(weightData));
      await writeFile(join(folder, MODEL_FILE), JSON.stringify(modelJson));
      return { modelArtifactsInfo: tf.io.getModelArtifactsInfoForJSON(artifacts) };
    },
    load: async () => {
      const modelJson = JSON.parse(await readFile(join(folder, MODEL_FILE), 'utf8')) as tf.io.ModelJSON;
      const bytes = await readFile(join(folder, WEIGHTS_FILE));
      const weightData = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
      return {
        modelTopology: modelJson.modelTopology,
        weightSpecs: modelJson.weightsManifest.flatMap((group) => group.weights),
        weightData,
        ...(modelJson.format ? { format: modelJson.format } : {}),
      };
    },
  };
}
