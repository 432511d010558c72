/** Values frozen by `freezeDeep`, whose JSON therefore never changes. */
const frozenValues = new WeakSet<object>();
const jsonOf = new WeakMap<object, string>();

/**
 * Freezes a value and everything it holds, so that one answer can be handed to every caller (a
 * memoised listing) without a copy per call: a caller that tries to change it gets a TypeError.
 */
export function freezeDeep<T>(value: T): T {
  if (typeof value !== 'object' || value === null || frozenValues.has(value)) return value;
  for (const child of Object.values(value)) freezeDeep(child);
  Object.freeze(value);
  frozenValues.add(value);
  return value;
}

/**
 * `JSON.stringify(value)`, computed once per value frozen by `freezeDeep`: twenty windows asking for
 * the same unchanged page of the grid are sent the same text, not twenty serialisations of it.
 */
export function toJson(value: unknown): string {
  if (typeof value !== 'object' || value === null || !frozenValues.has(value)) return JSON.stringify(value);
  let json = jsonOf.get(value);
  if (json === undefined) jsonOf.set(value, (json = JSON.stringify(value)));
  return json;
}
