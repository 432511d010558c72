import type { PretextApi } from '@shared/contract.ts';
import { downloadBase64 } from '../lib/download.ts';
import type { ErrorSink } from '../lib/notices/notices.svelte.ts';

const CONTEXT = 'Export for FiftyOne';

/**
 * "Export for FiftyOne" on the Evaluate screen: the chosen feature set, the call, and what came of
 * it. The main side picks where the files go (the desktop app's folder dialog); in a browser they
 * come back as an archive, downloaded here.
 */
export class FiftyOneExportState {
  setId = $state<number | null>(null);
  exporting = $state(false);
  /** What the last export did, in words; null before one, or after a dismissed dialog. */
  done = $state<string | null>(null);

  readonly #api: PretextApi;
  readonly #errors: ErrorSink;
  readonly #download: typeof downloadBase64;

  constructor(api: PretextApi, errors: ErrorSink, download: typeof downloadBase64 = downloadBase64) {
    this.#api = api;
    this.#errors = errors;
    this.#download = download;
  }

  get canExport(): boolean {
    return this.setId !== null && !this.exporting;
  }

  /** Exports the chosen set with the retrieval of the split the screen evaluates. */
  async export(split: { seed: number; testFraction: number }): Promise<void> {
    if (this.setId === null || this.exporting) return;
    this.exporting = true;
    this.done = null;
    try {
      const result = await this.#api.call('features.exportFiftyOne', { setId: this.setId, ...split });
      if (result.kind === 'archive') {
        this.#download(result.fileName, result.base64, 'application/x-tar');
        this.done = `Downloaded ${result.fileName}: ${result.videos} videos; unpack it and run load_fiftyone.py inside.`;
      } else if (result.kind === 'folder') {
        this.done = `Wrote ${result.videos} videos to ${result.folder}; run load_fiftyone.py there.`;
      }
      this.#errors.resolve(CONTEXT);
    } catch (error) {
      this.#errors.report(error, CONTEXT);
    } finally {
      this.exporting = false;
    }
  }
}
