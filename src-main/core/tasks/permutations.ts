/**
 * Permutations as the labels of the ordering tasks. A permutation `p` of n is an array holding
 * 0..n-1 once each; in a tuple, presented element i is the item whose true (temporal) rank is p[i].
 * Ranks follow lexicographic order, the order `permutations(n)` lists them in.
 */
import { factorial, orderClassCount } from '../../shared/tasks/common.ts';

// The task records count their classes with these; the tables below build on them.
export { factorial, orderClassCount };

export type Permutation = readonly number[];

// 8! = 40 320 orders; no task needs more and a cap keeps table sizes sane.
const MAX_ITEMS = 8;

/** All permutations of 0..n-1, in lexicographic order. */
export function permutations(n: number): number[][] {
  assertItemCount(n);
  return Array.from({ length: factorial(n) }, (_, rank) => permutationFromRank(n, rank));
}

/** The lexicographic rank of `p` (its Lehmer code read as a factorial-base number). */
export function permutationRank(p: Permutation): number {
  assertPermutation(p);
  let rank = 0;
  for (let i = 0; i < p.length; i++) {
    const value = p[i] as number;
    const smallerLater = p.slice(i + 1).filter((later) => later < value).length;
    rank += smallerLater * factorial(p.length - 1 - i);
  }
  return rank;
}

/** The permutation of 0..n-1 with lexicographic rank `rank`. */
export function permutationFromRank(n: number, rank: number): number[] {
  assertItemCount(n);
  if (!Number.isInteger(rank) || rank < 0 || rank >= factorial(n)) {
    throw new RangeError(`rank ${rank} is outside [0, ${factorial(n)}) for n = ${n}`);
  }
  const unused = Array.from({ length: n }, (_, i) => i);
  const result: number[] = [];
  let rest = rank;
  for (let i = n - 1; i >= 0; i--) {
    const block = factorial(i);
    result.push(unused.splice(Math.floor(rest / block), 1)[0] as number);
    rest %= block;
  }
  return result;
}

/** Negative, zero or positive as `p` sorts before, with, or after `q` lexicographically. */
export function compareLexicographic(p: Permutation, q: Permutation): number {
  for (let i = 0; i < Math.min(p.length, q.length); i++) {
    const difference = (p[i] as number) - (q[i] as number);
    if (difference !== 0) return difference;
  }
  return p.length - q.length;
}

/**
 * OPN merges an order with its reverse (playing a tuple backwards is often just as plausible), so a
 * class is represented by the lexicographically smaller of the two.
 */
export function canonicalOrder(p: Permutation): number[] {
  const reversed = p.slice().reverse();
  return compareLexicographic(p, reversed) <= 0 ? p.slice() : reversed;
}

/** The class of `p`: the position of its canonical order among all canonical orders, sorted. */
export function orderClassOf(p: Permutation): number {
  assertPermutation(p);
  return classTable(p.length).classOfRank[permutationRank(p)] as number;
}

/** The orders of one class: the canonical one and, for n ≥ 2, its reverse. */
export function orderClassMembers(n: number, classIndex: number): number[][] {
  const canonical = classTable(n).canonicalOfClass[classIndex];
  if (canonical === undefined) {
    throw new RangeError(`class ${classIndex} is outside [0, ${orderClassCount(n)}) for n = ${n}`);
  }
  const order = permutationFromRank(n, canonical);
  return n < 2 ? [order] : [order, order.slice().reverse()];
}

interface ClassTable {
  /** Class index of each permutation rank. */
  classOfRank: Int32Array;
  /** Rank of the canonical order of each class, ascending. */
  canonicalOfClass: number[];
}

// Tables are pure functions of n; building one per call would make orderClassOf O(n!·n).
const classTables = new Map<number, ClassTable>();

function classTable(n: number): ClassTable {
  const cached = classTables.get(n);
  if (cached) return cached;
  const canonicalRanks = permutations(n).map((p) => permutationRank(canonicalOrder(p)));
  // Lexicographic rank order equals lexicographic order, so sorted ranks give the class numbering.
  const canonicalOfClass = [...new Set(canonicalRanks)].sort((x, y) => x - y);
  const classOfRank = Int32Array.from(canonicalRanks, (rank) => canonicalOfClass.indexOf(rank));
  const table = { classOfRank, canonicalOfClass };
  classTables.set(n, table);
  return table;
}

function assertItemCount(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > MAX_ITEMS) {
    throw new RangeError(`permutations need 1 to ${MAX_ITEMS} items, got ${n}`);
  }
}

function assertPermutation(p: Permutation): void {
  assertItemCount(p.length);
  const inRange = p.every((value) => Number.isInteger(value) && value >= 0 && value < p.length);
  if (!inRange || new Set(p).size !== p.length) {
    throw new RangeError(`[${p.join(', ')}] is not a permutation of 0..${p.length - 1}`);
  }
}
