import type { AppInfo } from '@shared/dto.ts';
import { CompareState } from '../evaluate/compare-state.svelte.ts';
import { EvaluateState } from '../evaluate/evaluate-state.svelte.ts';
import { ImportState } from '../import/import-state.svelte.ts';
import type { ApiTransport } from '../lib/api/create-api.ts';
import { FeatureSetsState } from '../lib/feature-sets/feature-sets-state.svelte.ts';
import { Notices } from '../lib/notices/notices.svelte.ts';
import { LibraryState } from '../lib/videos/library-state.svelte.ts';
import { PreviewState } from '../preview/preview-state.svelte.ts';
import { RetrieveState } from '../retrieve/retrieve-state.svelte.ts';
import { TrainState } from '../train/train-state.svelte.ts';
import type { ScreenId } from './screens.ts';

/** Wires the feature states to one transport; the only place that knows them all. */
export class AppState {
  readonly transport: ApiTransport;
  readonly notices: Notices;
  readonly library: LibraryState;
  readonly importer: ImportState;
  readonly preview: PreviewState;
  readonly train: TrainState;
  /** The library's feature sets, shared by Retrieve and Evaluate. */
  readonly features: FeatureSetsState;
  readonly retrieve: RetrieveState;
  readonly evaluate: EvaluateState;
  readonly compare: CompareState;
  screen = $state<ScreenId>('library');
  appInfo = $state<AppInfo | null>(null);
  /** Libraries opened before, most recent first (the library chooser offers them). */
  recentLibraries = $state.raw<readonly string[]>([]);
  /** The library the import panel was loaded for. */
  #importerLibrary: string | null = null;

  constructor(transport: ApiTransport, notices: Notices = new Notices()) {
    this.transport = transport;
    this.notices = notices;
    // Each screen's errors show on that screen only, so they do not follow the user around.
    this.library = new LibraryState(transport.api, notices.for('library'));
    this.importer = new ImportState(transport.api, notices.for('library'), {
      onFinished: () => void this.library.reload(),
    });
    this.preview = new PreviewState(transport.api, notices.for('preview'));
    this.train = new TrainState(transport.api, notices.for('train'));
    this.features = new FeatureSetsState(transport.api, notices.for('retrieve', 'evaluate'));
    this.retrieve = new RetrieveState(transport.api, notices.for('retrieve'), { sets: this.features, runs: this.train.runs });
    this.evaluate = new EvaluateState(transport.api, notices.for('evaluate'), { sets: this.features });
    this.compare = new CompareState(transport.api, notices.for('compare'), { sets: this.features });
  }

  /** Loads what the first screen needs and subscribes to events; returns the teardown. */
  start(): () => void {
    void this.#loadAppInfo();
    void this.loadRecentLibraries();
    // From the start: a run keeps training, and features keep extracting (and reporting), while other screens are shown.
    this.train.listen();
    this.features.listen();
    this.retrieve.listen();
    void this.library.start().then(() => {
      if (this.library.info) void this.#startImporter(this.library.info.path);
    });
    // A library opened elsewhere (CLI, another window): the import panel follows it.
    const off = this.transport.api.on('library.changed', (info) => {
      if (info.path !== this.#importerLibrary) void this.#startImporter(info.path);
    });
    return () => {
      off();
      this.library.dispose();
      this.importer.dispose();
      this.preview.dispose();
      this.train.dispose();
      this.features.dispose();
      this.retrieve.dispose();
    };
  }

  /** Shows the neighbours of a video in a feature set on the Retrieve screen (from the embedding map). */
  openInRetrieve(videoId: number, setId: number): void {
    this.screen = 'retrieve';
    void this.retrieve.selectSet(setId);
    void this.retrieve.selectQueryById(videoId);
  }

  /** Opens or creates a library; the import panel (which needs one) then loads its jobs. */
  async openLibrary(path: string, create: boolean): Promise<boolean> {
    const opened = await this.library.open(path, create);
    if (opened && this.library.info) await this.#startImporter(this.library.info.path);
    void this.loadRecentLibraries();
    return opened;
  }

  async loadRecentLibraries(): Promise<void> {
    try {
      this.recentLibraries = await this.transport.api.call('library.recent', {});
    } catch (error) {
      this.notices.report(error, 'Read recent libraries', ['library']);
    }
  }

  async #startImporter(libraryPath: string): Promise<void> {
    if (this.#importerLibrary !== null && this.#importerLibrary !== libraryPath) this.importer.reset();
    this.#importerLibrary = libraryPath;
    await this.importer.start();
  }

  async #loadAppInfo(): Promise<void> {
    try {
      this.appInfo = await this.transport.api.call('app.info', {});
    } catch (error) {
      this.notices.report(error, 'Read app info');
    }
  }
}
