import type { ErrorCode } from '@shared/errors.ts';
import { toApiError } from '../api/result.ts';

export interface Notice {
  id: number;
  /** What the user was doing, e.g. "Open library". */
  context: string;
  code: ErrorCode;
  message: string;
  /** How many times the same error repeated in a row. */
  repeats: number;
  /** The screens whose work failed (shown only there); null: shown on every screen. */
  screens: readonly string[] | null;
}

/** Where state classes send failures instead of swallowing them; `Notices` is the real one. */
export interface ErrorSink {
  report(error: unknown, context: string): void;
  /** The action named `context` has succeeded: its earlier errors are out of date. */
  resolve(context: string): void;
}

const MAX_NOTICES = 5;

/** The errors on screen. They stay until dismissed or until the same action succeeds. */
export class Notices implements ErrorSink {
  items = $state.raw<readonly Notice[]>([]);
  #nextId = 1;

  report(error: unknown, context: string, screens: readonly string[] | null = null): void {
    const { code, message } = toApiError(error);
    const last = this.items.at(-1);
    if (last && last.context === context && last.code === code && last.message === message) {
      this.items = [...this.items.slice(0, -1), { ...last, repeats: last.repeats + 1 }];
      return;
    }
    const notice: Notice = { id: this.#nextId++, context, code, message, repeats: 1, screens };
    this.items = [...this.items, notice].slice(-MAX_NOTICES);
  }

  /** A sink for the states of some screens: their errors show on those screens only. */
  for(...screens: string[]): ErrorSink {
    return {
      report: (error, context) => this.report(error, context, screens),
      resolve: (context) => this.resolve(context),
    };
  }

  /** The errors to show on `screen`. */
  on(screen: string): readonly Notice[] {
    return this.items.filter((notice) => notice.screens === null || notice.screens.includes(screen));
  }

  resolve(context: string): void {
    if (this.items.some((n) => n.context === context)) {
      this.items = this.items.filter((n) => n.context !== context);
    }
  }

  dismiss(id: number): void {
    this.items = this.items.filter((n) => n.id !== id);
  }

  /** Dismisses every error shown on `screen`. */
  dismissOn(screen: string): void {
    const shown = this.on(screen);
    this.items = this.items.filter((notice) => !shown.includes(notice));
  }

  clear(): void {
    this.items = [];
  }
}
