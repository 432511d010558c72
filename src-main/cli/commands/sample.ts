import { PRESET_NAMES, TASK_IDS, TASK_PRESETS, type PresetName, type TaskId } from '../../shared/tasks.ts';
import { createSession, requireLibrary, type CommandContext } from '../context.ts';
import { parseChoice, parseInteger } from '../parse.ts';

/** Prints one sampled tuple (frame indices, crops, label) so samplers can be inspected from a shell. */
export async function runSample(context: CommandContext): Promise<number> {
  const task = parseChoice<TaskId>(context.options.task, TASK_IDS, '--task');
  const preset = parseChoice<PresetName>(context.options.preset, PRESET_NAMES, '--preset', 'tiny');
  const seed = parseInteger(context.options.seed, '--seed') ?? 0;
  const videoId = parseInteger(context.options.video, '--video');
  const session = createSession();
  try {
    await session.call('library.open', { path: requireLibrary(context), create: false, readOnly: true });
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
    await session.studio.close();
  }
}
