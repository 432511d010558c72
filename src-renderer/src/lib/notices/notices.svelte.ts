import type { ErrorCode } from '../../../../src-main/shared/errors.ts';
import { toApiError } from '../api/result.ts';

export interface Notice {
  id: number;
  /** What the user was doing, e.g. "Open library". */
  context: string;
  code: ErrorCode;
  message: string;
  /** How many times the same error repeated in a row. */
  repeats: number;
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

  report(error: unknown, context: string): void {
    const { code, message } = toApiError(error);
    const last = this.items.at(-1);
    if (last && last.context === context && last.code === code && last.message === message) {
      this.items = [...this.items.slice(0, -1), { ...last, repeats: last.repeats + 1 }];
      return;
    }
    const notice: Notice = { id: this.#nextId++, context, code, message, repeats: 1 };
    this.items = [...this.items, notice].slice(-MAX_NOTICES);
  }

  resolve(context: string): void {
    if (this.items.some((n) => n.context === context)) {
      this.items = this.items.filter((n) => n.context !== context);
    }
  }

  dismiss(id: number): void {
    this.items = this.items.filter((n) => n.id !== id);
  }

  clear(): void {
    this.items = [];
  }
}
