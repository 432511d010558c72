/** extract, retrieve, eval and export-features: retrieval from the command line, through the contract. */
import { writeFile } from 'node:fs/promises';
import { CHECKPOINT_CHOICES } from '../../shared/checkpoint-policy.ts';
import { TEST_LIST_MAX_CHARS, type ExtractionProgress, type FeatureSetDto } from '../../shared/dto.ts';
import { PRESET_NAMES, TASK_IDS, type PresetName, type TaskId } from '../../shared/tasks.ts';
import { BACKBONES, type Backbone } from '../../shared/training.ts';
import { CliError, createSession, onInterrupt, requireLibrary, type CommandContext, type Session } from '../context.ts';
import { parseChoice, parseInteger, parseNumber } from '../parse.ts';
import { featuresCsv, npyBytes } from '../../core/retrieval/export.ts';
import { loadSetVectors } from '../../core/db/features.ts';
import { readTextFile } from '../../core/util/user-files.ts';

/** `--run ID` or `--run random` (with --like RUN, or --task/--backbone/--preset; VCOP R3D tiny by default). */
function sourceFrom(context: CommandContext) {
  const { options } = context;
  if (options.run === undefined) throw new CliError('--run ID|random is required.');
  const seed = parseInteger(options.seed, '--seed') ?? 0;
  if (options.run === 'random') {
    const like = parseInteger(options.like, '--like');
    if (like !== undefined) return { kind: 'random', runId: like, preset: 'tiny', seed } as const;
    const task = parseChoice<TaskId>(options.task, TASK_IDS, '--task', 'clip-order');
    // VCOP's reference backbone is R3D; frame tasks have one.
    const backbone = parseChoice<Backbone>(options.backbone, BACKBONES, '--backbone', task === 'clip-order' ? 'r3d' : 'alexnet');
    const preset = parseChoice<PresetName>(options.preset, PRESET_NAMES, '--preset', 'tiny');
    return { kind: 'random', task, backbone, preset, seed } as const;
  }
  const runId = parseInteger(options.run, '--run');
  if (runId === undefined || runId < 1) throw new CliError(`--run must be a run id or "random", got "${options.run}".`);
  const checkpoint = parseChoice(options.checkpoint, CHECKPOINT_CHOICES, '--checkpoint', 'auto');
  return { kind: 'run', runId, checkpoint } as const;
}

function progressLine(progress: ExtractionProgress): string {
  const speed = progress.clipsPerSecond === null ? '' : ` · ${progress.clipsPerSecond.toFixed(1)} clips/s`;
  const eta = progress.etaSeconds === null ? '' : ` · ETA ${Math.round(progress.etaSeconds)}s`;
  return `[extracting] ${progress.done}/${progress.total} videos${speed}${eta}`;
}

function describeSet(set: FeatureSetDto): string {
  const failures = set.failures.map((failure) => `\n  failed: ${failure.fileName}: ${failure.reason}`).join('');
  return (
    `Feature set ${set.id} (${set.name}) ${set.status}: ${set.videoCount} videos, ${set.featureSize ?? '?'} features` +
    (set.missingCount > 0 ? `, ${set.missingCount} still missing` : '') +
    (set.error ? `\n  error: ${set.error}` : '') +
    failures
  );
}

/** Extracts (or brings up to date) the feature set of the source, printing progress on stderr. */
async function extractSet(session: Session, context: CommandContext): Promise<FeatureSetDto> {
  const started = await session.call('features.extract', { source: sourceFrom(context) });
  const interactive = process.stderr.isTTY && !context.json;
  const stopListening = session.events.on('features.progress', (progress) => {
    if (context.json || progress.setId !== started.id) return;
    const line = progressLine(progress);
    process.stderr.write(interactive ? `\r\x1b[2K${line}` : `${line}\n`);
  });
  const stopInterrupt = onInterrupt(() => void session.call('features.cancel', { setId: started.id }));
  try {
    return await session.library.features.wait(started.id);
  } finally {
    stopInterrupt();
    stopListening();
    if (interactive) process.stderr.write('\n');
  }
}

/** Opens the library, runs `body`, always closes. */
async function withLibrary(context: CommandContext, body: (session: Session) => Promise<number>): Promise<number> {
  const session = createSession();
  try {
    await session.call('library.open', { path: requireLibrary(context), create: false });
    return await body(session);
  } finally {
    await session.library.close();
  }
}

/** The up-to-date, ready feature set of `--run`, extracting what is missing first. */
async function readySet(session: Session, context: CommandContext): Promise<FeatureSetDto> {
  const set = await extractSet(session, context);
  if (set.status !== 'ready') throw new CliError(describeSet(set), set.status === 'cancelled' ? 130 : 1);
  return set;
}

export async function runExtract(context: CommandContext): Promise<number> {
  return withLibrary(context, async (session) => {
    const set = await extractSet(session, context);
    console.log(context.json ? JSON.stringify(set, null, 2) : describeSet(set));
    if (set.status === 'ready') return 0;
    return set.status === 'cancelled' ? 130 : 1;
  });
}

export async function runRetrieve(context: CommandContext): Promise<number> {
  const videoId = parseInteger(context.options.video, '--video');
  if (videoId === undefined) throw new CliError('--video ID is required.');
  const k = parseInteger(context.options.k, '--k') ?? 10;
  const clipIndex = parseInteger(context.options.clip, '--clip');
  return withLibrary(context, async (session) => {
    const set = await readySet(session, context);
    const result = await session.call('retrieval.query', { setId: set.id, videoId, k, ...(clipIndex !== undefined ? { clipIndex } : {}) });
    if (context.json) {
      console.log(JSON.stringify(result, null, 2));
      return 0;
    }
    console.log(`Query: ${result.query.fileName} (${result.query.label ?? 'no label'}) · ${set.name}`);
    for (const neighbour of result.neighbours) {
      const match = neighbour.sameLabel === null ? ' ' : neighbour.sameLabel ? '✓' : '✗';
      const clip = neighbour.clip ? ` [${neighbour.clip.startSeconds.toFixed(2)}–${neighbour.clip.endSeconds.toFixed(2)} s]` : '';
      console.log(`${String(neighbour.rank).padStart(3)}  ${neighbour.score.toFixed(4)}  ${match} ${neighbour.fileName}${clip}  ${neighbour.label ?? ''}`);
    }
    return 0;
  });
}

export async function runEval(context: CommandContext): Promise<number> {
  const splitSeed = parseInteger(context.options['split-seed'], '--split-seed') ?? 0;
  const testFraction = parseNumber(context.options['test-fraction'], '--test-fraction') ?? 0.3;
  // The user named this file on their own command line: the CLI reads it and sends the text.
  const listFile = context.options['test-list'];
  const testListText = listFile ? await readTextFile(listFile, TEST_LIST_MAX_CHARS) : undefined;
  return withLibrary(context, async (session) => {
    const set = await readySet(session, context);
    const table = await session.call('evaluation.table', {
      setIds: [set.id],
      seed: splitSeed,
      testFraction,
      ...(testListText !== undefined ? { testListText } : {}),
    });
    const row = table.rows[0];
    if (!row) throw new CliError('The evaluation returned no row.', 1);
    if (context.json) {
      console.log(JSON.stringify({ setId: set.id, name: set.name, topK: row.topK, queries: row.queries, gallery: row.gallery, split: table.split }, null, 2));
      return 0;
    }
    const cells = table.ks.map((k) => `top-${k} ${row.topK[k] === null ? 'n/a' : `${((row.topK[k] as number) * 100).toFixed(1)} %`}`);
    console.log(`${set.name}\n  ${cells.join(' · ')}\n  ${row.queries} test queries, ${row.gallery} training videos (${table.split.kind} split)`);
    return 0;
  });
}

export async function runExportFeatures(context: CommandContext): Promise<number> {
  const format = parseChoice(context.options.format, ['npy', 'csv'] as const, '--format', 'npy');
  const out = context.options.out ?? `features.${format}`;
  return withLibrary(context, async (session) => {
    const set = await readySet(session, context);
    const vectors = loadSetVectors(session.library.requireOpen().db, set.id);
    const rows = vectors.videoIds.length;
    if (format === 'csv') {
      await writeFile(out, featuresCsv(vectors.videoIds, vectors.labels, vectors.vectors, vectors.featureSize));
    } else {
      await writeFile(out, npyBytes(vectors.vectors, rows, vectors.featureSize));
      // The .npy holds numbers only: which row is which video goes next to it.
      await writeFile(`${out}.videos.csv`, featuresCsv(vectors.videoIds, vectors.labels, new Float32Array(0), 0));
    }
    const written = { setId: set.id, format, file: out, videos: rows, featureSize: vectors.featureSize };
    console.log(context.json ? JSON.stringify(written, null, 2) : `Wrote ${rows} × ${vectors.featureSize} features to ${out}`);
    return 0;
  });
}
