import type { PretextApi } from '../../../src-main/shared/contract.ts';
import type { ExportedBundle, RunDto } from '../../../src-main/shared/dto.ts';
import { BUNDLE_TASKS } from '../../../src-main/shared/training.ts';
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

  /** Why `run` cannot be exported, or null. */
  unsupported(run: RunDto): string | null {
    return BUNDLE_TASKS.includes(run.task) ? null : `PyTorch bundles implement ${BUNDLE_TASKS.join(', ')} so far.`;
  }

  canExport(run: RunDto): boolean {
    return !this.exporting && this.folder.trim() !== '' && this.unsupported(run) === null;
  }

  async export(run: RunDto): Promise<void> {
    if (!this.canExport(run)) return;
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
