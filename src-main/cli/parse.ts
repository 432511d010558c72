import { CliError } from './context.ts';

/** One of `choices`, or `fallback` when the flag is absent; a clear error otherwise. */
export function parseChoice<T extends string>(value: string | undefined, choices: readonly T[], flag: string, fallback?: T): T {
  if (value === undefined && fallback !== undefined) return fallback;
  if (value !== undefined && (choices as readonly string[]).includes(value)) return value as T;
  throw new CliError(`${flag} must be one of ${choices.join(', ')}${value === undefined ? '' : `, got "${value}"`}.`);
}

export function parseInteger(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (!Number.isInteger(number) || number < 0) throw new CliError(`${flag} must be a whole number ≥ 0, got "${value}".`);
  return number;
}

export function parseNumber(value: string | undefined, flag: string): number | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  if (value.trim() === '' || !Number.isFinite(number)) throw new CliError(`${flag} must be a number, got "${value}".`);
  return number;
}
