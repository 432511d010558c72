import { RUN_STATUSES, type RunDetail, type RunDto, type RunStatus, type TrainingProgress } from '../../shared/dto.ts';
import { isMeaningful } from '../../shared/checkpoint-policy.ts';
import { assessRunHealth, runBaseline, type RunHealth } from '../../shared/run-health.ts';
import { labelBaseline } from '../../shared/task-labels.ts';
import { parentCheckpointLabel } from '../../shared/finetune.ts';
import { PRESET_NAMES, TASK_IDS, TASKS, type PresetName, type TaskId } from '../../shared/tasks.ts';
import { BACKBONES, BACKEND_CHOICES, type Backbone, type BackendChoice } from '../../shared/training.ts';
import { CliError, createSession, onInterrupt, requireLibrary, type CommandContext } from '../context.ts';
import { parseChoice, parseInteger } from '../parse.ts';

function progressLine(progress: TrainingProgress): string {
  if (progress.phase === 'preparing') return `[preparing] ${progress.message ?? ''}`;
  const speed = progress.stepsPerSecond === null ? '' : ` · ${progress.stepsPerSecond.toFixed(2)} steps/s`;
  const eta = progress.etaSeconds === null ? '' : ` · ETA ${progress.etaSeconds}s`;
  return `[${progress.phase}] step ${progress.step}/${progress.totalSteps}${speed}${eta} · ${progress.backend ?? ''}`;
}

const percent = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(1)} %`);

function summary(run: RunDto): string {
  if (run.finetune) {
    const parent = run.parentRunId === null ? 'a deleted run' : `run ${run.parentRunId}`;
    const test = run.testAccuracy
      ? `test top-1 ${percent(run.testAccuracy.top1)} · top-5 ${percent(run.testAccuracy.top5)} (${run.testAccuracy.videos} videos × ${run.testAccuracy.clips} clips)`
      : 'not tested yet';
    return `Run ${run.id} (fine-tune of ${parent}, ${parentCheckpointLabel(run.finetune.parentCheckpointStep)}) ${run.status} at step ${run.step}/${run.totalSteps} on ${run.backend ?? '?'}; ${test}` +
      (run.error ? `\n  error: ${run.error}` : '');
  }
  const accuracy = run.bestValidationAccuracy;
  const atChance = !isMeaningful(accuracy, labelBaseline(run.config.task), run.config.validationTuples);
  const best = accuracy === null ? 'n/a' : `${(accuracy * 100).toFixed(1)} %${atChance ? ' (at chance: not meaningful)' : ''}`;
  return `Run ${run.id} ${run.status} at step ${run.step}/${run.totalSteps} on ${run.backend ?? '?'}; best validation accuracy ${best}` +
    (run.error ? `\n  error: ${run.error}` : '');
}

function healthOf(detail: RunDetail): RunHealth {
  return assessRunHealth({
    config: detail.run.config,
    train: detail.metrics.filter((point) => point.split === 'train'),
    validation: detail.metrics.filter((point) => point.split === 'validation'),
    probes: detail.probes,
    baseline: runBaseline(detail.run),
  });
}

/** The run's health in plain words: one line, then each flag with what to try. */
function healthText(health: RunHealth): string {
  const flags = health.flags.map((flag) => `\n  ${flag.message}` + flag.advice.map((advice) => `\n    - ${advice}`).join(''));
  return `  health: ${health.summary}${flags.join('')}`;
}

/** Trains (or resumes) a run in the foreground; Ctrl-C cancels it with a checkpoint. */
export async function runTrain(context: CommandContext): Promise<number> {
  const { options } = context;
  const session = createSession();
  const { call, events, studio } = session;
  try {
    await call('library.open', { path: requireLibrary(context), create: false });
    let run: RunDto;
    const resumeId = parseInteger(options.resume, '--resume');
    if (resumeId !== undefined) {
      run = await call('training.resume', { runId: resumeId });
    } else {
      const task = parseChoice<TaskId>(options.task, TASK_IDS, '--task');
      const backbone = parseChoice<Backbone>(options.backbone, BACKBONES, '--backbone', TASKS[task].backbones[0]);
      const preset = parseChoice<PresetName>(options.preset, PRESET_NAMES, '--preset', 'tiny');
      const backend = parseChoice<BackendChoice>(options.backend, BACKEND_CHOICES, '--backend', 'auto');
      const config = await call('training.preset', { task, backbone, preset });
      const steps = parseInteger(options.steps, '--steps');
      const seed = parseInteger(options.seed, '--seed');
      const replicas = parseInteger(options.replicas, '--replicas');
      run = await call('training.start', {
        config: {
          ...config,
          backend,
          ...(steps !== undefined ? { steps } : {}),
          ...(seed !== undefined ? { seed } : {}),
          ...(replicas !== undefined ? { replicas } : {}),
        },
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
      finished = await studio.training.wait(run.id);
    } finally {
      stopInterrupt();
      stopListening();
      if (interactive) process.stderr.write('\n');
    }
    const detail = await call('training.run', { runId: run.id });
    if (context.json) console.log(JSON.stringify({ ...detail, health: healthOf(detail) }, null, 2));
    else console.log(`${summary(finished)}\n${healthText(healthOf(detail))}`);
    if (finished.status === 'completed') return 0;
    return finished.status === 'cancelled' ? 130 : 1;
  } finally {
    await studio.close();
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
    const health = new Map<number, RunHealth>();
    for (const run of runs) health.set(run.id, healthOf(await session.call('training.run', { runId: run.id })));
    if (context.json) console.log(JSON.stringify(runs.map((run) => ({ ...run, health: health.get(run.id) })), null, 2));
    else {
      for (const run of runs) {
        const title = run.name ? `"${run.name}"  ` : '';
        console.log(`${String(run.id).padStart(4)}  ${title}${run.task} / ${run.backbone}  ${summary(run)}\n${healthText(health.get(run.id) as RunHealth)}`);
        if (run.note) console.log(`      note: ${run.note.replace(/\n/g, '\n      ')}`);
      }
    }
    return 0;
  } finally {
    await session.studio.close();
  }
}
