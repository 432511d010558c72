/**
 * The `training.backends` report read against the form's backend choice: which entry each choice
 * means (the report names what runs, e.g. "tfjs-node-gpu" for the `gpu` choice), which one `auto`
 * picks, and why each faster one is unavailable. Pure.
 */
import type { BackendReport } from '@shared/dto.ts';
import { describeAdapter } from '@shared/gpu-adapter.ts';
import type { BackendChoice } from '@shared/training.ts';

export type ConcreteChoice = Exclude<BackendChoice, 'auto'>;

/** Names a report may give each choice; the record type makes the compiler ask for every choice. */
export const REPORT_NAMES: Readonly<Record<ConcreteChoice, readonly string[]>> = {
  gpu: ['gpu', 'tfjs-node-gpu'],
  node: ['node', 'tfjs-node'],
  webgpu: ['webgpu'],
  wasm: ['wasm'],
  cpu: ['cpu'],
};

/** The choice a report entry stands for, or null for a name this UI does not know. */
export function choiceOf(name: string): ConcreteChoice | null {
  for (const [choice, names] of Object.entries(REPORT_NAMES) as [ConcreteChoice, readonly string[]][]) {
    if (names.includes(name)) return choice;
  }
  return null;
}

export interface BackendRow {
  name: string;
  choice: ConcreteChoice | null;
  available: boolean;
  /** What to know when it runs, or why it cannot. */
  note: string;
  /** What `auto` picks. */
  selected: boolean;
  /** Listed before the selected one (the report is fastest first) and unavailable. */
  fasterUnavailable: boolean;
  /** The form asks for this one explicitly. */
  requested: boolean;
  /** Runs here, but auto passes it by (a software GPU); the note says why. */
  autoSkips: boolean;
  /** The GPU adapter it uses, e.g. "mesa llvmpipe (software)", or null. */
  adapter: string | null;
}

export function backendRows(report: BackendReport, choice: BackendChoice): BackendRow[] {
  const selectedIndex = report.backends.findIndex((b) => b.name === report.selected);
  return report.backends.map((backend, index) => {
    const rowChoice = choiceOf(backend.name);
    return {
      name: backend.name,
      choice: rowChoice,
      available: backend.available,
      note: backend.note,
      selected: backend.name === report.selected,
      fasterUnavailable: !backend.available && selectedIndex >= 0 && index < selectedIndex,
      requested: choice !== 'auto' && rowChoice === choice,
      autoSkips: backend.autoSkips !== undefined,
      adapter: backend.adapter ? describeAdapter(backend.adapter) : null,
    };
  });
}

/** Why an explicitly chosen backend will not run here; null for `auto`, an available or an unknown one. */
export function choiceProblem(report: BackendReport, choice: BackendChoice): string | null {
  if (choice === 'auto') return null;
  const row = backendRows(report, choice).find((r) => r.requested);
  return row && !row.available ? row.note : null;
}
