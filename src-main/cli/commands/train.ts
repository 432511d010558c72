import { RUN_STATUSES, type RunDto, type RunStatus, type TrainingProgress } from '../../shared/dto.ts';
import { PRESET_NAMES, TASK_IDS, type PresetName, type TaskId } from '../../shared/tasks.ts';
import { BACKBONES, BACKBONES_FOR_TASK, BACKEND_CHOICES, type Backbone, type BackendChoice } from '../../shared/training.ts';
import { CliError, createSession, onInterrupt, requireLibrary, type CommandContext } from '../context.ts';
import { parseChoice, parseInteger } from '../parse.ts';

function progressLine(progress: TrainingProgress): string {
  if (progress.phase === 'preparing') return `[preparing] ${progress.message ?? ''}`;
  const speed = progress.stepsPerSecond === null ? '' : ` · ${progress.stepsPerSecond.toFixed(2)} steps/s`;
  const eta = progress.etaSeconds === null ? '' : ` · ETA ${progress.etaSeconds}s`;
  return `[${progress.phase}] step ${progress.step}/${progress.totalSteps}${speed}${eta} · ${progress.backend ?? ''}`;
}

function summary(run: RunDto): string {
  const best = run.bestValidationAccuracy === null ? 'n/a' : `${(run.bestValidationAccuracy * 100).toFixed(1)} %`;
  return `Run ${run.id} ${run.status} at step ${run.step}/${run.totalSteps} on ${run.backend ?? '?'}; best validation accuracy ${best}` +
    (run.error ? `\n  error: ${run.error}` : '');
}

/** Trains (or resumes) a run in the foreground; Ctrl-C cancels it with a checkpoint. */
export async function runTrain(context: CommandContext): Promise<number> {
  const { options } = context;
  const session = createSession();
  const { call, events, library } = session;
  try {
    await call('library.open', { path: requireLibrary(context), create: false });
    let run: RunDto;
    const resumeId = parseInteger(options.resume, '--resume');
    if (resumeId !== undefined) {
      run = await call('training.resume', { runId: resumeId });
    } else {
      const task = parseChoice<TaskId>(options.task, TASK_IDS, '--task');
      const backbone = parseChoice<Backbone>(options.backbone, BACKBONES, '--backbone', BACKBONES_FOR_TASK[task][0]);
      const preset = parseChoice<PresetName>(options.preset, PRESET_NAMES, '--preset', 'tiny');
      const backend = parseChoice<BackendChoice>(options.backend, BACKEND_CHOICES, '--backend', 'auto');
      const config = await call('training.preset', { task, backbone, preset });
      const steps = parseInteger(options.steps, '--steps');
      const seed = parseInteger(options.seed, '--seed');
      run = await call('training.start', {
        config: { ...config, backend, ...(steps !== undefined ? { steps } : {}), ...(seed !== undefined ? { seed } : {}) },
      });
    }
    const interactive = process.stderr.isTTY && !context.json;
    const stopListening = events.subscribe((name, payload) => {
      if (name !== 'training.progress' || context.json) return;
      const line = progressLine(payload as TrainingProgress);
      process.stderr.write(interactive ? `\r\x1b[2K${line}` : `${line}\n`);
    });
    const stopInterrupt = onInterrupt(() => void call('training.cancel', { runId: run.id }));
    let finished: RunDto;
    try {
      finished = await library.training.wait(run.id);
    } finally {
      stopInterrupt();
      stopListening();
      if (interactive) process.stderr.write('\n');
    }
    if (context.json) console.log(JSON.stringify(await call('training.run', { runId: run.id }), null, 2));
    else console.log(summary(finished));
    if (finished.status === 'completed') return 0;
    return finished.status === 'cancelled' ? 130 : 1;
  } finally {
    await library.close();
  }
}

export async function runRuns(context: CommandContext): Promise<number> {
  if (context.args.length > 0) {
    throw new CliError('Usage: pretext runs --library FILE [--task TASK] [--status STATUS] [--search WORDS] [--json]');
  }
  const { options } = context;
  const filter = {
    ...(options.task !== undefined ? { task: parseChoice<TaskId>(options.task, TASK_IDS, '--task') } : {}),
    ...(options.status !== undefined ? { status: parseChoice<RunStatus>(options.status, RUN_STATUSES, '--status') } : {}),
    ...(options.search !== undefined ? { search: options.search } : {}),
  };
  const session = createSession();
  try {
    await session.call('library.open', { path: requireLibrary(context), create: false, readOnly: true });
    const runs = await session.call('training.runs', filter);
    if (context.json) console.log(JSON.stringify(runs, null, 2));
    else {
      runs.forEach((run) => {
        const title = run.name ? `"${run.name}"  ` : '';
        console.log(`${String(run.id).padStart(4)}  ${title}${run.task} / ${run.backbone}  ${summary(run)}`);
        if (run.note) console.log(`      note: ${run.note.replace(/\n/g, '\n      ')}`);
      });
    }
    return 0;
  } finally {
    await session.library.close();
  }
}
