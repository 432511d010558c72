/** extract, retrieve, eval and export-features: retrieval from the command line, through the contract. */
import { writeFile } from 'node:fs/promises';
import { CHECKPOINT_CHOICES } from '../../shared/checkpoint-policy.ts';
import {
  CLASSIFIERS,
  FEATURE_PROTOCOLS,
  FEW_QUERIES,
  TEST_LIST_MAX_CHARS,
  type ClipSpan,
  type EvaluatedSet,
  type EvaluationSplit,
  type ExtractionProgress,
  type FeatureProtocol,
  type FeatureSetDto,
} from '../../shared/dto.ts';
import { PRESET_NAMES, retrievalBackbone, TASK_IDS, type PresetName, type TaskId } from '../../shared/tasks.ts';
import { BACKBONES, type Backbone } from '../../shared/training.ts';
import { CliError, createSession, onInterrupt, requireLibrary, type CommandContext, type Session } from '../context.ts';
import { parseChoice, parseInteger, parseNumber } from '../parse.ts';
import { featuresCsv, npyBytes } from '../../core/retrieval/export.ts';
import { loadSetVectors } from '../../core/db/features.ts';
import { fiftyOneExport, writeExportFolder } from '../../core/retrieval/fiftyone-export.ts';
import { readTextFile } from '../../core/util/user-files.ts';
import { runFinetune } from './finetune.ts';

/** `--run ID` or `--run random` (with --like RUN, or --task/--backbone/--preset; VCOP R3D tiny by default). */
function sourceFrom(context: CommandContext) {
  const { options } = context;
  if (options.run === undefined) throw new CliError('--run ID|random is required.');
  const seed = parseInteger(options.seed, '--seed') ?? 0;
  if (options.run === 'random') {
    const like = parseInteger(options.like, '--like');
    if (like !== undefined) return { kind: 'random', runId: like, preset: 'tiny', seed } as const;
    const task = parseChoice<TaskId>(options.task, TASK_IDS, '--task', 'clip-order');
    const backbone = parseChoice<Backbone>(options.backbone, BACKBONES, '--backbone', retrievalBackbone(task));
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

/** "vcop-reference protocol, 112 px, 10 clips × 16 frames": how the vectors were made. */
function protocolLine(set: Pick<FeatureSetDto, 'protocol' | 'inputSize' | 'clipsPerVideo'> & { framesPerClip?: number }): string {
  const frames = set.framesPerClip === undefined ? '' : ` × ${set.framesPerClip} ${set.framesPerClip === 1 ? 'frame' : 'frames'}`;
  return `${set.protocol} protocol, ${set.inputSize} px, ${set.clipsPerVideo} clips${frames}`;
}

function describeSet(set: FeatureSetDto): string {
  const failures = set.failures.map((failure) => `\n  failed: ${failure.fileName}: ${failure.reason}`).join('');
  return (
    `Feature set ${set.id} (${set.name}) ${set.status}: ${set.videoCount} videos, ${set.featureSize ?? '?'} features, ${protocolLine(set)}` +
    (set.missingCount > 0 ? `, ${set.missingCount} still missing` : '') +
    (set.error ? `\n  error: ${set.error}` : '') +
    failures
  );
}

/** Extracts (or brings up to date) the feature set of the source, printing progress on stderr. */
async function extractSet(session: Session, context: CommandContext): Promise<FeatureSetDto> {
  const protocol = parseChoice<FeatureProtocol>(context.options.protocol, FEATURE_PROTOCOLS, '--protocol', 'compact');
  const started = await session.call('features.extract', { source: sourceFrom(context), protocol });
  const interactive = process.stderr.isTTY && !context.json;
  const stopListening = session.events.on('features.progress', (progress) => {
    if (context.json || progress.setId !== started.id) return;
    const line = progressLine(progress);
    process.stderr.write(interactive ? `\r\x1b[2K${line}` : `${line}\n`);
  });
  const stopInterrupt = onInterrupt(() => void session.call('features.cancel', { setId: started.id }));
  try {
    return await session.studio.features.wait(started.id);
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
    await session.studio.close();
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

const spanText = (span: ClipSpan) => `${span.startSeconds.toFixed(2)}–${span.endSeconds.toFixed(2)} s`;

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
      const clip = neighbour.clip ? ` [${spanText(neighbour.clip)}]` : '';
      const matched = neighbour.match
        ? `  clips ${neighbour.match.query.index} [${spanText(neighbour.match.query)}] ↔ ${neighbour.match.neighbour.index} [${spanText(neighbour.match.neighbour)}] ${neighbour.match.score.toFixed(4)}`
        : '';
      console.log(`${String(neighbour.rank).padStart(3)}  ${neighbour.score.toFixed(4)}  ${match} ${neighbour.fileName}${clip}  ${neighbour.label ?? ''}${matched}`);
    }
    return 0;
  });
}

/** How the rows' figures may mislead: few queries, classes left out. */
function evaluationWarnings(split: EvaluationSplit, queries: number): string[] {
  const warnings: string[] = [];
  if (queries < FEW_QUERIES) {
    warnings.push(`only ${queries} ${queries === 1 ? 'query' : 'queries'} (fewer than ${FEW_QUERIES}): one query moves each figure by ${queries > 0 ? (100 / queries).toFixed(1) : '–'} points`);
  }
  if (split.excludedClasses.length > 0) {
    const classes = split.excludedClasses.map((entry) => `${entry.label} (${entry.videos})`).join(', ');
    warnings.push(`left out test classes without a training video: ${classes}`);
  }
  return warnings;
}

const percent = (value: number | null) => (value === null ? 'n/a' : `${(value * 100).toFixed(1)} %`);

/** What every eval JSON says about the set and its split. */
function setFields(row: EvaluatedSet) {
  return { setId: row.setId, name: row.name, protocol: row.protocol, inputSize: row.inputSize, clipsPerVideo: row.clipsPerVideo, featureSize: row.featureSize };
}

export async function runEval(context: CommandContext): Promise<number> {
  const splitSeed = parseInteger(context.options['split-seed'], '--split-seed') ?? 0;
  const testFraction = parseNumber(context.options['test-fraction'], '--test-fraction') ?? 0.3;
  const method = parseChoice(context.options.method, ['retrieval', ...CLASSIFIERS, 'finetune'] as const, '--method', 'retrieval');
  if (method === 'finetune') return withLibrary(context, (session) => runFinetune(context, session));
  // The user named this file on their own command line: the CLI reads it and sends the text.
  const listFile = context.options['test-list'];
  const testListText = listFile ? await readTextFile(listFile, TEST_LIST_MAX_CHARS) : undefined;
  return withLibrary(context, async (session) => {
    const set = await readySet(session, context);
    const splitInput = {
      setIds: [set.id],
      seed: splitSeed,
      testFraction,
      ...(testListText !== undefined ? { testListText } : {}),
    };
    if (method === 'retrieval') {
      const table = await session.call('evaluation.table', splitInput);
      const row = table.rows[0];
      if (!row) throw new CliError('The evaluation returned no row.', 1);
      const warnings = evaluationWarnings(table.split, row.queries);
      if (context.json) {
        console.log(JSON.stringify({ method, ...setFields(row), topK: row.topK, queries: row.queries, gallery: row.gallery, split: table.split, warnings }, null, 2));
        return 0;
      }
      const cells = table.ks.map((k) => `top-${k} ${k >= row.gallery ? `(${percent(row.topK[k] ?? null)}: k ≥ gallery)` : percent(row.topK[k] ?? null)}`);
      console.log(`${set.name}\n  ${protocolLine(row)}\n  ${cells.join(' · ')}\n  ${row.queries} test queries, ${row.gallery} training videos (${table.split.kind} split)`);
      for (const warning of warnings) console.error(`warning: ${warning}`);
      return 0;
    }
    const interactive = process.stderr.isTTY && !context.json;
    const stopListening = session.events.on('evaluation.progress', (progress) => {
      if (context.json) return;
      const line = `[linear probe] ${progress.done}/${progress.total} steps`;
      process.stderr.write(interactive ? `\r\x1b[2K${line}` : `${line}\n`);
    });
    let table;
    try {
      table = await session.call('evaluation.classify', { ...splitInput, method });
    } finally {
      stopListening();
      if (interactive && method === 'linear') process.stderr.write('\n');
    }
    const row = table.rows[0];
    if (!row) throw new CliError('The evaluation returned no row.', 1);
    const warnings = evaluationWarnings(table.split, row.queries);
    if (context.json) {
      const { top1, top5, queries, train, settings } = row;
      console.log(JSON.stringify({ method, ...setFields(row), top1, top5, queries, train, settings, split: table.split, warnings }, null, 2));
      return 0;
    }
    const settings =
      row.settings.method === 'knn'
        ? `weighted kNN, k = ${row.settings.k}, T = ${row.settings.temperature}`
        : `linear probe, weight decay ${row.settings.weightDecay} (validation top-1 ${percent(row.settings.validationAccuracy)} on ${row.settings.validation} videos)`;
    console.log(
      `${set.name}\n  ${protocolLine(row)}\n  ${settings}\n  top-1 ${percent(row.top1)} · top-5 ${percent(row.top5)}\n  ${row.queries} test videos, ${row.train} training videos (${table.split.kind} split)`,
    );
    for (const warning of warnings) console.error(`warning: ${warning}`);
    return 0;
  });
}

/** `--set ID`: a feature set extracted before (it must be ready to export). */
async function existingSet(session: Session, option: string): Promise<FeatureSetDto> {
  const setId = parseInteger(option, '--set');
  const set = (await session.call('features.sets', {})).find((candidate) => candidate.id === setId);
  if (!set) throw new CliError(`No feature set ${option} in this library (extract prints each set's id).`);
  if (set.status !== 'ready') throw new CliError(describeSet(set));
  return set;
}

/** Writes the FiftyOne layout (samples.json, embeddings.npy, load_fiftyone.py) into a new folder. */
async function exportFiftyOne(session: Session, context: CommandContext, set: FeatureSetDto, out: string): Promise<number> {
  const split = await session.studio.retrieval.split({
    seed: parseInteger(context.options['split-seed'], '--split-seed') ?? 0,
    testFraction: parseNumber(context.options['test-fraction'], '--test-fraction') ?? 0.3,
  });
  const { files, videos } = await fiftyOneExport(session.studio.requireOpen().db, set.id, split);
  await writeExportFolder(out, files);
  const written = { setId: set.id, format: 'fiftyone', folder: out, videos, files: files.map((file) => file.name) };
  console.log(context.json ? JSON.stringify(written, null, 2) : `Wrote ${videos} videos of ${set.name} for FiftyOne to ${out} (python3 ${out}/load_fiftyone.py ${out})`);
  return 0;
}

export async function runExportFeatures(context: CommandContext): Promise<number> {
  const format = parseChoice(context.options.format, ['npy', 'csv', 'fiftyone'] as const, '--format', 'npy');
  const out = context.options.out ?? (format === 'fiftyone' ? 'fiftyone-export' : `features.${format}`);
  return withLibrary(context, async (session) => {
    const set = context.options.set === undefined ? await readySet(session, context) : await existingSet(session, context.options.set);
    if (format === 'fiftyone') return exportFiftyOne(session, context, set, out);
    const vectors = loadSetVectors(session.studio.requireOpen().db, set.id);
    const rows = vectors.videoIds.length;
    if (format === 'csv') {
      await writeFile(out, featuresCsv(vectors.videoIds, vectors.labels, vectors.vectors, vectors.featureSize));
    } else {
      await writeFile(out, npyBytes(vectors.vectors, rows, vectors.featureSize));
      // The .npy holds numbers only: which row is which video goes next to it.
      await writeFile(`${out}.videos.csv`, featuresCsv(vectors.videoIds, vectors.labels, new Float32Array(0), 0));
    }
    const made = { protocol: set.protocol, inputSize: set.inputSize, clipsPerVideo: set.clipsPerVideo, framesPerClip: set.framesPerClip };
    const written = { setId: set.id, format, file: out, videos: rows, featureSize: vectors.featureSize, ...made };
    console.log(context.json ? JSON.stringify(written, null, 2) : `Wrote ${rows} × ${vectors.featureSize} features (${protocolLine(set)}) to ${out}`);
    return 0;
  });
}
