import { describe, expect, it } from 'vitest';
import {
  canonicalOrder,
  compareLexicographic,
  factorial,
  orderClassCount,
  orderClassMembers,
  orderClassOf,
  permutationFromRank,
  permutationRank,
  permutations,
} from './permutations.ts';

describe('permutations', () => {
  it('lists n! distinct orders in lexicographic order', () => {
    for (let n = 1; n <= 6; n++) {
      const all = permutations(n);
      expect(all).toHaveLength(factorial(n));
      expect(new Set(all.map((p) => p.join())).size).toBe(all.length);
      for (let i = 1; i < all.length; i++) {
        expect(compareLexicographic(all[i - 1]!, all[i]!)).toBeLessThan(0);
      }
    }
    expect(permutations(3)).toEqual([
      [0, 1, 2],
      [0, 2, 1],
      [1, 0, 2],
      [1, 2, 0],
      [2, 0, 1],
      [2, 1, 0],
    ]);
  });

  it('round-trips rank ↔ permutation', () => {
    for (let n = 1; n <= 6; n++) {
      permutations(n).forEach((p, rank) => {
        expect(permutationRank(p)).toBe(rank);
        expect(permutationFromRank(n, rank)).toEqual(p);
      });
    }
  });

  it('rejects non-permutations and out-of-range ranks', () => {
    expect(() => permutationRank([0, 0, 1])).toThrow(RangeError);
    expect(() => permutationRank([1, 2, 3])).toThrow(RangeError);
    expect(() => permutationFromRank(3, 6)).toThrow(RangeError);
    expect(() => permutations(0)).toThrow(RangeError);
    expect(() => permutations(9)).toThrow(RangeError);
  });

});

describe('OPN order classes', () => {
  const orders = permutations(4);

  it('folds the 24 orders of 4 frames into 12 classes', () => {
    expect(orderClassCount(4)).toBe(12);
    const classes = orders.map(orderClassOf);
    expect(new Set(classes)).toEqual(new Set(Array.from({ length: 12 }, (_, i) => i)));
  });

  it('puts exactly an order and its reverse in each class', () => {
    for (let classIndex = 0; classIndex < 12; classIndex++) {
      const members = orders.filter((p) => orderClassOf(p) === classIndex);
      expect(members).toHaveLength(2);
      expect(members[1]).toEqual(members[0]!.slice().reverse());
      expect(orderClassMembers(4, classIndex)).toEqual(expect.arrayContaining(members));
      expect(orderClassMembers(4, classIndex)[0]).toEqual(canonicalOrder(members[0]!));
    }
  });

  it('numbers classes by their canonical (lexicographically smaller) order', () => {
    expect(orderClassOf([0, 1, 2, 3])).toBe(0);
    expect(orderClassOf([3, 2, 1, 0])).toBe(0);
    expect(canonicalOrder([3, 1, 2, 0])).toEqual([0, 2, 1, 3]);
    const canonicals = Array.from({ length: 12 }, (_, c) => orderClassMembers(4, c)[0]!);
    for (let i = 1; i < canonicals.length; i++) {
      expect(compareLexicographic(canonicals[i - 1]!, canonicals[i]!)).toBeLessThan(0);
    }
  });

  it('decodes every class back to orders that encode to it', () => {
    for (let n = 1; n <= 5; n++) {
      for (let c = 0; c < orderClassCount(n); c++) {
        for (const member of orderClassMembers(n, c)) expect(orderClassOf(member)).toBe(c);
      }
    }
    expect(() => orderClassMembers(4, 12)).toThrow(RangeError);
  });
});
