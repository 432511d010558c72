/**
 * What the Train screen offers: tasks and the backbones each takes (read from the task registry),
 * backbone and backend titles, and how the training config becomes a form. The title lists are local;
 * the compiler checks they name every value, and a unit test checks they equal the shared ones.
 */
import { TASK_IDS, TASKS, type TaskId } from '@shared/tasks.ts';
import { OPTIMIZERS, type Backbone, type BackendChoice, type TrainConfig } from '@shared/training.ts';
import type { FieldOptions } from './config-form/config-fields.ts';

/** Compile-time: `true` only when `Listed` names every member of `All`. */
type Complete<All, Listed> = [Exclude<All, Listed>] extends [never] ? true : never;

export interface TaskChoice {
  id: TaskId;
  title: string;
  paper: string;
}

export const TASK_CHOICES: readonly TaskChoice[] = TASK_IDS.map((id) => ({ id, title: TASKS[id].title, paper: TASKS[id].paper }));

export const BACKBONE_CHOICES = [
  { id: 'alexnet', title: 'AlexNet (2D, frames)' },
  { id: 'c3d', title: 'C3D (3D, clips)' },
  { id: 'r3d', title: 'R3D (3D, clips)' },
  { id: 'r2plus1d', title: 'R(2+1)D (3D, clips)' },
] as const satisfies readonly { id: Backbone; title: string }[];


export const BACKEND_OPTIONS = [
  { id: 'auto', title: 'Auto (fastest available)' },
  { id: 'gpu', title: 'GPU (CUDA, tfjs-node-gpu)' },
  { id: 'node', title: 'Node native (tfjs-node)' },
  { id: 'webgpu', title: 'WebGPU' },
  { id: 'wasm', title: 'WebAssembly' },
  { id: 'cpu', title: 'Plain JavaScript' },
] as const satisfies readonly { id: BackendChoice; title: string }[];

const backbonesComplete: Complete<Backbone, (typeof BACKBONE_CHOICES)[number]['id']> = true;
const backendsComplete: Complete<BackendChoice, (typeof BACKEND_OPTIONS)[number]['id']> = true;
void backbonesComplete;
void backendsComplete;

export function isBackbone(value: string): value is Backbone {
  return BACKBONE_CHOICES.some((choice) => choice.id === value);
}

export function isTaskId(value: string): value is TaskId {
  return (TASK_IDS as readonly string[]).includes(value);
}

export function isBackendChoice(value: string): value is BackendChoice {
  return BACKEND_OPTIONS.some((choice) => choice.id === value);
}

export function taskTitle(id: TaskId): string {
  return TASK_CHOICES.find((choice) => choice.id === id)?.title ?? id;
}

export function backboneTitle(id: Backbone): string {
  return BACKBONE_CHOICES.find((choice) => choice.id === id)?.title ?? id;
}

/** Keys of the schedule, in the order the form lists them (the task config follows as a group). */
const SCHEDULE_ORDER = [
  'steps',
  'batchSize',
  'optimizer',
  'learningRate',
  'momentum',
  'weightDecay',
  'dropout',
  'width',
  'seed',
  'validationFraction',
  'validationTuples',
  'evaluateEvery',
  'checkpointEvery',
  'keepCheckpoints',
  'replicas',
] as const satisfies readonly (keyof TrainConfig)[];

/** Keys with controls of their own: the task and backbone pickers and the backend select. */
const OWN_CONTROLS = ['backbone', 'backend'] as const satisfies readonly (keyof TrainConfig)[];

const scheduleComplete: Complete<
  keyof TrainConfig,
  (typeof SCHEDULE_ORDER)[number] | (typeof OWN_CONTROLS)[number] | 'task'
> = true;
void scheduleComplete;

/** How a training config becomes the Train form: schedule first, the task's sampling as a group. */
export const TRAIN_FIELD_OPTIONS: FieldOptions = {
  taskPath: 'task',
  omit: OWN_CONTROLS,
  order: SCHEDULE_ORDER,
  choices: { optimizer: OPTIMIZERS },
  labels: { task: 'Task sampling', width: 'Width multiplier', replicas: 'Replicas (CPU threads)' },
  hints: {
    steps: 'Optimiser steps (batches) to train for.',
    batchSize: 'Tuples per step.',
    optimizer: 'SGD with momentum (the papers’), or Adam (PyTorch’s defaults), which tiny runs learn faster with.',
    learningRate: 'Optimiser learning rate.',
    momentum: 'SGD momentum (Adam does not use it).',
    weightDecay: 'L2 weight decay.',
    dropout: 'Dropout before the classifier: the papers use 0.5; tiny runs learn faster without.',
    width: 'Channel multiplier of the encoder: 1 = the paper’s widths, 1/16 trains on a CPU.',
    seed: 'Seeds the split, the sampling and the initial weights: the same seed repeats a run.',
    validationFraction: 'Share of videos held out to measure pretext accuracy on unseen videos.',
    validationTuples: 'Tuples drawn from the held-out videos at each evaluation (a fixed set).',
    evaluateEvery: 'Steps between two validation measurements.',
    checkpointEvery: 'Steps between two checkpoints (what a resume continues from).',
    replicas: 'Copies of the network, one per CPU core, each training on part of every batch (wasm and cpu backends; a GPU runs one).',
    keepCheckpoints: 'Checkpoints kept: the newest this many and the best; older ones are deleted as the run goes.',
  },
};
