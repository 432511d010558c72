import type { MethodInput, PretextApi } from '@shared/contract.ts';
import { downloadText } from '../lib/download.ts';
import type { ErrorSink } from '../lib/notices/notices.svelte.ts';

const CONTEXT = 'Report';

/**
 * "Save report" on the Evaluate screen: the library's paper-style report on the split chosen here.
 * The main side picks where it goes (the desktop app's save dialog); in a browser the HTML comes back
 * and is downloaded here.
 */
export class ReportExportState {
  saving = $state(false);
  /** What the last report did, in words; null before one, or after a dismissed dialog. */
  done = $state<string | null>(null);

  readonly #api: PretextApi;
  readonly #errors: ErrorSink;
  readonly #download: typeof downloadText;

  constructor(api: PretextApi, errors: ErrorSink, download: typeof downloadText = downloadText) {
    this.#api = api;
    this.#errors = errors;
    this.#download = download;
  }

  async save(request: MethodInput<'evaluation.report'>): Promise<void> {
    if (this.saving) return;
    this.saving = true;
    this.done = null;
    try {
      const result = await this.#api.call('evaluation.report', request);
      if (result.kind === 'html') {
        this.#download(result.fileName, result.html, 'text/html');
        this.done = `Downloaded ${result.fileName}.`;
      } else if (result.kind === 'file') {
        this.done = `Saved the report to ${result.path}.`;
      }
      this.#errors.resolve(CONTEXT);
    } catch (error) {
      this.#errors.report(error, CONTEXT);
    } finally {
      this.saving = false;
    }
  }
}
