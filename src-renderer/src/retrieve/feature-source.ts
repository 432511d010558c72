/** The `features.extract` sources the Retrieve screen offers. Pure. */
import type { PresetName, TaskId } from '@shared/tasks.ts';
import type { Backbone } from '@shared/training.ts';
import type { FeatureSourceInput } from '../lib/feature-sets/feature-sets-state.svelte.ts';

/** A run's last checkpoint, or its best when that is clearly better (decided by the main side). */
export function runSource(runId: number): FeatureSourceInput {
  return { kind: 'run', runId, checkpoint: 'auto' };
}

/** Random init with the architecture and input of a run: the baseline for that run. */
export function randomLikeRun(runId: number): FeatureSourceInput {
  return { kind: 'random', runId };
}

/** Random init of a task's backbone at a preset, when there is no run to copy. */
export function randomFromPreset(task: TaskId, backbone: Backbone, preset: PresetName): FeatureSourceInput {
  return { kind: 'random', task, backbone, preset };
}
