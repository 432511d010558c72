/** `pretext eval --method finetune`: fine-tunes a run's encoder on the labelled train split, in the foreground. */
import { CHECKPOINT_CHOICES } from '../../shared/checkpoint-policy.ts';
import type { RunDto, TrainingProgress } from '../../shared/dto.ts';
import { FROM_SCRATCH, parentCheckpointLabel, type ParentCheckpoint } from '../../shared/finetune.ts';
import { PRESET_NAMES, type PresetName } from '../../shared/tasks.ts';
import { BACKEND_CHOICES, type BackendChoice } from '../../shared/training.ts';
import { CliError, onInterrupt, type CommandContext, type Session } from '../context.ts';
import { parseChoice, parseInteger, parseNumber } from '../parse.ts';

/** `--checkpoint auto|best|last|STEP|random` (random: the random-init baseline). */
function checkpointOf(value: string | undefined): ParentCheckpoint {
  if (value === undefined) return 'auto';
  if (/^\d+$/.test(value)) return parseInteger(value, '--checkpoint') as number;
  return parseChoice(value, [...CHECKPOINT_CHOICES, FROM_SCRATCH] as const, '--checkpoint');
}

const percent = (value: number | null | undefined) => (value === null || value === undefined ? 'n/a' : `${(value * 100).toFixed(1)} %`);

function progressLine(progress: TrainingProgress): string {
  if (progress.phase === 'preparing') return `[fine-tune: preparing] ${progress.message ?? ''}`;
  const eta = progress.etaSeconds === null ? '' : ` · ETA ${progress.etaSeconds}s`;
  const phase = progress.phase === 'evaluating' && progress.step === progress.totalSteps ? 'testing' : progress.phase;
  return `[fine-tune: ${phase}] step ${progress.step}/${progress.totalSteps}${eta} · ${progress.backend ?? ''}`;
}

/** What `--json` prints: the fields a script needs, with the split and preset that produced them. */
function resultJson(run: RunDto) {
  const finetune = run.finetune;
  return {
    method: 'finetune',
    runId: run.id,
    parentRunId: run.parentRunId,
    status: run.status,
    top1: run.testAccuracy?.top1 ?? null,
    top5: run.testAccuracy?.top5 ?? null,
    testVideos: run.testAccuracy?.videos ?? finetune?.testVideos ?? null,
    trainVideos: finetune?.trainVideos ?? null,
    clips: run.testAccuracy?.clips ?? finetune?.config.testClips ?? null,
    classes: finetune?.classes ?? [],
    split: finetune ? { kind: 'seeded', ...finetune.config.split } : null,
    preset: finetune?.config.preset ?? null,
    parentCheckpointStep: finetune?.parentCheckpointStep ?? null,
    steps: run.totalSteps,
    backend: run.backend,
    error: run.error,
  };
}

/** Trains a fine-tune run of `--run` with progress on stderr; Ctrl-C cancels it with a checkpoint (resume with `pretext train --resume`). */
export async function runFinetune(context: CommandContext, session: Session): Promise<number> {
  const { options } = context;
  if (options['test-list'] !== undefined) throw new CliError('--method finetune uses the seeded split (--split-seed, --test-fraction); --test-list is not supported.');
  if (options.run === undefined || options.run === 'random') throw new CliError('--method finetune needs --run ID: the pretext run whose encoder to fine-tune.');
  const parentRunId = parseInteger(options.run, '--run');
  if (parentRunId === undefined || parentRunId < 1) throw new CliError(`--run must be a run id, got "${options.run}".`);
  const steps = parseInteger(options.steps, '--steps');
  const seed = parseInteger(options.seed, '--seed');
  const testFraction = parseNumber(options['test-fraction'], '--test-fraction') ?? 0.3;
  const splitSeed = parseInteger(options['split-seed'], '--split-seed') ?? 0;
  const backend = options.backend === undefined ? undefined : parseChoice<BackendChoice>(options.backend, BACKEND_CHOICES, '--backend');
  const run = await session.call('training.finetune', {
    parentRunId,
    preset: parseChoice<PresetName>(options.preset, PRESET_NAMES, '--preset', 'tiny'),
    checkpoint: checkpointOf(options.checkpoint),
    split: { seed: splitSeed, testFraction },
    ...(steps === undefined ? {} : { steps }),
    ...(seed === undefined ? {} : { seed }),
    ...(backend === undefined ? {} : { backend }),
  });
  const interactive = process.stderr.isTTY && !context.json;
  const stopListening = session.events.on('training.progress', (progress) => {
    if (progress.runId !== run.id) return;
    const line = progressLine(progress);
    process.stderr.write(interactive ? `\r\x1b[2K${line}` : `${line}\n`);
  });
  const stopInterrupt = onInterrupt(() => void session.call('training.cancel', { runId: run.id }));
  let finished: RunDto;
  try {
    finished = await session.studio.training.wait(run.id);
  } finally {
    stopInterrupt();
    stopListening();
    if (interactive) process.stderr.write('\n');
  }
  if (context.json) {
    console.log(JSON.stringify(resultJson(finished), null, 2));
  } else if (finished.status === 'completed') {
    const ft = finished.finetune;
    console.log(
      `Run ${finished.id}: fine-tuned run ${parentRunId} (${ft ? parentCheckpointLabel(ft.parentCheckpointStep) : '?'}, ${ft?.config.preset ?? '?'} preset, ${finished.totalSteps} steps)\n` +
        `  top-1 ${percent(finished.testAccuracy?.top1)} · top-5 ${percent(finished.testAccuracy?.top5)}\n` +
        `  ${finished.testAccuracy?.videos ?? 0} test videos × ${finished.testAccuracy?.clips ?? 0} clips averaged, ${ft?.trainVideos ?? 0} training videos, ` +
        `${ft?.classes.length ?? 0} classes (seeded split ${splitSeed}, test fraction ${testFraction})`,
    );
  } else {
    console.error(`Run ${finished.id} ${finished.status} at step ${finished.step}/${finished.totalSteps}${finished.error ? `: ${finished.error}` : ''}; resume it with pretext train --resume ${finished.id}.`);
  }
  if (finished.status === 'completed') return 0;
  return finished.status === 'cancelled' ? 130 : 1;
}
