import { describe, expect, it } from 'vitest';
import { freezeDeep, toJson } from './frozen.ts';

describe('freezeDeep', () => {
  it('freezes a value and everything inside it', () => {
    const value = freezeDeep({ items: [{ id: 1 }], total: 1 });
    expect(() => {
      (value.items[0] as { id: number }).id = 2;
    }).toThrow(TypeError);
    expect(() => value.items.push({ id: 3 })).toThrow(TypeError);
    expect(value).toEqual({ items: [{ id: 1 }], total: 1 });
  });
});

describe('toJson', () => {
  it('serialises a frozen value once and reuses the text', () => {
    const value = freezeDeep({ items: [{ id: 1 }] });
    const calls: unknown[] = [];
    const original = JSON.stringify;
    JSON.stringify = ((...args: Parameters<typeof JSON.stringify>) => (calls.push(args[0]), original(...args))) as typeof JSON.stringify;
    try {
      expect(toJson(value)).toBe('{"items":[{"id":1}]}');
      expect(toJson(value)).toBe('{"items":[{"id":1}]}');
    } finally {
      JSON.stringify = original;
    }
    expect(calls).toEqual([value]);
  });

  it('serialises values that were not frozen every time, so their changes show', () => {
    const value = { n: 1 };
    expect(toJson(value)).toBe('{"n":1}');
    value.n = 2;
    expect(toJson(value)).toBe('{"n":2}');
    expect(toJson(null)).toBe('null');
  });
});
