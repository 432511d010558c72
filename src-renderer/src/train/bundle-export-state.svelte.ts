import type { PretextApi } from '@shared/contract.ts';
import type { ExportedBundle, RunDto } from '@shared/dto.ts';
import type { ErrorSink } from '../lib/notices/notices.svelte.ts';

const CONTEXT = 'Export for PyTorch';

/** "Export for PyTorch" on a run: the folder typed by the user, the call, and what it wrote. */
export class BundleExportState {
  folder = $state('');
  exporting = $state(false);
  /** The last bundle written, with the run it came from. */
  exported = $state.raw<(ExportedBundle & { runId: number }) | null>(null);

  readonly #api: PretextApi;
  readonly #errors: ErrorSink;

  constructor(api: PretextApi, errors: ErrorSink) {
    this.#api = api;
    this.#errors = errors;
  }

  canExport(): boolean {
    return !this.exporting && this.folder.trim() !== '';
  }

  async export(run: RunDto): Promise<void> {
    if (!this.canExport()) return;
    this.exporting = true;
    try {
      const bundle = await this.#api.call('training.exportBundle', { runId: run.id, folder: this.folder.trim() });
      this.exported = { ...bundle, runId: run.id };
      this.#errors.resolve(CONTEXT);
    } catch (error) {
      this.#errors.report(error, CONTEXT);
    } finally {
      this.exporting = false;
    }
  }
}
