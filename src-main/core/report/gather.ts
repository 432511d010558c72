/**
 * The report's content from the services' results (the Evaluate and Train screens' own numbers, never
 * recomputed): evaluation tables with each row's protocol and the split, every run's config and
 * curves, each set's embedding map, versions and the commands that repeat it all. Pure.
 */
import { chartModel } from '../../shared/charts/chart-scale.ts';
import { fitToBox, labelColours } from '../../shared/charts/map-scale.ts';
import {
  FEW_QUERIES,
  type ClassificationTable,
  type EmbeddingMap,
  type EvaluatedSet,
  type EvaluationSplit,
  type EvaluationTable,
  type FeatureSetDto,
  type RunDetail,
} from '../../shared/dto.ts';
import { assessRunHealth, runBaseline } from '../../shared/run-health.ts';
import { PRESET_NAMES } from '../../shared/tasks.ts';
import { parentCheckpointLabel } from '../../shared/finetune.ts';
import { trainPreset, type TrainConfig } from '../../shared/training.ts';
import type { ReportCell, ReportMap, ReportModel, ReportRequest, ReportRun, ReportTable, ReportVersions } from './model.ts';

/** A service result, or why it could not be had (e.g. the linear probe without labelled videos). */
export type Outcome<T> = { ok: true; value: T } | { ok: false; error: string };

export interface ReportInputs {
  generatedAt: string;
  library: { path: string; readyVideos: number; labels: number };
  versions: ReportVersions;
  request: ReportRequest;
  /** The ready feature sets the tables score. */
  sets: FeatureSetDto[];
  retrieval: Outcome<EvaluationTable>;
  knn: Outcome<ClassificationTable>;
  linear: Outcome<ClassificationTable>;
  runs: RunDetail[];
  maps: { setId: number; map: Outcome<EmbeddingMap> }[];
}

const MAP_BOX = { width: 520, height: 360, padding: 10 };
const CHART_WIDTH = 640;

const percent = (value: number | null | undefined): string => (value === null || value === undefined ? 'n/a' : `${(value * 100).toFixed(1)} %`);

/** The columns every evaluation row starts with: which vectors it scored and how they were made. */
const SET_COLUMNS = [
  { label: 'Feature set', numeric: false },
  { label: 'Protocol', numeric: false },
  { label: 'Input', numeric: true },
  { label: 'Clips', numeric: true },
  { label: 'Dimensions', numeric: true },
];

function setCells(row: EvaluatedSet): ReportCell[] {
  return [
    { text: row.isRandomInit ? `${row.name} (random init)` : row.name },
    { text: row.protocol },
    { text: `${row.inputSize} px` },
    { text: String(row.clipsPerVideo) },
    { text: row.featureSize === null ? '?' : String(row.featureSize) },
  ];
}

function splitNotes(split: EvaluationSplit, rows: readonly { queries: number }[]): string[] {
  const notes: string[] = [];
  const fewest = rows.length > 0 ? Math.min(...rows.map((row) => row.queries)) : null;
  if (fewest !== null && fewest < FEW_QUERIES) {
    notes.push(`Only ${fewest} test queries: each one moves a figure by ${(100 / Math.max(1, fewest)).toFixed(1)} points.`);
  }
  for (const excluded of split.excludedClasses) {
    notes.push(`Class ${excluded.label} (${excluded.videos} test videos) has no training video and is left out.`);
  }
  return notes;
}

function retrievalTable(table: EvaluationTable): ReportTable {
  return {
    id: 'retrieval',
    title: 'Retrieval top-k',
    method: 'Test videos query training videos by cosine similarity; a hit when any of the k nearest has the query’s class (VCOP retrieve_clips.py).',
    columns: [...SET_COLUMNS, ...table.ks.map((k) => ({ label: `top-${k}`, numeric: true })), { label: 'Queries', numeric: true }, { label: 'Gallery', numeric: true }],
    rows: table.rows.map((row) => ({
      setId: row.setId,
      isRandomInit: row.isRandomInit,
      cells: [
        ...setCells(row),
        // k at or above the gallery finds every training video: a hit for any answerable query.
        ...table.ks.map((k) => ({ text: percent(row.topK[k]), muted: k >= row.gallery })),
        { text: String(row.queries) },
        { text: String(row.gallery) },
      ],
    })),
    split: table.split,
    notes: splitNotes(table.split, table.rows),
  };
}

function classificationTable(table: ClassificationTable): ReportTable {
  const knn = table.method === 'knn';
  return {
    id: table.method,
    title: knn ? 'Weighted kNN' : 'Linear probe',
    method: knn
      ? 'The 20 most similar training videos vote for their class with weight exp(cos / 0.07) (solo-learn WeightedKNNClassifier).'
      : 'Softmax classifier on standardised frozen features of the train split; weight decay chosen on a seeded 20 % validation part, then refitted.',
    columns: [
      ...SET_COLUMNS,
      { label: 'top-1', numeric: true },
      { label: 'top-5', numeric: true },
      { label: 'Test videos', numeric: true },
      { label: 'Train videos', numeric: true },
      { label: 'Settings', numeric: false },
    ],
    rows: table.rows.map((row) => ({
      setId: row.setId,
      isRandomInit: row.isRandomInit,
      cells: [
        ...setCells(row),
        { text: percent(row.top1) },
        { text: percent(row.top5) },
        { text: String(row.queries) },
        { text: String(row.train) },
        {
          text:
            row.settings.method === 'knn'
              ? `k = ${row.settings.k}, T = ${row.settings.temperature}`
              : `weight decay ${row.settings.weightDecay} (validation top-1 ${percent(row.settings.validationAccuracy)} on ${row.settings.validation}), ${row.settings.steps} steps`,
        },
      ],
    })),
    split: table.split,
    notes: splitNotes(table.split, table.rows),
  };
}

/** Nested config values as dotted keys, e.g. ["task.frames", "4"]. */
function flatten(value: unknown, prefix = ''): [string, string][] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    return Object.entries(value).flatMap(([key, inner]) => flatten(inner, prefix ? `${prefix}.${key}` : key));
  }
  return [[prefix, Array.isArray(value) ? value.join(', ') : String(value)]];
}

/** The preset a config was made from, when it is one apart from length, seed and backend. */
export function presetOf(config: TrainConfig): string | null {
  const shape = (candidate: TrainConfig) => JSON.stringify({ ...candidate, steps: 0, seed: 0, backend: 'auto', keepCheckpoints: 0 });
  return PRESET_NAMES.find((preset) => shape(trainPreset(config.task.task, config.backbone, preset)) === shape(config)) ?? null;
}

export const runTitle = (detail: RunDetail): string => detail.run.name ?? `Run ${detail.run.id}`;

/** A pretext run's best validation accuracy; a fine-tune run's parent, split and test accuracy. */
function finetuneSettings(run: RunDetail['run']): [string, string][] {
  if (!run.finetune) return [['best validation accuracy', percent(run.bestValidationAccuracy)]];
  const { config, parentCheckpointStep, classes, trainVideos, testVideos } = run.finetune;
  const test = run.testAccuracy;
  return [
    ['fine-tune of', `${run.parentRunId === null ? 'a deleted run' : `run ${run.parentRunId}`}, ${parentCheckpointLabel(parentCheckpointStep)}`],
    ['fine-tune split', `seeded (seed ${config.split.seed}, test fraction ${config.split.testFraction}): ${trainVideos} train, ${testVideos} test videos, ${classes.length} classes`],
    ['test top-1', percent(test?.top1)],
    ['test top-5', test && test.top5 !== null ? percent(test.top5) : 'n/a'],
    ['test clips per video', String(test?.clips ?? config.testClips)],
  ];
}

function reportRun(detail: RunDetail): ReportRun {
  const { run } = detail;
  const train = detail.metrics.filter((point) => point.split === 'train');
  const validation = detail.metrics.filter((point) => point.split === 'validation');
  const health = assessRunHealth({ config: run.config, train, validation, probes: detail.probes, baseline: runBaseline(run) });
  return {
    id: run.id,
    title: runTitle(detail),
    status: run.status,
    note: run.note,
    settings: [
      ['preset', presetOf(run.config) ?? 'custom'],
      ...flatten(run.config),
      ['backend used', run.backend ?? 'none yet'],
      ['steps done', `${run.step} of ${run.totalSteps}`],
      ...finetuneSettings(run),
      ['created', run.createdAt],
    ],
    chart: chartModel({ train, validation, totalSteps: run.totalSteps, width: CHART_WIDTH, baseline: runBaseline(run) }),
    health: health.summary,
  };
}

function reportMap(set: FeatureSetDto, map: EmbeddingMap): ReportMap {
  const place = fitToBox(map.points, MAP_BOX);
  const colours = labelColours(map.points.map((point) => point.label));
  const counts = new Map<string | null, number>();
  for (const point of map.points) counts.set(point.label, (counts.get(point.label) ?? 0) + 1);
  return {
    setId: set.id,
    title: set.name,
    protocol: `${set.protocol}, ${set.inputSize} px, ${set.clipsPerVideo} clips`,
    projection: map.projection,
    width: MAP_BOX.width,
    height: MAP_BOX.height,
    dots: map.points.map((point) => ({ ...place(point), colour: colours.get(point.label) as string, title: `${point.fileName} (${point.label ?? 'no label'})` })),
    legend: [...colours]
      .sort(([a], [b]) => (a ?? '\uffff').localeCompare(b ?? '\uffff'))
      .map(([label, colour]) => ({ label: label ?? 'no label', colour, count: counts.get(label) ?? 0 })),
  };
}

/** Single-quoted for a POSIX shell. */
export const shellQuote = (text: string): string => (/^[\w./:=@-]+$/.test(text) ? text : `'${text.replaceAll("'", `'\\''`)}'`);

/** `--run …` naming the weights of a set, as `pretext extract` and `eval` take them. */
function sourceFlags(set: FeatureSetDto): string {
  if (set.source.kind === 'run') return `--run ${set.source.runId} --checkpoint auto`;
  const like = set.source.runId === null ? `--task ${set.task} --backbone ${set.backbone}` : `--like ${set.source.runId}`;
  return `--run random ${like} --seed ${set.source.seed}`;
}

function reproduce(inputs: ReportInputs): string[] {
  const library = `--library ${shellQuote(inputs.library.path)}`;
  const { seed, testFraction, testListText } = inputs.request;
  const split = `--split-seed ${seed} --test-fraction ${testFraction}${testListText === undefined ? '' : ' --test-list testlist.txt'}`;
  const runs = inputs.runs.map(({ run }) => {
    const preset = presetOf(run.config);
    const flags = `--task ${run.task} --backbone ${run.backbone} --preset ${preset ?? 'tiny'} --steps ${run.config.steps} --seed ${run.seed} --backend ${run.config.backend}`;
    return `npx pretext train ${flags} ${library}   # run ${run.id}${preset ? '' : ': a custom config, see its settings above'}`;
  });
  const sets = inputs.sets.flatMap((set) => {
    const source = `${sourceFlags(set)} --protocol ${set.protocol}`;
    return [
      `npx pretext extract ${source} ${library}   # set ${set.id}`,
      ...['retrieval', 'knn', 'linear'].map((method) => `npx pretext eval ${source} --method ${method} ${split} ${library} --json`),
    ];
  });
  return [...runs, ...sets, `npx pretext report ${split} --projection ${inputs.request.projection} ${library} --out report.html`];
}

/** The report's content, from what the services answered. */
export function gatherReport(inputs: ReportInputs): ReportModel {
  const problems: string[] = [];
  const tables: ReportTable[] = [];
  const take = <T>(what: string, outcome: Outcome<T>, table: (value: T) => ReportTable) => {
    if (outcome.ok) tables.push(table(outcome.value));
    else problems.push(`${what}: ${outcome.error}`);
  };
  take('Retrieval', inputs.retrieval, retrievalTable);
  take('Weighted kNN', inputs.knn, classificationTable);
  take('Linear probe', inputs.linear, classificationTable);
  const setsById = new Map(inputs.sets.map((set) => [set.id, set]));
  const maps = inputs.maps.flatMap(({ setId, map }) => {
    const set = setsById.get(setId);
    if (!set) return [];
    if (!map.ok) {
      problems.push(`Embedding map of ${set.name}: ${map.error}`);
      return [];
    }
    return [reportMap(set, map.value)];
  });
  return {
    title: `Pretext Studio report: ${inputs.library.path.split(/[\\/]/).at(-1) ?? inputs.library.path}`,
    generatedAt: inputs.generatedAt,
    library: inputs.library,
    versions: inputs.versions,
    request: inputs.request,
    sets: inputs.sets.map((set) => ({ id: set.id, name: set.name, protocol: set.protocol, isRandomInit: set.source.kind === 'random' })),
    tables,
    runs: inputs.runs.map(reportRun),
    maps,
    problems,
    reproduce: reproduce(inputs),
  };
}
