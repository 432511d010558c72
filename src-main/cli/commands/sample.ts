import { PRESET_NAMES, TASK_IDS, TASK_PRESETS, type PresetName, type TaskId } from '../../shared/tasks.ts';
import { CliError, createSession, requireLibrary, type CommandContext } from '../context.ts';

function parseChoice<T extends string>(value: string | undefined, choices: readonly T[], flag: string, fallback?: T): T {
  if (value === undefined && fallback !== undefined) return fallback;
  if (value !== undefined && (choices as readonly string[]).includes(value)) return value as T;
  throw new CliError(`${flag} must be one of ${choices.join(', ')}${value === undefined ? '' : `, got "${value}"`}.`);
}

function parseInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new CliError(`${flag} must be a whole number ≥ 0, got "${value}".`);
  return number;
}

/** Prints one sampled tuple (frame indices, crops, label) so samplers can be inspected from a shell. */
export async function runSample(context: CommandContext): Promise<number> {
  const task = parseChoice<TaskId>(context.options.task, TASK_IDS, '--task');
  const preset = parseChoice<PresetName>(context.options.preset, PRESET_NAMES, '--preset', 'tiny');
  const seed = parseInteger(context.options.seed, '--seed') ?? 0;
  const videoId = parseInteger(context.options.video, '--video');
  const session = createSession();
  try {
    await session.call('library.open', { path: requireLibrary(context), create: false });
    const preview = await session.call('tasks.sample', {
      config: structuredClone(TASK_PRESETS[task][preset]) as never,
      seed,
      ...(videoId !== undefined ? { videoId } : {}),
    });
    // The rendered images are for the UI; the shell gets what the sampler decided.
    const elements = preview.elements.map((element) => ({
      frames: element.frames.map(({ image: _image, ...view }) => view),
    }));
    const tuple = { ...preview, elements, motion: undefined };
    if (context.json) {
      console.log(JSON.stringify(tuple, null, 2));
    } else {
      console.log(`${task} (${preset}) from ${preview.video.fileName} [video ${preview.video.id}], seed ${seed}`);
      console.log(`label ${preview.label} of ${preview.classCount}: ${preview.explanation}`);
      elements.forEach((element, index) =>
        console.log(`  element ${index}: frames ${element.frames.map((view) => view.frame).join(', ')}`),
      );
    }
    return 0;
  } finally {
    await session.library.close();
  }
}
