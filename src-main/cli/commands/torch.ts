import { resolve } from 'node:path';
import type { PresetName, TaskId } from '../../shared/tasks.ts';
import { PRESET_NAMES, TASK_IDS } from '../../shared/tasks.ts';
import { BACKBONES, type Backbone } from '../../shared/training.ts';
import { CliError, createSession, requireLibrary, type CommandContext } from '../context.ts';
import { parseChoice, parseInteger } from '../parse.ts';

/** `pretext export-run --run ID --out FOLDER`: a PyTorch/torchrun training bundle of the run. */
export async function runExportRun(context: CommandContext): Promise<number> {
  const runId = parseInteger(context.options.run, '--run');
  if (runId === undefined || !context.options.out) throw new CliError('Usage: pretext export-run --run ID --out FOLDER --library FILE [--json]');
  const session = createSession();
  try {
    await session.call('library.open', { path: requireLibrary(context), create: false });
    const bundle = await session.call('training.exportBundle', { runId, folder: resolve(context.options.out) });
    if (context.json) console.log(JSON.stringify(bundle, null, 2));
    else {
      console.log(`Wrote a torchrun bundle of run ${runId} to ${bundle.folder}: ${bundle.trainVideos} training and ${bundle.validationVideos} validation videos` +
        (bundle.unusable ? ` (${bundle.unusable} too short or undecodable, left out)` : '') + '.');
      bundle.roots.forEach((root, index) => console.log(`  root ${index}: ${root}   (on the cluster: train.py --root ${index}=/path/there)`));
      console.log(`See ${bundle.folder}/README.md to launch it.`);
    }
    return 0;
  } finally {
    await session.studio.close();
  }
}

/** `pretext import-weights FILE.safetensors --task T --backbone B`: the weights as a new run. */
export async function runImportWeights(context: CommandContext): Promise<number> {
  const [file, ...rest] = context.args;
  if (!file || rest.length > 0) throw new CliError('Usage: pretext import-weights FILE.safetensors|CHECKPOINT_FOLDER --task TASK --backbone B --library FILE [--preset tiny|paper] [--json]');
  const task = parseChoice<TaskId>(context.options.task, TASK_IDS, '--task');
  const backbone = parseChoice<Backbone>(context.options.backbone, BACKBONES, '--backbone');
  const preset = parseChoice<PresetName>(context.options.preset, PRESET_NAMES, '--preset', 'tiny');
  const session = createSession();
  try {
    await session.call('library.open', { path: requireLibrary(context), create: false });
    const run = await session.call('training.importWeights', { file: resolve(file), task, backbone, preset });
    if (context.json) console.log(JSON.stringify(run, null, 2));
    else console.log(`Imported ${file} as run ${run.id} (${run.task} / ${run.backbone}); extract features with: pretext extract --run ${run.id}`);
    return 0;
  } finally {
    await session.studio.close();
  }
}
