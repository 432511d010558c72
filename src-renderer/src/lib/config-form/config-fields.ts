/**
 * A config as a generic form (a task config in Task preview, a training config with its task config
 * nested under `task` in Train): fields from the config object's keys and value types, immutable
 * edits by dotted path ("frameSize.width", "task.cropSize"), what differs from the preset, and the
 * schema's INVALID_INPUT issues mapped back onto fields. Pure; which task options are choices or
 * fixed, and their hints, come from the task registry.
 */
import { FIXED_OPTIONS, OPTION_CHOICES, OPTION_HINTS, type TaskConfig } from '@shared/tasks.ts';
import { toApiError } from '../api/result.ts';

/** A leaf value of a config, or a nested object of them (`frameSize`). */
export type ConfigValue = number | boolean | string | { readonly [key: string]: ConfigValue };
export type ConfigObject = { readonly [key: string]: ConfigValue };

export type FieldKind = 'number' | 'boolean' | 'enum' | 'text' | 'fixed';

export interface LeafField {
  kind: FieldKind;
  /** Dotted path from the config's root, e.g. "frameSize.width"; also the testid suffix. */
  path: string;
  key: string;
  label: string;
  value: number | boolean | string;
  /** For `enum`: the values to offer (the current one included). */
  options?: readonly string[];
  /** For `number`: 1 when the preset's value is whole, "any" otherwise. */
  step?: 1 | 'any';
  hint?: string;
}

export interface GroupField {
  kind: 'group';
  path: string;
  key: string;
  label: string;
  fields: FormField[];
  hint?: string;
}

export type FormField = LeafField | GroupField;

/** "motionTopFraction" → "Motion top fraction". */
export function humanize(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}

function isObject(value: unknown): value is ConfigObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** How a config object becomes a form; every option defaults to the Task preview's form of a task config. */
export interface FieldOptions {
  /**
   * Where the task config sits: "" when the config is one (preview), "task" inside a training config.
   * Its FIXED_OPTIONS are shown read-only.
   */
  taskPath?: string;
  /** Dotted paths left out of the form (edited by controls of their own). */
  omit?: readonly string[];
  /** Root keys to list first, in this order; the others follow in the config's order. */
  order?: readonly string[];
  /** Hints by dotted path or key, over the task options' own (OPTION_HINTS). */
  hints?: Readonly<Record<string, string>>;
  /** Labels by dotted path, over the humanized key. */
  labels?: Readonly<Record<string, string>>;
  /** Values offered by key, over the task options' own (OPTION_CHOICES). */
  choices?: Readonly<Record<string, readonly string[]>>;
}

/**
 * The form for `config`: one field per key, in the config's key order; nested objects become groups.
 * `preset` (the same task's preset) decides number steps: a whole preset value means whole numbers.
 */
export function configFields(
  config: TaskConfig | ConfigObject,
  preset?: TaskConfig | ConfigObject,
  options: FieldOptions = {},
): FormField[] {
  const root = config as ConfigObject;
  const order = options.order ?? [];
  const keys = [...order.filter((key) => Object.hasOwn(root, key)), ...Object.keys(root).filter((key) => !order.includes(key))];
  const ordered = Object.fromEntries(keys.map((key) => [key, root[key] as ConfigValue]));
  return fieldsOf(ordered, isObject(preset) ? (preset as ConfigObject) : undefined, '', {
    taskPath: options.taskPath ?? '',
    omit: new Set(options.omit ?? []),
    hints: { ...OPTION_HINTS, ...options.hints },
    labels: options.labels ?? {},
    choices: { ...OPTION_CHOICES, ...options.choices },
  });
}

interface Resolved {
  taskPath: string;
  omit: ReadonlySet<string>;
  hints: Readonly<Record<string, string>>;
  labels: Readonly<Record<string, string>>;
  choices: Readonly<Record<string, readonly string[]>>;
}

function fieldsOf(object: ConfigObject, preset: ConfigObject | undefined, prefix: string, options: Resolved): FormField[] {
  return Object.entries(object).flatMap(([key, value]): FormField[] => {
    const path = prefix ? `${prefix}.${key}` : key;
    if (options.omit.has(path)) return [];
    const label = options.labels[path] ?? humanize(key);
    const hint = options.hints[path] ?? options.hints[key];
    const base = { path, key, label, ...(hint ? { hint } : {}) };
    const presetValue = preset?.[key];
    if (isObject(value)) {
      return [{ ...base, kind: 'group', fields: fieldsOf(value, isObject(presetValue) ? presetValue : undefined, path, options) }];
    }
    if (prefix === options.taskPath && FIXED_OPTIONS.has(key)) return [{ ...base, kind: 'fixed', value }];
    if (typeof value === 'boolean') return [{ ...base, kind: 'boolean', value }];
    if (typeof value === 'number') {
      const reference = typeof presetValue === 'number' ? presetValue : value;
      return [{ ...base, kind: 'number', value, step: Number.isInteger(reference) ? 1 : 'any' }];
    }
    const choices = options.choices[key];
    if (choices) {
      const offered = choices.includes(value) ? choices : [...choices, value];
      return [{ ...base, kind: 'enum', value, options: offered }];
    }
    return [{ ...base, kind: 'text', value }];
  });
}

/** The value at a dotted path, or undefined. */
export function valueAt(config: TaskConfig | ConfigObject, path: string): ConfigValue | undefined {
  let current: ConfigValue | undefined = config as ConfigObject;
  for (const key of path.split('.')) {
    if (!isObject(current) || !Object.hasOwn(current, key)) return undefined;
    current = current[key];
  }
  return current;
}

/**
 * A copy of `config` with `path` set to `value`; the objects along the path are copied, the rest
 * shared. Only existing keys can be set (the form edits a preset's keys, it never adds one).
 */
export function withValue<C extends TaskConfig | ConfigObject>(config: C, path: string, value: number | boolean | string): C {
  const keys = path.split('.');
  const set = (object: ConfigObject, depth: number): ConfigObject => {
    const key = keys[depth] as string;
    if (!Object.hasOwn(object, key)) throw new RangeError(`The config has no field "${path}".`);
    const current = object[key] as ConfigValue;
    if (depth === keys.length - 1) {
      if (isObject(current)) throw new RangeError(`"${path}" is a group, not a value.`);
      return { ...object, [key]: value };
    }
    if (!isObject(current)) throw new RangeError(`The config has no field "${path}".`);
    return { ...object, [key]: set(current, depth + 1) };
  };
  return set(config as ConfigObject, 0) as C;
}

/** Dotted paths of the leaves that differ between two configs (keys of either). */
export function changedPaths(reference: TaskConfig | ConfigObject, config: TaskConfig | ConfigObject): string[] {
  const out: string[] = [];
  const walk = (a: ConfigValue | undefined, b: ConfigValue | undefined, path: string) => {
    if (isObject(a) && isObject(b)) {
      for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
        walk(a[key], b[key], path ? `${path}.${key}` : key);
      }
    } else if (!Object.is(a, b)) {
      out.push(path);
    }
  };
  walk(reference as ConfigObject, config as ConfigObject, '');
  return out;
}

/** A number typed in a field: null when empty or not a number. */
export function parseNumber(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  const value = Number(trimmed);
  return Number.isFinite(value) ? value : null;
}

/** Issues of an INVALID_INPUT error as the dispatcher sends them: `{ path: "config.cropSize", message }`. */
interface Issue {
  path: string;
  message: string;
}

function isIssue(value: unknown): value is Issue {
  return isObject(value) && typeof value.path === 'string' && typeof value.message === 'string';
}

/**
 * The config fields an INVALID_INPUT error blames, by dotted path below `config`, with the schema's
 * message; empty for any other error. Several issues on one field are joined.
 */
export function fieldErrorsFrom(error: unknown, prefix = 'config'): Record<string, string> {
  const apiError = toApiError(error);
  if (apiError.code !== 'INVALID_INPUT' || !Array.isArray(apiError.details)) return {};
  const out: Record<string, string> = {};
  for (const issue of apiError.details) {
    if (!isIssue(issue) || !issue.path.startsWith(`${prefix}.`)) continue;
    const path = issue.path.slice(prefix.length + 1);
    out[path] = out[path] ? `${out[path]}; ${issue.message}` : issue.message;
  }
  return out;
}
