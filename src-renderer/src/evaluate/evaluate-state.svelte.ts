import type { MethodInput, PretextApi } from '@shared/contract.ts';
import {
  TEST_LIST_MAX_CHARS,
  type ClassificationTable,
  type Classifier,
  type EmbeddingMap,
  type EvaluationProgress,
  type EvaluationTable,
  type Projection,
} from '@shared/dto.ts';
import type { FeatureSetsState } from '../lib/feature-sets/feature-sets-state.svelte.ts';
import { LatestRequest } from '../lib/latest-request.ts';
import { FiftyOneExportState } from './fiftyone-export-state.svelte.ts';
import { ReportExportState } from './report-export-state.svelte.ts';
import { FinetuneState } from './finetune-state.svelte.ts';
import type { ErrorSink } from '../lib/notices/notices.svelte.ts';
import { normalizeSeed } from '../lib/seed.ts';

export const EVALUATE_CONTEXT = 'Evaluate feature sets';
export const MAP_CONTEXT = 'Draw embedding map';
export const CLASSIFY_CONTEXT = 'Classify with frozen features';
export const TEST_LIST_CONTEXT = 'Read the test list';

/** A test list the user chose: its file name (shown) and its text (sent; the API reads no files). */
export interface TestList {
  name: string;
  text: string;
}

/** The share of labelled videos held out as queries unless the user says otherwise (the backend's default). */
export const DEFAULT_TEST_FRACTION = 0.3;

/**
 * The Evaluate screen: top-k of the chosen feature sets on one split (seeded, or the user's test
 * list), and a 2D map of one set. Only the latest answer of each is shown.
 */
export class EvaluateState {
  readonly sets: FeatureSetsState;
  /** The sets the user ticked; null until they do (then every ready set counts). */
  chosen = $state.raw<readonly number[] | null>(null);
  seed = $state(0);
  testFraction = $state(DEFAULT_TEST_FRACTION);
  /** The chosen test list (UCF101 style); null for a seeded split. */
  testList = $state.raw<TestList | null>(null);
  table = $state.raw<EvaluationTable | null>(null);
  evaluating = $state(false);
  /** The latest kNN or linear-probe table, and the classifier now running with its progress. */
  classification = $state.raw<ClassificationTable | null>(null);
  classifying = $state<Classifier | null>(null);
  probeProgress = $state.raw<EvaluationProgress | null>(null);

  mapSetId = $state<number | null>(null);
  projection = $state<Projection>('pca');
  map = $state.raw<EmbeddingMap | null>(null);
  mapping = $state(false);

  /** The ids `evaluate` sends: the ticked sets that still have vectors. */
  readonly chosenIds = $derived.by<readonly number[]>(() =>
    this.chosen === null ? this.sets.ready.map((set) => set.id) : this.chosen.filter((id) => this.sets.byId(id)?.videoCount),
  );
  readonly canEvaluate = $derived(this.chosenIds.length > 0 && !this.evaluating);
  readonly canClassify = $derived(this.chosenIds.length > 0 && this.classifying === null);

  /** Export for FiftyOne, on the split chosen here. */
  readonly fiftyOne: FiftyOneExportState;
  /** The paper-style report, on the split and projection chosen here. */
  readonly report: ReportExportState;
  /** Fine-tuning a run on the seeded split chosen here. */
  readonly finetune: FinetuneState;

  readonly #api: PretextApi;
  readonly #errors: ErrorSink;
  readonly #tableRequest = new LatestRequest();
  readonly #classifyRequest = new LatestRequest();
  readonly #mapRequest = new LatestRequest();
  /** The library the results belong to; undefined before the first activation. */
  #library: string | null | undefined = undefined;

  constructor(api: PretextApi, errors: ErrorSink, shared: { sets: FeatureSetsState }) {
    this.#api = api;
    this.#errors = errors;
    this.sets = shared.sets;
    this.fiftyOne = new FiftyOneExportState(api, errors);
    this.report = new ReportExportState(api, errors);
    this.finetune = new FinetuneState(api, errors);
  }

  /** The screen is shown for `libraryPath`: reloads the sets and draws the newest ready one's map. */
  async activate(libraryPath: string | null): Promise<void> {
    if (this.#library !== undefined && libraryPath !== this.#library) this.#forgetLibrary();
    this.#library = libraryPath;
    await this.sets.activate(libraryPath);
    const newest = this.sets.ready.at(-1);
    if (this.mapSetId === null && newest) await this.selectMapSet(newest.id);
  }

  isChosen(setId: number): boolean {
    return this.chosenIds.includes(setId);
  }

  /** Ticks or unticks a set; the first change turns "every ready set" into an explicit choice. */
  toggleSet(setId: number): void {
    const current = this.chosenIds;
    this.chosen = current.includes(setId) ? current.filter((id) => id !== setId) : [...current, setId];
  }

  /** Uses a typed seed; anything that is not a number is refused (false). */
  setSeed(value: number): boolean {
    const seed = normalizeSeed(value);
    if (seed === null) return false;
    this.seed = seed;
    return true;
  }

  /** Uses a typed test fraction; it must lie strictly between 0 and 1 (false otherwise). */
  setTestFraction(value: number): boolean {
    if (!(value > 0 && value < 1)) return false;
    this.testFraction = value;
    return true;
  }

  /**
   * Reads a test list file the user picked (null clears the choice). A file over the contract's
   * limit is refused with a notice and the previous choice kept.
   */
  async chooseTestList(file: Pick<File, 'name' | 'size' | 'text'> | null): Promise<boolean> {
    if (file === null) {
      this.testList = null;
      return true;
    }
    try {
      // size is in bytes, the limit in characters: a file within it in bytes is within it in characters.
      if (file.size > TEST_LIST_MAX_CHARS) throw new Error(`${file.name} is too large for a test list (at most ${TEST_LIST_MAX_CHARS} bytes).`);
      const text = await file.text();
      if (text.trim() === '') throw new Error(`${file.name} is empty.`);
      this.testList = { name: file.name, text };
      this.#errors.resolve(TEST_LIST_CONTEXT);
      return true;
    } catch (error) {
      this.#errors.report(error, TEST_LIST_CONTEXT);
      return false;
    }
  }

  /** The split and sets every evaluation of the screen sends. */
  #splitInput(): Omit<MethodInput<'evaluation.table'>, 'ks'> {
    const input: Omit<MethodInput<'evaluation.table'>, 'ks'> = { seed: this.seed, testFraction: this.testFraction };
    // Left out by default, so sets finished meanwhile join as the backend lists them.
    if (this.chosen !== null) input.setIds = [...this.chosenIds];
    if (this.testList) input.testListText = this.testList.text;
    return input;
  }

  /** Scores the chosen sets with the weighted kNN classifier or the linear probe (progress from its worker). */
  async classify(method: Classifier): Promise<void> {
    if (!this.canClassify) return;
    const input = { ...this.#splitInput(), method };
    this.classifying = method;
    this.probeProgress = null;
    await this.#classifyRequest.run(
      async (isLatest) => {
        const stop = this.#api.on('evaluation.progress', (progress) => {
          if (isLatest()) this.probeProgress = progress;
        });
        try {
          return await this.#api.call('evaluation.classify', input);
        } finally {
          stop();
        }
      },
      {
        ok: (table) => {
          this.classification = table;
          this.#errors.resolve(CLASSIFY_CONTEXT);
        },
        failed: (error) => this.#errors.report(error, CLASSIFY_CONTEXT),
        settled: () => {
          this.classifying = null;
          this.probeProgress = null;
        },
      },
    );
  }

  /** Measures top-k for the chosen sets. */
  async evaluate(): Promise<void> {
    if (!this.canEvaluate) return;
    const input: MethodInput<'evaluation.table'> = this.#splitInput();
    this.evaluating = true;
    await this.#tableRequest.run(() => this.#api.call('evaluation.table', input), {
      ok: (table) => {
        this.table = table;
        this.#errors.resolve(EVALUATE_CONTEXT);
      },
      failed: (error) => this.#errors.report(error, EVALUATE_CONTEXT),
      settled: () => {
        this.evaluating = false;
      },
    });
  }

  selectMapSet(setId: number | null): Promise<void> {
    this.mapSetId = setId;
    return this.loadMap();
  }

  setProjection(projection: Projection): Promise<void> {
    if (projection === this.projection) return Promise.resolve();
    this.projection = projection;
    return this.loadMap();
  }

  /** Projects the map set's vectors to 2D. */
  async loadMap(): Promise<void> {
    const setId = this.mapSetId;
    if (setId === null) {
      this.#mapRequest.drop();
      this.map = null;
      this.mapping = false;
      return;
    }
    this.mapping = true;
    await this.#mapRequest.run(() => this.#api.call('evaluation.map', { setId, projection: this.projection }), {
      ok: (map) => {
        this.map = map;
        this.#errors.resolve(MAP_CONTEXT);
      },
      failed: (error) => this.#errors.report(error, MAP_CONTEXT),
      settled: () => {
        this.mapping = false;
      },
    });
  }

  #forgetLibrary(): void {
    this.#tableRequest.drop();
    this.#classifyRequest.drop();
    this.#mapRequest.drop();
    this.classification = null;
    this.classifying = null;
    this.probeProgress = null;
    this.chosen = null;
    this.testList = null;
    this.table = null;
    this.evaluating = false;
    this.mapSetId = null;
    this.map = null;
    this.mapping = false;
  }
}
