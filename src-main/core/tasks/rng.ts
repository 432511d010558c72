/**
 * Seeded, fast pseudo-random numbers for the samplers. A generator is identified by a key (its seed,
 * or its parent's key plus a fork label); the key is hashed to 128 bits (cyrb128) that seed sfc32.
 * Because a fork depends only on the parent's key and the label, never on how many numbers the
 * parent has drawn, per-video or per-tuple streams can be regenerated alone, in any order, by any
 * worker.
 */
export interface Rng {
  /** Uniform in [0, 1), 32 bits of resolution. */
  next(): number;
  /** Uniform integer in [min, maxExclusive). */
  int(min: number, maxExclusive: number): number;
  /** True with the given probability (0 never, 1 always). */
  chance(probability: number): boolean;
  /** One element, uniformly; throws on an empty array. */
  pick<T>(items: readonly T[]): T;
  /** A uniformly shuffled copy (Fisher-Yates); the input is left untouched. */
  shuffle<T>(items: readonly T[]): T[];
  /** An independent generator derived from this one's key and `label`. */
  fork(label: string | number): Rng;
}

const TWO_POW_32 = 4294967296;
// sfc32 mixes poorly for its first outputs when seed words are similar; the usual cure is to skip some.
const WARM_UP_DRAWS = 15;

/** A generator for `seed`. The number 1 and the string '1' are different seeds. */
export function createRng(seed: number | string): Rng {
  if (typeof seed === 'number' && !Number.isFinite(seed)) {
    throw new RangeError(`An RNG seed must be a finite number or a string, got ${seed}`);
  }
  // Root keys start with a letter and fork keys with a digit, so the two never collide.
  return new Sfc32Rng(typeof seed === 'number' ? `n${seed}` : `s${seed}`);
}

class Sfc32Rng implements Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;
  private readonly key: string;

  constructor(key: string) {
    this.key = key;
    [this.a, this.b, this.c, this.d] = cyrb128(key);
    for (let i = 0; i < WARM_UP_DRAWS; i++) this.nextUint32();
  }

  next(): number {
    return this.nextUint32() / TWO_POW_32;
  }

  int(min: number, maxExclusive: number): number {
    const span = maxExclusive - min;
    if (!Number.isSafeInteger(min) || !Number.isSafeInteger(maxExclusive) || span < 1 || span > TWO_POW_32) {
      throw new RangeError(`int(${min}, ${maxExclusive}) needs integers with 1 ≤ max − min ≤ 2^32`);
    }
    return min + Math.floor(this.next() * span);
  }

  chance(probability: number): boolean {
    return this.next() < probability;
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new RangeError('pick() needs a non-empty array');
    return items[this.int(0, items.length)] as T;
  }

  shuffle<T>(items: readonly T[]): T[] {
    const result = items.slice();
    for (let i = result.length - 1; i > 0; i--) {
      const j = this.int(0, i + 1);
      [result[i], result[j]] = [result[j] as T, result[i] as T];
    }
    return result;
  }

  fork(label: string | number): Rng {
    const text = String(label);
    // Length-prefixed so that distinct (label, parent) pairs always give distinct keys.
    return new Sfc32Rng(`${text.length}:${text}|${this.key}`);
  }

  private nextUint32(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return t >>> 0;
  }
}

/** Four 32-bit words from a string: enough state that forked streams never realistically collide. */
function cyrb128(text: string): [number, number, number, number] {
  let h1 = 1779033703;
  let h2 = 3144134277;
  let h3 = 1013904242;
  let h4 = 2773480762;
  for (let i = 0; i < text.length; i++) {
    const k = text.charCodeAt(i);
    h1 = h2 ^ Math.imul(h1 ^ k, 597399067);
    h2 = h3 ^ Math.imul(h2 ^ k, 2869860233);
    h3 = h4 ^ Math.imul(h3 ^ k, 951274213);
    h4 = h1 ^ Math.imul(h4 ^ k, 2716044179);
  }
  h1 = Math.imul(h3 ^ (h1 >>> 18), 597399067);
  h2 = Math.imul(h4 ^ (h2 >>> 22), 2869860233);
  h3 = Math.imul(h1 ^ (h3 >>> 17), 951274213);
  h4 = Math.imul(h2 ^ (h4 >>> 19), 2716044179);
  h1 ^= h2 ^ h3 ^ h4;
  h2 ^= h1;
  h3 ^= h1;
  h4 ^= h1;
  return [h1 >>> 0, h2 >>> 0, h3 >>> 0, h4 >>> 0];
}
