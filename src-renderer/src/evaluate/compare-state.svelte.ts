import type { PretextApi } from '@shared/contract.ts';
import type {
  ClassificationTable,
  Classifier,
  EmbeddingMap,
  EmbeddingPoint,
  EvaluationTable,
  FeatureSetDto,
  RetrievalResult,
  RunDetail,
  RunDto,
} from '@shared/dto.ts';
import { seriesColour } from '@shared/charts/map-scale.ts';
import type { RunCurve } from '@shared/charts/run-curves.ts';
import { alignByKey } from '@shared/procrustes.ts';
import type { FeatureSetsState } from '../lib/feature-sets/feature-sets-state.svelte.ts';
import { LatestRequest } from '../lib/latest-request.ts';
import type { ErrorSink } from '../lib/notices/notices.svelte.ts';

export const COMPARE_RUNS_CONTEXT = 'Compare runs';

/** A chosen run with what the comparison shows of it. */
export interface ComparedRun {
  run: RunDto;
  colour: string;
  /** The run's newest feature set with vectors; null when it has none yet. */
  set: FeatureSetDto | null;
}

/** A run's embedding map laid over the first run's (Procrustes over the videos both hold). */
export interface AlignedMap {
  runId: number;
  map: EmbeddingMap;
  /** Videos shared with the first run's map (the alignment's support). */
  shared: number;
}

/** A compared run's finished fine-tune (from its encoder or, the baseline, from random init). */
export interface ComparedFinetune {
  parent: ComparedRun;
  run: RunDto;
  /** Fine-tuned from the run's network at random init rather than its trained encoder. */
  fromScratch: boolean;
}

/** A run's title in the comparison: its name, or its number. */
export const runTitle = (run: RunDto): string => run.name ?? `Run ${run.id}`;

/**
 * The Compare view of Evaluate: two or more runs side by side — their curves, one evaluation table
 * with the random-init baselines, one query's neighbours per run, and their maps aligned.
 */
export class CompareState {
  readonly sets: FeatureSetsState;
  runs = $state.raw<readonly RunDto[]>([]);
  /** Chosen run ids, in the order chosen (the first is the maps' reference). */
  chosen = $state.raw<readonly number[]>([]);
  details = $state.raw<readonly RunDetail[]>([]);
  table = $state.raw<EvaluationTable | null>(null);
  classification = $state.raw<ClassificationTable | null>(null);
  /** The linear probe over the same sets, asked for separately: it trains a classifier per set. */
  linear = $state.raw<ClassificationTable | null>(null);
  evaluating = $state(false);
  probing = $state(false);
  queryVideoId = $state<number | null>(null);
  neighbours = $state.raw<readonly RetrievalResult[]>([]);
  maps = $state.raw<readonly EmbeddingMap[]>([]);
  /** The video under the pointer on any map: highlighted on all. */
  hovered = $state<number | null>(null);

  readonly compared = $derived.by<ComparedRun[]>(() =>
    this.chosen.flatMap((id, i) => {
      const run = this.runs.find((r) => r.id === id);
      if (!run) return [];
      const own = this.sets.searchable.filter((set) => set.source.kind === 'run' && set.source.runId === id);
      return [{ run, colour: seriesColour(i), set: own.at(-1) ?? null }];
    }),
  );
  /** Pretext runs, the ones to pick (a fine-tune run shows under its parent). */
  readonly pickable = $derived(this.runs.filter((run) => run.kind === 'pretext'));
  /** The compared runs' tested fine-tunes, each run's in the order they were made. */
  readonly finetunes = $derived.by<ComparedFinetune[]>(() =>
    this.compared.flatMap((parent) =>
      this.runs
        .filter((run) => run.kind === 'finetune' && run.parentRunId === parent.run.id && run.testAccuracy !== null)
        .sort((a, b) => a.id - b.id)
        .map((run) => ({ parent, run, fromScratch: run.finetune?.parentCheckpointStep === null })),
    ),
  );
  /** The chosen runs' sets plus every random-init set: what the table scores. */
  readonly setIds = $derived.by<number[]>(() => [
    ...this.compared.flatMap((c) => (c.set ? [c.set.id] : [])),
    ...this.sets.searchable.filter((set) => set.source.kind === 'random').map((set) => set.id),
  ]);
  readonly curves = $derived.by<RunCurve[]>(() =>
    this.compared.map(({ run, colour }) => ({
      runId: run.id,
      name: runTitle(run),
      colour,
      points: this.details.find((detail) => detail.run.id === run.id)?.metrics ?? [],
      totalSteps: run.totalSteps,
    })),
  );
  /** Each map laid over the first one's. */
  readonly aligned = $derived.by<AlignedMap[]>(() => {
    const [reference] = this.maps;
    if (!reference) return [];
    return this.maps.map((map) => {
      const runId = this.compared.find((c) => c.set?.id === map.setId)?.run.id ?? 0;
      if (map === reference) return { runId, map, shared: map.points.length };
      const { points, shared } = alignByKey<EmbeddingPoint>(reference.points, map.points, (p) => p.videoId);
      return { runId, map: { ...map, points }, shared };
    });
  });
  /** Videos every compared map holds: the queries the neighbours may use. */
  readonly queryChoices = $derived.by<EmbeddingPoint[]>(() => {
    const [first, ...rest] = this.maps;
    if (!first) return [];
    return first.points.filter((p) => rest.every((map) => map.points.some((q) => q.videoId === p.videoId)));
  });
  readonly canEvaluate = $derived(this.compared.length >= 2 && this.setIds.length > 0 && !this.evaluating);

  readonly #api: PretextApi;
  readonly #errors: ErrorSink;
  readonly #runsRequest = new LatestRequest();
  readonly #detailsRequest = new LatestRequest();
  readonly #tableRequest = new LatestRequest();
  readonly #linearRequest = new LatestRequest();
  readonly #queryRequest = new LatestRequest();
  readonly #mapsRequest = new LatestRequest();

  constructor(api: PretextApi, errors: ErrorSink, shared: { sets: FeatureSetsState }) {
    this.#api = api;
    this.#errors = errors;
    this.sets = shared.sets;
  }

  /** The view is shown: the runs and the sets, fresh. */
  async activate(libraryPath: string | null): Promise<void> {
    await Promise.all([this.sets.activate(libraryPath), this.#loadRuns()]);
  }

  async #loadRuns(): Promise<void> {
    await this.#runsRequest.run(() => this.#api.call('training.runs', {}), {
      ok: (runs) => {
        this.runs = runs;
        this.chosen = this.chosen.filter((id) => runs.some((run) => run.id === id));
      },
      failed: (error) => this.#errors.report(error, COMPARE_RUNS_CONTEXT),
    });
  }

  isChosen(runId: number): boolean {
    return this.chosen.includes(runId);
  }

  /** Adds or removes a run; the curves and maps follow, the tables wait for Evaluate. */
  async toggleRun(runId: number): Promise<void> {
    this.chosen = this.isChosen(runId) ? this.chosen.filter((id) => id !== runId) : [...this.chosen, runId];
    this.table = null;
    this.classification = null;
    this.linear = null;
    await Promise.all([this.#loadDetails(), this.#loadMaps()]);
  }

  async #loadDetails(): Promise<void> {
    const ids = [...this.chosen];
    await this.#detailsRequest.run(() => Promise.all(ids.map((runId) => this.#api.call('training.run', { runId }))), {
      ok: (details) => {
        this.details = details;
      },
      failed: (error) => this.#errors.report(error, COMPARE_RUNS_CONTEXT),
    });
  }

  async #loadMaps(): Promise<void> {
    const setIds = this.compared.flatMap((c) => (c.set ? [c.set.id] : []));
    await this.#mapsRequest.run(() => Promise.all(setIds.map((setId) => this.#api.call('evaluation.map', { setId }))), {
      ok: async (maps) => {
        this.maps = maps;
        const first = this.queryChoices[0];
        if (first && !this.queryChoices.some((p) => p.videoId === this.queryVideoId)) await this.query(first.videoId);
        else if (this.queryVideoId !== null) await this.query(this.queryVideoId);
      },
      failed: (error) => this.#errors.report(error, COMPARE_RUNS_CONTEXT),
    });
  }

  /** One table over the compared sets and the baselines: top-k retrieval, then the kNN classifier. */
  async evaluate(method: Classifier = 'knn'): Promise<void> {
    if (!this.canEvaluate) return;
    const setIds = [...this.setIds];
    this.evaluating = true;
    await this.#tableRequest.run(
      () => Promise.all([this.#api.call('evaluation.table', { setIds }), this.#api.call('evaluation.classify', { setIds, method })]),
      {
        ok: ([table, classification]) => {
          this.table = table;
          this.classification = classification;
          this.#errors.resolve(COMPARE_RUNS_CONTEXT);
        },
        failed: (error) => this.#errors.report(error, COMPARE_RUNS_CONTEXT),
        settled: () => {
          this.evaluating = false;
        },
      },
    );
  }

  /** Adds the linear probe of the compared sets and baselines to the evaluation (after `evaluate`). */
  async linearProbe(): Promise<void> {
    if (!this.canEvaluate || this.probing) return;
    const setIds = [...this.setIds];
    this.probing = true;
    await this.#linearRequest.run(() => this.#api.call('evaluation.classify', { setIds, method: 'linear' }), {
      ok: (table) => {
        // Runs picked or dropped while it trained: the table no longer matches, so it is not shown.
        if (setIds.join() === this.setIds.join()) this.linear = table;
        this.#errors.resolve(COMPARE_RUNS_CONTEXT);
      },
      failed: (error) => this.#errors.report(error, COMPARE_RUNS_CONTEXT),
      settled: () => {
        this.probing = false;
      },
    });
  }

  /** The same query video's neighbours in each compared run's set. */
  async query(videoId: number): Promise<void> {
    this.queryVideoId = videoId;
    const setIds = this.compared.flatMap((c) => (c.set ? [c.set.id] : []));
    await this.#queryRequest.run(() => Promise.all(setIds.map((setId) => this.#api.call('retrieval.query', { setId, videoId, k: 5 }))), {
      ok: (results) => {
        this.neighbours = results;
      },
      failed: (error) => this.#errors.report(error, COMPARE_RUNS_CONTEXT),
    });
  }

  /** Extracts a run's features (a run without a set cannot be compared beyond its curves). */
  async extract(runId: number): Promise<void> {
    const set = await this.sets.extract({ kind: 'run', runId });
    if (!set) return;
    const stop = this.sets.onFinished((finished) => {
      if (finished.id !== set.id) return;
      stop();
      void this.#loadMaps();
    });
  }
}
