// Opening a library from the shell (at start-up or from the menu) without ever crashing: when it
// fails, e.g. DB_TOO_NEW for a library written by a newer version, the user chooses what to do.
// Plain code: the dialogs come in as functions, so the flow is unit-tested.
import type { LibraryInfo } from '../shared/dto.ts';
import type { ApiErrorData } from '../shared/errors.ts';
import { toApiError } from '../core/api/dispatch.ts';

export type LibraryPurpose = 'open' | 'create';

/** What the user picked after a failure; 'give-up' keeps the current state (or no library). */
export type RecoveryChoice = 'open-other' | 'create-new' | 'give-up' | 'quit';

export interface LibraryTarget {
  path: string;
  create: boolean;
}

export interface LibraryOpener {
  /** Throws (an ApiError, usually) when the library cannot be opened. */
  open(target: LibraryTarget): LibraryInfo;
  askAfterFailure(path: string, error: ApiErrorData): Promise<RecoveryChoice>;
  /** A native file dialog; null when cancelled. */
  pickLibrary(purpose: LibraryPurpose): Promise<string | null>;
}

/** The library that was opened, null when the user gave up, or 'quit'. */
export type OpenOutcome = LibraryInfo | null | 'quit';

export async function openWithRecovery(first: LibraryTarget, opener: LibraryOpener): Promise<OpenOutcome> {
  let target = first;
  for (;;) {
    let failure: ApiErrorData;
    try {
      return opener.open(target);
    } catch (error) {
      failure = toApiError(error).toData();
    }
    const next = await chooseAnother(target.path, failure, opener);
    if (next === null || next === 'quit') return next;
    target = next;
  }
}

/** Asks until the user picks a library or stops; a cancelled file dialog asks again. */
async function chooseAnother(
  failedPath: string,
  failure: ApiErrorData,
  opener: LibraryOpener,
): Promise<LibraryTarget | null | 'quit'> {
  for (;;) {
    const choice = await opener.askAfterFailure(failedPath, failure);
    if (choice === 'quit') return 'quit';
    if (choice === 'give-up') return null;
    const create = choice === 'create-new';
    const path = await opener.pickLibrary(create ? 'create' : 'open');
    if (path !== null) return { path, create };
  }
}
